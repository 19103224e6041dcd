/**
 * Translations from RTCMultiConnection 3.x conventions to the engine's: legacy Chrome media
 * constraints, the raw socket parameter string, error strings, and user preferences.
 */
import { ErrorCode, type RtcError } from '../engine/index.js';
import { LEGACY_ERRORS } from '../protocol/index.js';

type Legacy = Record<string, unknown>;

const RANGES: [string, string][] = [
  ['Width', 'width'],
  ['Height', 'height'],
  ['FrameRate', 'frameRate'],
  ['AspectRatio', 'aspectRatio'],
];

/**
 * One track's constraints: the old Chrome form (`{mandatory: {maxWidth, minFrameRate,
 * sourceId, chromeMediaSource...}, optional: [{facingMode: 'user'}, ...]}`) becomes the standard
 * form (`{width: {max}}`, `deviceId`, ...); standard constraints pass through; Chrome-only keys
 * (`goog*`, `chromeMediaSource*`) are dropped, as current browsers do.
 */
export function modernTrackConstraints(value: unknown): boolean | MediaTrackConstraints {
  if (typeof value === 'boolean' || value === undefined || value === null) return !!value;
  if (typeof value !== 'object') return true;
  const { mandatory, optional, ...standard } = value as Legacy;
  const out: Legacy = {};
  for (const [key, inner] of Object.entries(standard)) {
    if (!/^goog|^chromeMediaSource|^mozMediaSource|^mediaSource$/.test(key)) out[key] = inner;
  }
  const set = (name: string, bound: 'min' | 'max' | 'ideal' | 'exact', v: unknown) => {
    if (typeof v !== 'number') return;
    const current = out[name];
    out[name] = { ...(typeof current === 'object' && current ? current : {}), [bound]: v };
  };
  if (mandatory && typeof mandatory === 'object') {
    for (const [key, inner] of Object.entries(mandatory as Legacy)) {
      const range = RANGES.find(([suffix]) => key === `min${suffix}` || key === `max${suffix}`);
      if (range) set(range[1], key.startsWith('min') ? 'min' : 'max', inner);
      else if (key === 'sourceId' && typeof inner === 'string') out['deviceId'] = { exact: inner };
    }
  }
  if (Array.isArray(optional)) {
    for (const entry of optional as Legacy[]) {
      for (const [key, inner] of Object.entries(entry)) {
        if (key === 'sourceId' && typeof inner === 'string') out['deviceId'] ??= inner;
        else if (key === 'facingMode' && typeof inner === 'string') out['facingMode'] ??= inner;
        const range = RANGES.find(([suffix]) => key === `min${suffix}` || key === `max${suffix}`);
        if (range) set(range[1], 'ideal', inner);
      }
    }
  }
  return Object.keys(out).length > 0 ? out : true;
}

/**
 * Track constraints for getDisplayMedia, which refuses `min` and `exact` (a TypeError): they
 * become `ideal` (v3's default screen constraints ask for `minAspectRatio`).
 */
export function displayTrackConstraints(
  constraints: boolean | MediaTrackConstraints,
): boolean | MediaTrackConstraints {
  if (typeof constraints === 'boolean') return constraints;
  const out: Legacy = {};
  for (const [key, value] of Object.entries(constraints)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const { min, exact, ...allowed } = value as Legacy;
      const ideal = allowed['ideal'] ?? exact ?? min;
      out[key] = ideal === undefined ? allowed : { ...allowed, ideal };
    } else out[key] = value;
  }
  return out;
}

/** `{audio, video}` in either form. */
export function modernConstraints(constraints: unknown): MediaStreamConstraints {
  const c = (constraints ?? {}) as Legacy;
  return {
    audio: modernTrackConstraints(c['audio'] ?? true),
    video: modernTrackConstraints(c['video'] ?? true),
  };
}

/** v3's `socketCustomParameters` (`'&fullName=Muaz&meetingId=xyz'`) as query values. */
export function parseSocketParameters(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof raw !== 'string') return out;
  for (const [key, value] of new URLSearchParams(raw.replace(/^[?&]+/, ''))) out[key] = value;
  return out;
}

/** v3's error strings (`connection.errors`), which its callbacks receive. */
export const ERRORS = LEGACY_ERRORS;

/** The v3 error string for an engine error (its own message when v3 had none). */
export function legacyError(error: RtcError): string {
  switch (error.code) {
    case ErrorCode.ROOM_EXISTS:
    case ErrorCode.ROOM_NOT_FOUND:
      return ERRORS.ROOM_NOT_AVAILABLE;
    case ErrorCode.ROOM_FULL:
      return ERRORS.ROOM_FULL;
    case ErrorCode.INVALID_PASSWORD:
      return ERRORS.INVALID_PASSWORD;
    case ErrorCode.NOT_OWNER:
      return ERRORS.ROOM_PERMISSION_DENIED;
    case ErrorCode.PEER_NOT_FOUND:
      return ERRORS.USERID_NOT_AVAILABLE;
    default:
      return error.message;
  }
}

/** v3's per-user preferences, as `setUserPreferences`, `onNewParticipant` and `onReadyForOffer` get them. */
export interface LegacyUserPreferences {
  localPeerSdpConstraints: { OfferToReceiveAudio: boolean; OfferToReceiveVideo: boolean };
  remotePeerSdpConstraints: { OfferToReceiveAudio: boolean; OfferToReceiveVideo: boolean };
  isOneWay: boolean;
  isDataOnly: boolean;
  dontGetRemoteStream: boolean;
  dontAttachLocalStream: boolean;
  /** Older spelling some pages set. */
  dontAttachStream?: boolean;
  connectionDescription?: unknown;
  successCallback?: () => void;
}

/** A random id, as v3's `token()` makes them. */
export function token(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}
