/**
 * RTCMultiConnection v3's SDP helpers: `CodecsHandler`, which v3 also exposes as
 * `BandwidthHandler` (`connection.BandwidthHandler === connection.CodecsHandler`). Apps call them
 * from `connection.processSdp` to reorder codecs and cap bitrates.
 *
 * v3's versions match Plan B SDP (`a=mid:audio`, `a=mid:video`, only the last `m=video`,
 * hard-coded payload types 126/97 and 9) and so do nothing, or damage the SDP, on the
 * unified-plan SDP every browser writes now. These versions edit every m-section of the right
 * kind, whatever its mid or payload numbers, built on the engine's own helpers in
 * `src/engine/media/sdp.ts` (`setBandwidth`, `preferCodec`, `setOpusParameters`) plus the few
 * section primitives below. Every function takes and returns an SDP string and keeps its line
 * endings; sections a function does not apply to are returned byte for byte.
 *
 * Prefer the standard controls where you can: `RTCRtpTransceiver.setCodecPreferences` (see
 * {@link CodecsHandler.prioritize}) and `RTCRtpSender.setParameters({ encodings: [{ maxBitrate }] })`,
 * which the engine uses for `connection.codecs` and `connection.bandwidth`.
 */
import { bitrateFor } from '../engine/media/bandwidth.js';
import { canPreferCodecs, orderedCodecs } from '../engine/media/codecs.js';
import {
  preferCodec as preferInSdp,
  setBandwidth,
  setOpusParameters,
} from '../engine/media/sdp.js';
import { ErrorCode, RtcError } from '../engine/errors.js';

/** A bitrate in kbps; v3's defaults are `false` (no cap). */
export type Kbps = number | false | null | undefined;

/** `connection.bandwidth`: caps in kbps per kind of source. */
export interface BandwidthOptions {
  audio?: Kbps;
  video?: Kbps;
  screen?: Kbps;
}

/** `x-google-min-bitrate` / `x-google-max-bitrate`, in kbps (Chromium reads them). */
export interface VideoBitrates {
  min?: number | undefined;
  max?: number | undefined;
}

/** Opus parameters (RFC 7587) plus v3's `maxptime`, which becomes an `a=maxptime:` line. */
export interface OpusAttributes {
  /** 1: the receiver prefers stereo. Default 1, as in v3. */
  stereo?: number | undefined;
  /** 1: the sender is likely to send stereo. Default 1, as in v3. */
  'sprop-stereo'?: number | undefined;
  /** bps, clamped to Opus' 6000-510000. */
  maxaveragebitrate?: number | undefined;
  /** Hz, clamped to 8000-48000. */
  maxplaybackrate?: number | undefined;
  cbr?: number | undefined;
  useinbandfec?: number | undefined;
  usedtx?: number | undefined;
  /** ms, written as `a=maxptime:` in each audio section that carries Opus. */
  maxptime?: number | undefined;
}

// ---- Section primitives (sdp.ts keeps its splitter private) -----------------------------------

interface Section {
  kind: string;
  lines: string[];
}

interface Parsed {
  head: string[];
  sections: Section[];
  eol: string;
  trailing: boolean;
}

function parse(sdp: string): Parsed {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const trailing = lines.at(-1) === '';
  if (trailing) lines.pop();
  const head: string[] = [];
  const sections: Section[] = [];
  for (const line of lines) {
    if (line.startsWith('m='))
      sections.push({ kind: line.slice(2).split(' ')[0] ?? '', lines: [line] });
    else if (sections.length === 0) head.push(line);
    else sections.at(-1)?.lines.push(line);
  }
  return { head, sections, eol, trailing };
}

function serialize(parsed: Parsed): string {
  const lines = [...parsed.head, ...parsed.sections.flatMap((s) => s.lines)];
  if (parsed.trailing) lines.push('');
  return lines.join(parsed.eol);
}

/** Edits the sections of one kind (or all of them) and serializes again. */
function editSections(
  sdp: string,
  kind: string | undefined,
  edit: (section: Section) => void,
): string {
  const parsed = parse(sdp);
  for (const section of parsed.sections) if (!kind || section.kind === kind) edit(section);
  return serialize(parsed);
}

/** Payload type -> codec name (as written, e.g. `VP8`, `rtx`, `opus`) from the rtpmap lines. */
function codecNames(section: Section): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of section.lines) {
    const match = /^a=rtpmap:(\d+) ([^/\s]+)\//.exec(line);
    if (match?.[1] && match[2]) names.set(match[1], match[2]);
  }
  return names;
}

/** Payload types of the RTX (or any `apt=`) companions of `primaries`. */
function companions(section: Section, primaries: ReadonlySet<string>): string[] {
  return section.lines
    .map((line) => /^a=fmtp:(\d+) apt=(\d+)/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && primaries.has(m[2] ?? ''))
    .map((m) => m[1] ?? '');
}

/** Names that are not codecs of their own: retransmission, redundancy and FEC. */
const HELPERS = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03', 'cn', 'telephone-event']);
const isPrimary = (name: string | undefined) => !!name && !HELPERS.has(name.toLowerCase());

/**
 * Keeps only these payload types in a section: rewrites the m-line and drops the rtpmap, fmtp
 * and rtcp-fb lines of the others. Returns false, leaving the section alone, when no real codec
 * would remain (an m-line without payloads is invalid).
 */
function keepPayloads(section: Section, keep: (pt: string) => boolean): boolean {
  const names = codecNames(section);
  const fields = (section.lines[0] ?? '').split(' ');
  const payloads = fields.slice(3);
  const kept = payloads.filter(keep);
  if (!kept.some((pt) => isPrimary(names.get(pt)))) return false;
  const dropped = new Set(payloads.filter((pt) => !kept.includes(pt)));
  section.lines = section.lines.filter((line) => {
    const match = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)[ ]/.exec(line);
    return !match?.[1] || !dropped.has(match[1]);
  });
  section.lines[0] = [...fields.slice(0, 3), ...kept].join(' ');
  return true;
}

/** Merges `key=value` parameters into a payload's fmtp line, adding the line when missing. */
function mergeFmtp(section: Section, pt: string, params: Record<string, string | number>): void {
  const prefix = `a=fmtp:${pt} `;
  const index = section.lines.findIndex((l) => l.startsWith(prefix));
  const current = new Map<string, string>();
  if (index >= 0) {
    for (const pair of (section.lines[index] ?? '').slice(prefix.length).split(';')) {
      const [key = '', value = ''] = pair.trim().split('=');
      if (key) current.set(key, value);
    }
  }
  for (const [key, value] of Object.entries(params)) current.set(key, String(value));
  const line = prefix + [...current].map(([k, v]) => `${k}=${v}`).join(';');
  if (index >= 0) section.lines[index] = line;
  else {
    const rtpmap = section.lines.findIndex((l) => l.startsWith(`a=rtpmap:${pt} `));
    section.lines.splice(rtpmap >= 0 ? rtpmap + 1 : section.lines.length, 0, line);
  }
}

function assertSdp(sdp: unknown, method: string): asserts sdp is string {
  if (typeof sdp !== 'string') {
    throw new RtcError(
      ErrorCode.INVALID_STATE,
      `CodecsHandler.${method}: the SDP must be a string`,
    );
  }
}

const positive = (value: Kbps): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

const clamp = (value: number, min: number, max: number) =>
  Math.round(Math.min(max, Math.max(min, value)));

// ---- The v3 functions --------------------------------------------------------------------------

/**
 * Puts a codec first (with its RTX companions) in every section that offers it, audio or video:
 * `preferCodec(sdp, 'vp9')`, `'h264'` (every H264 profile), `'av1'`, `'opus'`, `'g722'`.
 * Case-insensitive. v3 accepted only vp8/vp9/h264 and edited only the last `m=video`.
 */
function preferCodec(sdp: string, codecName: string): string {
  assertSdp(sdp, 'preferCodec');
  return preferInSdp(preferInSdp(sdp, 'video', codecName), 'audio', codecName);
}

/** v3's shortcut for `preferCodec(sdp, 'vp9')`. */
function preferVP9(sdp: string): string {
  return preferCodec(sdp, 'vp9');
}

/**
 * Removes VP8 and VP9 (and their RTX) from every video section, leaving H264/AV1. A section that
 * would be left without any codec is returned unchanged. v3 only took the two payload numbers
 * off the last `m=video` line and left their attribute lines behind.
 */
function removeVPX(sdp: string): string {
  assertSdp(sdp, 'removeVPX');
  return editSections(sdp, 'video', (section) => {
    const names = codecNames(section);
    const vpx = new Set([...names].filter(([, name]) => /^vp[89]$/i.test(name)).map(([pt]) => pt));
    if (vpx.size === 0) return;
    const gone = new Set([...vpx, ...companions(section, vpx)]);
    keepPayloads(section, (pt) => !gone.has(pt));
  });
}

/**
 * Turns off NACK (retransmission requests) for every payload type of every section:
 * `a=rtcp-fb:<pt> nack` lines go, `nack pli` becomes `pli`. v3 did this for payload types 126 and
 * 97 only, which rarely are the codecs in use.
 */
function disableNACK(sdp: string): string {
  assertSdp(sdp, 'disableNACK');
  return editSections(sdp, undefined, (section) => {
    const out: string[] = [];
    for (const line of section.lines) {
      const match = /^a=rtcp-fb:(\S+) nack( pli)?$/.exec(line);
      if (!match) out.push(line);
      else if (match[2]) {
        const pli = `a=rtcp-fb:${match[1] ?? ''} pli`;
        if (!section.lines.includes(pli) && !out.includes(pli)) out.push(pli);
      }
    }
    section.lines = out;
  });
}

/**
 * Restricts every audio section that offers G722 to G722 alone (its other codecs' attribute lines
 * go too). Sections without G722 are left alone. v3's regex expected `m=audio <port> RTP/SAVPF`
 * and so never matched the `UDP/TLS/RTP/SAVPF` profile browsers use.
 */
function removeNonG722(sdp: string): string {
  assertSdp(sdp, 'removeNonG722');
  return editSections(sdp, 'audio', (section) => {
    const names = codecNames(section);
    const g722 = new Set(
      [...names].filter(([, n]) => n.toUpperCase() === 'G722').map(([pt]) => pt),
    );
    if (g722.size > 0) keepPayloads(section, (pt) => g722.has(pt));
  });
}

/**
 * Writes `b=AS` (kbps) and `b=TIAS` (bps) into every audio and video section, from
 * `connection.bandwidth`: audio sections get `bandwidth.audio`; video sections get
 * `bandwidth.screen` when `isScreen` and it is set, else `bandwidth.video`. Kinds without a
 * positive value are left alone. Data sections are never touched.
 *
 * v3 inserted `b=AS` after `a=mid:audio` / `a=mid:video`, which unified-plan SDP never contains,
 * gave video the screen value whenever one was set (screen or not), skipped Firefox, and warned
 * on the console below 300 kbps for screens; this version does none of that.
 */
function setApplicationSpecificBandwidth(
  sdp: string,
  bandwidth: BandwidthOptions | null | undefined,
  isScreen = false,
): string {
  assertSdp(sdp, 'setApplicationSpecificBandwidth');
  if (!bandwidth) return sdp;
  const caps = {
    audio: positive(bandwidth.audio),
    video: positive(bandwidth.video),
    screen: positive(bandwidth.screen),
  };
  let out = sdp;
  const audio = bitrateFor(caps, 'audio', isScreen);
  if (audio) out = setBandwidth(out, 'audio', audio);
  const video = bitrateFor(caps, 'video', isScreen);
  if (video) out = setBandwidth(out, 'video', video);
  return out;
}

/**
 * Sets Chromium's `x-google-min-bitrate` / `x-google-max-bitrate` (kbps) on every video codec of
 * every video section (merged into its fmtp line). Only the values given are written; with
 * neither, both are 228 as in v3. Other browsers ignore these parameters.
 *
 * v3 wrote them for VP8 only, as a second `a=fmtp` line for the same payload placed after the
 * first RTX fmtp line.
 */
function setVideoBitrates(sdp: string, params?: VideoBitrates | null): string {
  assertSdp(sdp, 'setVideoBitrates');
  const min = positive(params?.min);
  const max = positive(params?.max);
  const values: Record<string, number> = {};
  if (min === undefined && max === undefined) {
    values['x-google-min-bitrate'] = 228;
    values['x-google-max-bitrate'] = 228;
  }
  if (min !== undefined) values['x-google-min-bitrate'] = Math.round(min);
  if (max !== undefined) values['x-google-max-bitrate'] = Math.round(max);
  return editSections(sdp, 'video', (section) => {
    const names = codecNames(section);
    const payloads = (section.lines[0] ?? '').split(' ').slice(3);
    for (const pt of payloads) if (isPrimary(names.get(pt))) mergeFmtp(section, pt, values);
  });
}

/**
 * Sets Opus parameters in every audio section that offers Opus: `stereo` and `sprop-stereo`
 * (default 1, as in v3) plus whichever of `maxaveragebitrate`, `maxplaybackrate`, `cbr`,
 * `useinbandfec`, `usedtx` are given, merged into the existing fmtp line (v3 appended, so keys
 * could repeat). `maxptime` becomes an `a=maxptime:` line.
 *
 * Values outside what Opus accepts are clamped: `maxaveragebitrate` to 6000-510000 bps and
 * `maxplaybackrate` to 8000-48000 Hz. (v3's own `processSdp` and its documentation pass
 * `bandwidth.audio * 8 * 1000` or more for both, which is out of range for each.)
 */
function setOpusAttributes(sdp: string, params?: OpusAttributes | null): string {
  assertSdp(sdp, 'setOpusAttributes');
  const p = params ?? {};
  const fmtp: Record<string, number> = {
    stereo: p.stereo ?? 1,
    'sprop-stereo': p['sprop-stereo'] ?? 1,
  };
  if (p.maxaveragebitrate !== undefined)
    fmtp['maxaveragebitrate'] = clamp(p.maxaveragebitrate, 6000, 510000);
  if (p.maxplaybackrate !== undefined)
    fmtp['maxplaybackrate'] = clamp(p.maxplaybackrate, 8000, 48000);
  for (const key of ['cbr', 'useinbandfec', 'usedtx'] as const) {
    const value = p[key];
    if (value !== undefined) fmtp[key] = value;
  }
  let out = setOpusParameters(sdp, fmtp);
  const maxptime = positive(p.maxptime);
  if (maxptime !== undefined) {
    out = editSections(out, 'audio', (section) => {
      const hasOpus = [...codecNames(section).values()].some((n) => n.toLowerCase() === 'opus');
      if (!hasOpus) return;
      section.lines = section.lines.filter((l) => !l.startsWith('a=maxptime:'));
      section.lines.push(`a=maxptime:${Math.round(maxptime)}`);
    });
  }
  return out;
}

/** v3's `forceStereoAudio`: `stereo=1; sprop-stereo=1` on Opus (capture without echo cancellation to hear it). */
function forceStereoAudio(sdp: string): string {
  assertSdp(sdp, 'forceStereoAudio');
  return setOpusParameters(sdp, { stereo: 1, 'sprop-stereo': 1 });
}

/**
 * Puts a codec first for every transceiver of that kind with
 * `RTCRtpTransceiver.setCodecPreferences`, e.g. `prioritize('audio/opus', peer)` or
 * `prioritize('video/VP9', peer)`. It applies from the next offer/answer (renegotiate for it to
 * take effect on a live call). Returns whether any transceiver took it: false when the browser
 * lacks setCodecPreferences, does not support that codec, or the connection has no transceiver
 * of that kind.
 *
 * v3 reordered `sender.getParameters().codecs` and called `setParameters`, which browsers reject
 * (codecs are read-only there), so it never did anything.
 */
function prioritize(codecMimeType: string, peer: RTCPeerConnection | null | undefined): boolean {
  const match =
    typeof codecMimeType === 'string' ? /^(audio|video)\/(.+)$/i.exec(codecMimeType) : null;
  if (!match?.[1] || !match[2]) {
    throw new RtcError(
      ErrorCode.INVALID_STATE,
      'CodecsHandler.prioritize: expected a MIME type such as "audio/opus" or "video/VP9"',
    );
  }
  if (!peer || !canPreferCodecs()) return false;
  const kind = match[1].toLowerCase() as 'audio' | 'video';
  const codecs = orderedCodecs(kind, match[2]);
  if (!codecs) return false;
  let applied = false;
  for (const transceiver of peer.getTransceivers()) {
    if (transceiver.currentDirection === 'stopped' || transceiver.receiver.track.kind !== kind)
      continue;
    try {
      transceiver.setCodecPreferences(codecs);
      applied = true;
    } catch {
      // A transceiver that refuses the list keeps the browser's order.
    }
  }
  return applied;
}

/**
 * v3's `CodecsHandler` (global `CodecsHandler`, `connection.CodecsHandler`). Every SDP function
 * is safe on unified-plan SDP with any number of audio, video and data sections.
 */
export const CodecsHandler = Object.freeze({
  preferCodec,
  preferVP9,
  removeVPX,
  disableNACK,
  prioritize,
  removeNonG722,
  setApplicationSpecificBandwidth,
  setVideoBitrates,
  setOpusAttributes,
  forceStereoAudio,
});

export type CodecsHandler = typeof CodecsHandler;

/**
 * v3's `BandwidthHandler`: in v3 the same object as `CodecsHandler`
 * (`window.BandwidthHandler = CodecsHandler`), so it is here too. Its documented part is
 * `setApplicationSpecificBandwidth`, `setVideoBitrates` and `setOpusAttributes`.
 */
export const BandwidthHandler: CodecsHandler = CodecsHandler;
