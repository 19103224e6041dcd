import { ErrorCode, RtcError } from '../errors.js';
import type { StreamsToShare } from '../../protocol/index.js';

/** A stream this page captured or was given, as the engine tracks it. */
export interface LocalStream {
  stream: MediaStream;
  isScreen: boolean;
  /** True when the engine captured it (and so stops its tracks on leave). */
  owned: boolean;
  /** Only these users get it (`addStream(stream, userId)`); everyone when unset. */
  targets?: Set<string>;
  /** A scalable broadcast's stream, received from our parent and forwarded to our children. */
  relayed?: boolean;
}

export interface CaptureRequest {
  audio: boolean;
  video: boolean;
  screen: boolean;
  /** Constraints passed to getUserMedia for the camera/microphone (RTCMultiConnection's `mediaConstraints`). */
  constraints?: MediaStreamConstraints | undefined;
  /** getDisplayMedia options for the screen (default `{video: true}`). */
  screenConstraints?: DisplayMediaStreamOptions | undefined;
  /** Send what is captured only to these users (default: everyone). */
  targets?: readonly string[] | undefined;
}

/**
 * Captures what a session needs: one camera/microphone stream and, separately, one screen stream.
 * Throws an RtcError whose code says why (PERMISSION_DENIED, DEVICE_NOT_FOUND, DEVICE_BUSY, ...).
 */
export async function captureMedia(request: CaptureRequest): Promise<LocalStream[]> {
  // Undefined outside secure contexts, whatever the DOM types say.
  const devices = (globalThis.navigator as Navigator | undefined)?.mediaDevices;
  if (!devices) {
    throw new RtcError(
      ErrorCode.UNSUPPORTED,
      'Media capture needs a secure context (https or localhost)',
    );
  }
  const out: LocalStream[] = [];
  try {
    if (request.audio || request.video) {
      const constraints: MediaStreamConstraints = {
        audio: request.audio ? (request.constraints?.audio ?? true) : false,
        video: request.video ? (request.constraints?.video ?? true) : false,
      };
      out.push({ stream: await devices.getUserMedia(constraints), isScreen: false, owned: true });
    }
    if (request.screen) {
      const stream = await devices.getDisplayMedia(
        request.screenConstraints ?? { video: true, audio: false },
      );
      out.push({ stream, isScreen: true, owned: true });
    }
  } catch (error) {
    for (const local of out) stopStream(local.stream);
    throw mediaError(error);
  }
  return out;
}

/** Maps a getUserMedia/getDisplayMedia DOMException to an RtcError with a stable code. */
export function mediaError(error: unknown): RtcError {
  if (error instanceof RtcError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const message = (error as { message?: string } | null)?.message || name || 'Media capture failed';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new RtcError(
        ErrorCode.PERMISSION_DENIED,
        `Permission to capture media was denied: ${message}`,
        { cause: error },
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new RtcError(
        ErrorCode.DEVICE_NOT_FOUND,
        `No device matches the requested media: ${message}`,
        { cause: error },
      );
    case 'NotReadableError':
    case 'AbortError':
      return new RtcError(ErrorCode.DEVICE_BUSY, `The device could not be opened: ${message}`, {
        cause: error,
      });
    default:
      return new RtcError(ErrorCode.MEDIA_ERROR, message, { cause: error });
  }
}

export function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** What each local stream carries, keyed by stream id, as peers announce it (v3 `streamsToShare`). */
export function streamLabels(streams: readonly LocalStream[]): StreamsToShare {
  const labels: StreamsToShare = {};
  for (const { stream, isScreen } of streams) {
    labels[stream.id] = {
      isAudio: stream.getAudioTracks().length > 0,
      isVideo: stream.getVideoTracks().length > 0,
      isScreen,
    };
  }
  return labels;
}
