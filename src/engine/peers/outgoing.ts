import {
  applyMaxBitrate,
  bitrateFor,
  updateParameters,
  type Bandwidth,
} from '../media/bandwidth.js';
import type { LocalStream } from '../media/capture.js';
import type { TrackKind } from '../media/local-media.js';

export interface OutgoingOptions {
  pc: RTCPeerConnection;
  remoteUserId: string;
  localStreams: () => readonly LocalStream[];
  bandwidth: () => Bandwidth;
  /** Send our streams to this peer at all (`dont-attach-stream`, per-peer preferences). */
  send: () => boolean;
  /** Per-stream filter (RTCMultiConnection's `beforeAddingStream`). */
  accept: (stream: MediaStream, remoteUserId: string) => boolean;
}

interface Sending {
  sender: RTCRtpSender;
  kind: TrackKind;
  isScreen: boolean;
  streamId: string;
  /** The local track this sender was created for (or switched to on a device change). */
  source: MediaStreamTrack;
  /**
   * A cap or a pause was ever asked of this sender. Until then it has the browser's defaults
   * (no cap, active) and its parameters are left alone: getParameters() is a synchronous call
   * into WebRTC's own thread that holds the page's thread for milliseconds on a busy machine,
   * and it used to run twice per sender on every negotiation, on the way to the first frame.
   */
  tuned: boolean;
}

/**
 * What one peer connection sends: which local tracks go out on which sender, track replacement
 * without renegotiation (and back), pausing encodings for mute, and bitrate caps.
 */
export class Outgoing {
  readonly #options: OutgoingOptions;
  #sending: Sending[] = [];
  /** The track a sender carried before `replace()`, per kind, for `reset()`. */
  #previous = new Map<TrackKind, MediaStreamTrack | null>();
  #paused = new Set<TrackKind>();

  constructor(options: OutgoingOptions) {
    this.#options = options;
  }

  /** Kinds we send at least one track of. */
  sends(kind: TrackKind): boolean {
    return this.#sending.some((s) => s.kind === kind);
  }

  /** Adds every local track not sent yet (the connection renegotiates on its own). */
  attach(): void {
    const { pc, remoteUserId } = this.#options;
    if (pc.signalingState === 'closed' || !this.#options.send()) return;
    for (const local of this.#options.localStreams()) {
      if (local.targets && !local.targets.has(remoteUserId)) continue;
      if (!this.#options.accept(local.stream, remoteUserId)) continue;
      for (const track of local.stream.getTracks()) {
        if (track.readyState === 'ended' || this.#sending.some((s) => s.source === track)) continue;
        const sending: Sending = {
          sender: pc.addTrack(track, local.stream),
          kind: track.kind as TrackKind,
          isScreen: local.isScreen,
          streamId: local.stream.id,
          source: track,
          tuned: false,
        };
        this.#sending.push(sending);
        // Muting pauses the camera and microphone, never a screen share.
        if (!local.isScreen && this.#paused.has(sending.kind)) void this.#setActive(sending);
      }
    }
    void this.applyBandwidth();
  }

  /** A track is sent on no negotiated m-line yet (its transceiver has no mid). */
  unnegotiated(): boolean {
    const { pc } = this.#options;
    if (pc.signalingState === 'closed') return false;
    const transceivers = pc.getTransceivers();
    return this.#sending.some(
      ({ sender }) => transceivers.find((t) => t.sender === sender)?.mid === null,
    );
  }

  /** Stops sending a stream's tracks (the connection renegotiates). */
  detach(streamId: string): void {
    const { pc } = this.#options;
    const leaving = this.#sending.filter((s) => s.streamId === streamId);
    this.#sending = this.#sending.filter((s) => s.streamId !== streamId);
    if (pc.signalingState === 'closed') return;
    for (const { sender } of leaving) pc.removeTrack(sender);
  }

  /**
   * Puts another track on the camera/microphone sender of that kind, without renegotiation.
   * The first replacement remembers the track it replaced, for `reset()`.
   */
  async replace(kind: TrackKind, track: MediaStreamTrack | null): Promise<boolean> {
    const sending = this.#sending.find((s) => s.kind === kind && !s.isScreen);
    if (!sending) return false;
    if (!this.#previous.has(kind)) this.#previous.set(kind, sending.sender.track);
    await sending.sender.replaceTrack(track);
    return true;
  }

  /** Puts back the track a `replace()` took off. */
  async reset(kind: TrackKind): Promise<void> {
    if (!this.#previous.has(kind)) return;
    const previous = this.#previous.get(kind) ?? null;
    this.#previous.delete(kind);
    const sending = this.#sending.find((s) => s.kind === kind && !s.isScreen);
    await sending?.sender.replaceTrack(previous);
  }

  /**
   * A local track was swapped for another (a device switch; a relay's new parent): senders that
   * carried it follow. When none did (it had ended before this connection was made, so it was
   * never added: a relay that takes a child while its parent is being replaced), the new track
   * is added now, as `attach()` would add any track not sent yet.
   */
  async follow(previous: MediaStreamTrack, track: MediaStreamTrack): Promise<void> {
    let followed = false;
    for (const sending of this.#sending) {
      if (sending.source !== previous) continue;
      followed = true;
      sending.source = track;
      if (sending.sender.track === previous) await sending.sender.replaceTrack(track);
    }
    if (this.#previous.get(track.kind as TrackKind) === previous)
      this.#previous.set(track.kind as TrackKind, track);
    if (!followed) this.attach();
  }

  /**
   * Pauses or resumes the camera/microphone encodings of these kinds: a paused encoding sends
   * nothing at all (a disabled track alone still sends black frames or silence).
   */
  async pause(kinds: readonly TrackKind[], paused: boolean): Promise<void> {
    for (const kind of kinds) {
      if (paused) this.#paused.add(kind);
      else this.#paused.delete(kind);
    }
    await Promise.all(
      this.#sending
        .filter((s) => kinds.includes(s.kind) && !s.isScreen)
        .map((s) => this.#setActive(s)),
    );
  }

  /** Applies the current bitrate caps to every sender. */
  async applyBandwidth(): Promise<void> {
    const bandwidth = this.#options.bandwidth();
    const changes: Promise<boolean>[] = [];
    for (const s of this.#sending) {
      const kbps = bitrateFor(bandwidth, s.kind, s.isScreen);
      if (kbps === undefined && !s.tuned) continue;
      s.tuned = true;
      changes.push(applyMaxBitrate(s.sender, kbps));
    }
    await Promise.all(changes);
  }

  /** Re-applies caps and pauses (call after a negotiation: some settings only hold after one). */
  async refresh(): Promise<void> {
    await this.applyBandwidth();
    await Promise.all(this.#sending.filter((s) => !s.isScreen).map((s) => this.#setActive(s)));
  }

  clear(): void {
    this.#sending = [];
    this.#previous.clear();
  }

  /** Pauses or resumes a sender's encodings to match what the user wants when its turn comes. */
  #setActive(sending: Sending): Promise<boolean> {
    const { sender, kind } = sending;
    if (!this.#paused.has(kind) && !sending.tuned) return Promise.resolve(true);
    sending.tuned = true;
    return updateParameters(sender, (params) => {
      const active = !this.#paused.has(kind);
      // Before the first negotiation there may be no encodings: attach() applies it again later.
      const encodings = params.encodings as RTCRtpEncodingParameters[] | undefined;
      if (!encodings?.length || encodings.every((e) => e.active === active)) return false;
      for (const encoding of encodings) encoding.active = active;
      return true;
    });
  }
}
