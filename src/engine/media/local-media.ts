import { ErrorCode, RtcError } from '../errors.js';
import { Emitter } from '../util/emitter.js';
import {
  captureMedia,
  mediaError,
  stopStream,
  type CaptureRequest,
  type LocalStream,
} from './capture.js';

export type TrackKind = 'audio' | 'video';

interface LocalMediaEvents {
  added: LocalStream;
  removed: LocalStream;
  /** A camera or microphone track was swapped in place (device switch): senders follow. */
  'track-replaced': { kind: TrackKind; previous: MediaStreamTrack; track: MediaStreamTrack };
}

/**
 * The page's own media: the captured camera/microphone stream, a screen share, and streams the
 * app hands in. Owns the tracks it captured (stops them when removed); never touches the DOM.
 */
export class LocalMedia extends Emitter<LocalMediaEvents> {
  #streams: LocalStream[] = [];

  get streams(): readonly LocalStream[] {
    return this.#streams;
  }

  /** The camera/microphone stream (captured or the app's first non-screen stream). */
  get camera(): LocalStream | undefined {
    return this.#streams.find((s) => !s.isScreen && !s.relayed);
  }

  /** The screen share, while there is one. */
  get screen(): LocalStream | undefined {
    return this.#streams.find((s) => s.isScreen && !s.relayed);
  }

  /** Captures and adds what the request asks for. Throws an RtcError with a media code. */
  async capture(
    request: CaptureRequest,
    stillWanted: () => boolean = () => true,
  ): Promise<LocalStream[]> {
    const captured = await captureMedia(request);
    if (!stillWanted()) {
      for (const local of captured) stopStream(local.stream);
      return [];
    }
    for (const local of captured) {
      // Targets are set before anyone hears of the stream, so it never reaches anyone else.
      if (request.targets) local.targets = new Set(request.targets);
      this.#add(local);
    }
    return captured;
  }

  /** Adds a stream the app captured itself (it keeps ownership of the tracks). */
  add(
    stream: MediaStream,
    options: { isScreen?: boolean; targets?: Iterable<string>; relayed?: boolean } = {},
  ): LocalStream {
    const existing = this.#streams.find((s) => s.stream === stream);
    if (existing) return existing;
    const local: LocalStream = {
      stream,
      isScreen: !!options.isScreen,
      owned: false,
      ...(options.targets ? { targets: new Set(options.targets) } : {}),
      ...(options.relayed ? { relayed: true } : {}),
    };
    this.#add(local);
    return local;
  }

  /** Removes a stream (stopping its tracks when we captured them); false when unknown. */
  remove(streamId: string): boolean {
    const local = this.#streams.find((s) => s.stream.id === streamId);
    if (!local) return false;
    this.#streams = this.#streams.filter((s) => s !== local);
    if (local.owned) stopStream(local.stream);
    this.emit('removed', local);
    return true;
  }

  /**
   * Starts a screen share (getDisplayMedia). Resolves undefined when the user cancels the picker
   * (not an error); throws an RtcError otherwise.
   */
  async startScreen(
    options: {
      audio?: boolean;
      add?: boolean;
      targets?: readonly string[];
      constraints?: DisplayMediaStreamOptions | undefined;
    } = {},
  ): Promise<LocalStream | undefined> {
    if (this.screen) return this.screen;
    const devices = (globalThis.navigator as Navigator | undefined)?.mediaDevices;
    if (!devices?.getDisplayMedia)
      throw new RtcError(ErrorCode.UNSUPPORTED, 'Screen sharing is not supported here');
    let stream: MediaStream;
    try {
      stream = await devices.getDisplayMedia(
        options.constraints ?? { video: true, audio: !!options.audio },
      );
    } catch (error) {
      // The user closing the picker is a choice, not a failure.
      if ((error as { name?: string }).name === 'NotAllowedError') return undefined;
      throw mediaError(error);
    }
    const local: LocalStream = {
      stream,
      isScreen: true,
      owned: true,
      ...(options.targets ? { targets: new Set(options.targets) } : {}),
    };
    if (options.add !== false) this.#add(local);
    return local;
  }

  stopScreen(): void {
    const screen = this.screen;
    if (screen) this.remove(screen.stream.id);
  }

  /**
   * Switches the camera or microphone to another device, live: the new track takes the old one's
   * place in the stream (senders are swapped with replaceTrack, no renegotiation).
   */
  async switchDevice(
    kind: TrackKind,
    deviceId: string,
    constraints?: MediaTrackConstraints,
  ): Promise<void> {
    const camera = this.camera;
    const previous = camera?.stream.getTracks().find((t) => t.kind === kind);
    if (!camera || !previous)
      throw new RtcError(ErrorCode.INVALID_STATE, `No ${kind} track to switch`);
    const wanted: MediaTrackConstraints = { ...constraints, deviceId: { exact: deviceId } };
    let fresh: MediaStream;
    try {
      fresh = await navigator.mediaDevices.getUserMedia(
        kind === 'audio' ? { audio: wanted } : { video: wanted },
      );
    } catch (error) {
      throw mediaError(error);
    }
    const [track] = fresh.getTracks() as [MediaStreamTrack];
    track.enabled = previous.enabled;
    this.swapTrack(camera, previous, track);
    if (camera.owned) previous.stop();
  }

  /** Puts `track` in `previous`'s place in a stream; senders follow (replaceTrack, no renegotiation). */
  swapTrack(local: LocalStream, previous: MediaStreamTrack, track: MediaStreamTrack): void {
    local.stream.removeTrack(previous);
    local.stream.addTrack(track);
    this.#watch(local, track);
    this.emit('track-replaced', { kind: track.kind as TrackKind, previous, track });
  }

  /** Changes resolution or frame rate of the live camera (no new permission prompt). */
  async applyConstraints(constraints: MediaTrackConstraints): Promise<void> {
    const track = this.camera?.stream.getVideoTracks()[0];
    if (!track) throw new RtcError(ErrorCode.INVALID_STATE, 'No camera track');
    try {
      await track.applyConstraints(constraints);
    } catch (error) {
      throw RtcError.from(error, ErrorCode.MEDIA_ERROR);
    }
  }

  /** Enables or disables the camera/microphone tracks of these kinds (mute). */
  setEnabled(kinds: readonly TrackKind[], enabled: boolean): void {
    for (const track of this.camera?.stream.getTracks() ?? []) {
      if (kinds.includes(track.kind as TrackKind)) track.enabled = enabled;
    }
  }

  /** Removes every stream (stopping what we captured). */
  removeAll(): void {
    for (const local of [...this.#streams]) this.remove(local.stream.id);
  }

  #add(local: LocalStream): void {
    this.#streams.push(local);
    for (const track of local.stream.getTracks()) this.#watch(local, track);
    this.emit('added', local);
  }

  /** A track that ends by itself (the browser's "stop sharing", a device unplugged) ends its stream when it was the last. */
  #watch(local: LocalStream, track: MediaStreamTrack): void {
    // A relayed stream outlives its tracks: the next parent's take their place.
    if (local.relayed) return;
    track.addEventListener(
      'ended',
      () => {
        if (!this.#streams.includes(local)) return;
        if (local.stream.getTracks().every((t) => t.readyState === 'ended'))
          this.remove(local.stream.id);
      },
      { once: true },
    );
  }
}
