import { ErrorCode, RtcError } from '../errors.js';
import type { Bandwidth } from '../media/bandwidth.js';
import { streamLabels, type LocalStream } from '../media/capture.js';
import { applyCodecPreferences, canPreferCodecs, type CodecPreferences } from '../media/codecs.js';
import { preferCodec } from '../media/sdp.js';
import type { TrackKind } from '../media/local-media.js';
import { usableIceServers } from './ice-servers.js';
import { Outgoing } from './outgoing.js';
import type { PeerStats, StatsSample } from './stats.js';
import { TextReassembler, encodeText } from '../data/text-messages.js';
import {
  PROTOCOL_REVISION,
  type CandidateMessage,
  type DescriptionMessage,
  type Extra,
  type RelayMessage,
  type StreamsToShare,
} from '../../protocol/index.js';
import { Emitter } from '../util/emitter.js';
import { FILE_CHANNEL } from '../files/frames.js';

/** Label of the text/JSON channel (the one RTCMultiConnection creates, so v3 peers use it too). */
export const TEXT_CHANNEL = 'sctp';
/** Pause sending text when this much is queued in the channel. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Most messages queued while the channel is not open yet. */
const MAX_OUTBOX = 1024;

export interface PeerOptions {
  localUserId: string;
  remoteUserId: string;
  iceServers: RTCIceServer[];
  /** `relay` forces TURN (RTCConfiguration.iceTransportPolicy). */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  /** Make the first offer (the room member does; the joiner answers). */
  initiator: boolean;
  /**
   * An answerer made before its offer comes (a joiner, for each member it hears of while joining):
   * its tracks are added now, so that the offer only needs the answer. It makes no offer of its
   * own before that first offer.
   */
  awaitOffer?: boolean | undefined;
  /** An RTCMultiConnection 3.x peer: v3 message fields, no rollback on its side. */
  legacy: boolean;
  /** Streams to send; read again whenever tracks are attached. */
  localStreams: () => readonly LocalStream[];
  /** Settles when local capture has finished (successfully or not): the first offer or answer waits for it. */
  mediaReady: Promise<void>;
  /** Kinds to receive even when we send none of them (the initiator offers recvonly m-lines). */
  receive: { audio: boolean; video: boolean };
  /** Send local streams to this peer (`dont-attach-stream` and per-peer preferences say no). */
  sendMedia: () => boolean;
  /** Receive this peer's streams (`dont-get-remote-stream` says no). */
  receiveMedia: () => boolean;
  /** Per-stream filter (RTCMultiConnection's `beforeAddingStream`). */
  acceptStream: (stream: MediaStream, remoteUserId: string) => boolean;
  codecs: () => CodecPreferences;
  /** Rewrites every local description before it is set (RTCMultiConnection's `processSdp`). */
  processSdp?: ((sdp: string) => string) | undefined;
  bandwidth: () => Bandwidth;
  extra: () => Extra;
  /** Relays a message to the remote user through signaling. */
  signal: (message: RelayMessage) => void;
}

export interface RemoteStream {
  stream: MediaStream;
  isScreen: boolean;
}

interface PeerEvents {
  stream: RemoteStream;
  'stream-ended': RemoteStream;
  message: { data: unknown };
  'channel-open': void;
  /** The file channel (ours or the remote's), new on every (re)creation. */
  'file-channel': RTCDataChannel;
  state: RTCPeerConnectionState;
  error: RtcError;
}

/**
 * One RTCPeerConnection to one remote user. Negotiation follows the "perfect negotiation"
 * pattern (either side may renegotiate at any time; glare resolves by politeness and rollback),
 * remote candidates that arrive before the remote description are buffered, and the v3 fields
 * RTCMultiConnection peers need are added to every description.
 */
export class Peer extends Emitter<PeerEvents> {
  readonly remoteUserId: string;
  #legacy: boolean;
  readonly pc: RTCPeerConnection;
  readonly #options: PeerOptions;
  #polite: boolean;
  /** Made ahead of its first offer (`awaitOffer`), which has not come yet. */
  #awaitingOffer: boolean;
  /** The browser asked for a negotiation while we waited for the first offer. */
  #negotiationDeferred = false;
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswer = false;
  #negotiatedOnce = false;
  #pendingCandidates: RTCIceCandidateInit[] = [];
  #remoteLabels: StreamsToShare = {};
  #remoteStreams = new Map<string, RemoteStream>();
  /** Streams of the offer being answered, announced once the answer is sent. */
  #heldStreams: RemoteStream[] | undefined;
  readonly #outgoing: Outgoing;
  /** Recent stats samples (the last 10 s), to compute rates from. */
  #statsHistory: { sample: StatsSample; takenAt: number }[] = [];
  #textChannel: RTCDataChannel | undefined;
  #outbox: (string | ArrayBuffer)[] = [];
  #reassembler = new TextReassembler();
  #closed = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(options: PeerOptions) {
    super();
    this.#options = options;
    this.remoteUserId = options.remoteUserId;
    this.#legacy = options.legacy;
    // Toward a v3 peer we are always the polite side: it cannot roll back.
    this.#polite = options.legacy || options.localUserId < options.remoteUserId;
    this.#awaitingOffer = !options.initiator && !!options.awaitOffer;
    // ICE server URLs the browser refuses are dropped (reported once per list), not fatal.
    const ice = usableIceServers(options.iceServers);
    this.pc = new RTCPeerConnection({
      iceServers: ice.servers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    });
    if (ice.report) {
      const error = new RtcError(
        ErrorCode.INVALID_REQUEST,
        `Ignored ICE server URLs the browser refuses: ${ice.rejected.join(', ')}`,
      );
      // After the caller has subscribed to this peer's events.
      queueMicrotask(() => this.emit('error', error));
    }
    this.#outgoing = new Outgoing({
      pc: this.pc,
      remoteUserId: options.remoteUserId,
      localStreams: options.localStreams,
      bandwidth: options.bandwidth,
      send: options.sendMedia,
      accept: options.acceptStream,
    });
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate || !candidate.candidate) return;
      const message: CandidateMessage = {
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      };
      options.signal(message);
    };
    this.pc.onnegotiationneeded = () => this.#serialise(() => this.#negotiate());
    this.pc.ontrack = (event) => this.#onTrack(event);
    this.pc.ondatachannel = ({ channel }) => {
      if (channel.label === TEXT_CHANNEL) this.#bindTextChannel(channel);
      else if (channel.label === FILE_CHANNEL && !this.#legacy) this.emit('file-channel', channel);
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === 'connected' && !this.canReceiveMessages) this.#dropOutbox();
      this.emit('state', state);
    };
    if (options.initiator) void options.mediaReady.then(() => this.#startAsInitiator());
    else if (this.#awaitingOffer)
      void options.mediaReady.then(() => this.#awaitingOffer && this.attachLocalStreams());
  }

  /** An RTCMultiConnection 3.x peer: v3 message fields, no rollback on its side. */
  get legacy(): boolean {
    return this.#legacy;
  }

  /** Made ahead of its first offer, which has not come yet. */
  get awaitingOffer(): boolean {
    return this.#awaitingOffer;
  }

  /**
   * Whether a connection made ahead of its offer can take this one: an offer from an
   * RTCMultiConnection page (no rtc-elements marker) makes it a v3 connection, as long as
   * nothing was negotiated yet.
   */
  takesOffer(legacy: boolean): boolean {
    if (legacy === this.#legacy) return true;
    if (!this.#awaitingOffer) return false;
    this.#legacy = legacy;
    this.#polite = legacy || this.#options.localUserId < this.remoteUserId;
    return true;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  /**
   * False for a connected RTCMultiConnection peer whose session has no `data`: it never opens a
   * data channel, so nothing can be sent to it.
   */
  get canReceiveMessages(): boolean {
    return !(this.#legacy && !this.#textChannel && this.pc.connectionState === 'connected');
  }

  /** Remote streams currently received from this peer. */
  get remoteStreams(): RemoteStream[] {
    return [...this.#remoteStreams.values()];
  }

  /** Adds every local track that is not sent yet (renegotiates when needed). */
  attachLocalStreams(): void {
    if (this.#closed) return;
    this.#outgoing.attach();
    this.#applyPreferences();
  }

  /** Stops sending the tracks of a stream (renegotiates). */
  detachStream(stream: MediaStream): void {
    if (!this.#closed) this.#outgoing.detach(stream.id);
  }

  /** Applies the current bandwidth caps to every sender. */
  applyBandwidth(): Promise<void> {
    return this.#outgoing.applyBandwidth();
  }

  /** Sends another track in place of the camera's or microphone's, without renegotiation. */
  replaceTrack(kind: TrackKind, track: MediaStreamTrack | null): Promise<boolean> {
    return this.#outgoing.replace(kind, track);
  }

  /** Goes back to the track a `replaceTrack()` replaced. */
  resetTrack(kind: TrackKind): Promise<void> {
    return this.#outgoing.reset(kind);
  }

  /** A local device switch: senders that carried the old track carry the new one. */
  followTrack(previous: MediaStreamTrack, track: MediaStreamTrack): Promise<void> {
    return this.#outgoing.follow(previous, track);
  }

  /** Pauses (mute) or resumes sending these kinds: nothing goes out while paused. */
  pause(kinds: readonly TrackKind[], paused: boolean): Promise<void> {
    return this.#outgoing.pause(kinds, paused);
  }

  /** Negotiates again (after preferences changed, for instance). */
  renegotiate(): Promise<void> {
    this.attachLocalStreams();
    return this.#serialise(() => this.#negotiate());
  }

  /** A plain summary of the connection: candidate type, RTT, bitrates, loss, frames. */
  async stats(): Promise<PeerStats> {
    // Loaded the first time a page asks (its own file in the element bundle).
    const [{ summarizeStats }, report] = await Promise.all([
      import('./stats.js'),
      this.pc.getStats(),
    ]);
    // Rates are measured against a sample at least a second old, so that several callers (an
    // app and a stats overlay polling every second) never shrink each other's window to nothing.
    const now = Date.now();
    const baseline =
      this.#statsHistory.findLast((s) => now - s.takenAt >= 1000) ?? this.#statsHistory[0];
    const { stats, sample } = summarizeStats(report, baseline?.sample);
    this.#statsHistory = [
      ...this.#statsHistory.filter((s) => now - s.takenAt < 10_000),
      { sample, takenAt: now },
    ];
    return stats;
  }

  /** Handles an offer or answer from the remote peer. */
  handleDescription(message: DescriptionMessage): Promise<void> {
    return this.#serialise(async () => {
      // The streams of an offer are announced once our answer is on its way: showing one (a
      // <video> and its player, 5-10 ms of the page's thread) must not hold the answer up.
      if (message.type === 'offer') this.#heldStreams = [];
      try {
        await this.#applyDescription(message);
      } finally {
        this.#releaseStreams();
      }
    }).catch((error: unknown) => this.#fail(error, 'Could not apply the remote description'));
  }

  async #applyDescription(message: DescriptionMessage): Promise<void> {
    if (this.#closed) return;
    if (message.type === 'offer') this.#awaitingOffer = false;
    if (message.streamsToShare) Object.assign(this.#remoteLabels, message.streamsToShare);
    const pc = this.pc;
    const readyForOffer =
      !this.#makingOffer && (pc.signalingState === 'stable' || this.#settingRemoteAnswer);
    const collision = message.type === 'offer' && !readyForOffer;
    this.#ignoreOffer = !this.#polite && collision;
    if (this.#ignoreOffer) return;
    if (message.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    this.#settingRemoteAnswer = message.type === 'answer';
    try {
      await pc.setRemoteDescription({ type: message.type, sdp: message.sdp });
    } finally {
      this.#settingRemoteAnswer = false;
    }
    if (message.type === 'offer') {
      // Tracks added now reuse the offered transceivers: no extra round of negotiation.
      await this.#options.mediaReady;
      if (pc.signalingState === 'closed') return;
      this.attachLocalStreams();
      // The answer leaves before it is applied (applying it takes 5-15 ms of the browser's
      // signaling thread): the offerer then knows our ICE credentials before our first checks
      // reach it, and connects on them instead of waiting for our candidates.
      const answer = await this.pc.createAnswer();
      const rewrite = this.#sdpRewrite();
      const local = { type: answer.type, sdp: rewrite ? rewrite(answer.sdp ?? '') : answer.sdp };
      this.#sendDescription(local);
      this.#releaseStreams();
      await pc.setLocalDescription(local);
    }
    this.#negotiatedOnce = true;
    // Candidates that came early go in after the answer is on its way, not before it.
    this.#flushCandidates();
    void this.#outgoing.refresh();
    // Tracks added before the first offer normally took its m-lines; the browser does not ask
    // again for what it asked while we waited, so a track left out gets its own offer now.
    if (this.#negotiationDeferred) {
      this.#negotiationDeferred = false;
      if (this.#outgoing.unnegotiated()) void this.#serialise(() => this.#negotiate());
    }
  }

  /** Announces the streams held while an offer was answered (still there, each once). */
  #releaseStreams(): void {
    const held = this.#heldStreams;
    this.#heldStreams = undefined;
    for (const remote of held ?? [])
      if (this.#remoteStreams.get(remote.stream.id) === remote) this.emit('stream', remote);
  }

  /** Handles a trickled candidate (buffered until the remote description is set). */
  handleCandidate(message: CandidateMessage): void {
    if (this.#closed) return;
    const init: RTCIceCandidateInit = {
      candidate: message.candidate,
      sdpMid: message.sdpMid,
      sdpMLineIndex: message.sdpMLineIndex,
    };
    if (!this.pc.remoteDescription) {
      this.#pendingCandidates.push(init);
      return;
    }
    this.pc.addIceCandidate(init).catch((error: unknown) => {
      if (!this.#ignoreOffer && !this.#closed)
        this.#fail(error, 'Could not add a remote ICE candidate');
    });
  }

  /** Sends a text/JSON message (or binary data) on the data channel, queueing until it opens. */
  async send(data: unknown): Promise<void> {
    if (this.#closed)
      throw new RtcError(ErrorCode.SEND_FAILED, `The connection to ${this.remoteUserId} is closed`);
    const packets =
      data instanceof ArrayBuffer
        ? [data]
        : ArrayBuffer.isView(data)
          ? [data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer]
          : encodeText(data);
    const channel = this.#textChannel;
    if (!this.canReceiveMessages) {
      throw new RtcError(
        ErrorCode.SEND_FAILED,
        `${this.remoteUserId} has no data channel (its RTCMultiConnection session has no data)`,
      );
    }
    if (!channel || channel.readyState !== 'open' || this.#outbox.length > 0) {
      if (this.#outbox.length + packets.length > MAX_OUTBOX) {
        throw new RtcError(
          ErrorCode.SEND_FAILED,
          `Too many messages queued for ${this.remoteUserId}`,
        );
      }
      this.#outbox.push(...packets);
      return;
    }
    for (const packet of packets) await this.#write(channel, packet);
  }

  /** Closes the connection and reports the remote streams as ended. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outbox = [];
    this.#reassembler.clear();
    const pc = this.pc;
    pc.onicecandidate = pc.onnegotiationneeded = pc.ontrack = pc.ondatachannel = null;
    pc.onconnectionstatechange = null;
    if (this.#textChannel) {
      this.#textChannel.onopen = this.#textChannel.onmessage = this.#textChannel.onclose = null;
      this.#textChannel.close();
    }
    pc.close();
    for (const remote of this.#remoteStreams.values()) this.emit('stream-ended', remote);
    this.#remoteStreams.clear();
    this.#outgoing.clear();
    this.clear();
  }

  /** Marks a remote stream as ended (the remote said so before renegotiating). */
  endRemoteStream(streamId: string): void {
    const remote = this.#remoteStreams.get(streamId);
    if (!remote) return;
    this.#remoteStreams.delete(streamId);
    this.emit('stream-ended', remote);
  }

  /** Creates the file channel; the creating side creates it again whenever it closes. */
  #openFileChannel(): void {
    const channel = this.pc.createDataChannel(FILE_CHANNEL, { ordered: true });
    channel.addEventListener('close', () => {
      if (!this.#closed && this.pc.connectionState !== 'closed') {
        setTimeout(() => !this.#closed && this.#openFileChannel(), 200);
      }
    });
    this.emit('file-channel', channel);
  }

  /** The first offer carries our media, the text channel, and recvonly m-lines for what we do not send. */
  #startAsInitiator(): void {
    if (this.#closed) return;
    this.#bindTextChannel(this.pc.createDataChannel(TEXT_CHANNEL, { ordered: true }));
    // Files get their own channel, so a large transfer never delays chat (not for v3 peers,
    // which would take any channel for their text channel).
    if (!this.#legacy) this.#openFileChannel();
    this.#outgoing.attach();
    // Offer to receive what we do not send, so the answerer's tracks fit in the first round.
    if (this.#options.receiveMedia()) {
      for (const kind of ['audio', 'video'] as const) {
        if (this.#options.receive[kind] && !this.#outgoing.sends(kind)) {
          this.pc.addTransceiver(kind, { direction: 'recvonly' });
        }
      }
    }
    this.#applyPreferences();
    // Offer now rather than when the browser's negotiationneeded event comes (a task later, on
    // a busy page well after): the browser does not fire it once this offer is under way.
    void this.#serialise(() => this.#negotiate());
  }

  /**
   * Codec order and, when this page receives nothing from the peer, send-only directions:
   * both go into the next offer or answer.
   */
  #applyPreferences(): void {
    applyCodecPreferences(this.pc, this.#options.codecs());
    if (this.#options.receiveMedia()) return;
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.currentDirection === 'stopped') continue;
      const want = transceiver.sender.track ? 'sendonly' : 'inactive';
      if (transceiver.direction !== want) transceiver.direction = want;
    }
  }

  #dropOutbox(): void {
    if (this.#outbox.length === 0) return;
    this.#outbox = [];
    this.emit(
      'error',
      new RtcError(
        ErrorCode.SEND_FAILED,
        `Messages to ${this.remoteUserId} were dropped: it has no data channel (its RTCMultiConnection session has no data)`,
      ),
    );
  }

  /**
   * Our offer, set as the local description, with an SDP rewrite where one is needed: the app's
   * `processSdp`, or codec order for browsers without setCodecPreferences.
   */
  async #setLocalOffer(): Promise<void> {
    const rewrite = this.#sdpRewrite();
    if (!rewrite) {
      await this.pc.setLocalDescription();
      return;
    }
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription({ type: offer.type, sdp: rewrite(offer.sdp ?? '') });
  }

  #sdpRewrite(): ((sdp: string) => string) | undefined {
    const codecs = this.#options.codecs();
    const process = this.#options.processSdp;
    const fallback = !canPreferCodecs() && !!(codecs.video || codecs.audio);
    if (!fallback && !process) return undefined;
    return (sdp) => {
      let out = sdp;
      if (fallback && codecs.video) out = preferCodec(out, 'video', codecs.video);
      if (fallback && codecs.audio) out = preferCodec(out, 'audio', codecs.audio);
      return process ? process(out) : out;
    };
  }

  async #negotiate(): Promise<void> {
    if (this.#closed) return;
    if (this.#awaitingOffer) {
      this.#negotiationDeferred = true;
      return;
    }
    // Asked twice for one change (our first offer, then the browser's event): one offer.
    if (this.pc.signalingState !== 'stable') return;
    try {
      this.#makingOffer = true;
      await this.#setLocalOffer();
      // (Read again: the await changed it.)
      if ((this.pc.signalingState as RTCSignalingState) !== 'have-local-offer') return;
      this.#sendDescription();
    } catch (error) {
      this.#fail(error, 'Could not create an offer');
    } finally {
      this.#makingOffer = false;
    }
  }

  #sendDescription(description: RTCSessionDescriptionInit | null = this.pc.localDescription): void {
    if (!description?.sdp || this.#closed) return;
    const message: DescriptionMessage = {
      type: description.type as 'offer' | 'answer',
      sdp: description.sdp,
      remotePeerSdpConstraints: { OfferToReceiveAudio: true, OfferToReceiveVideo: true },
      renegotiatingPeer: description.type === 'offer' && this.#negotiatedOnce,
      dontGetRemoteStream: false,
      extra: this.#options.extra(),
      streamsToShare: streamLabels(this.#options.localStreams()),
      rtcElements: PROTOCOL_REVISION,
    };
    this.#options.signal(message);
  }

  #flushCandidates(): void {
    const pending = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of pending) {
      // A candidate for an m-line that a rollback removed fails harmlessly.
      this.pc.addIceCandidate(candidate).catch(() => undefined);
    }
  }

  #onTrack(event: RTCTrackEvent): void {
    if (!this.#options.receiveMedia()) return;
    const stream = event.streams[0] ?? new MediaStream([event.track]);
    let remote = this.#remoteStreams.get(stream.id);
    if (!remote) {
      remote = { stream, isScreen: !!this.#remoteLabels[stream.id]?.isScreen };
      this.#remoteStreams.set(stream.id, remote);
      const entry = remote;
      stream.addEventListener('removetrack', () => {
        if (stream.getTracks().length === 0) this.endRemoteStream(stream.id);
      });
      if (this.#heldStreams) this.#heldStreams.push(entry);
      else this.emit('stream', entry);
    }
  }

  #bindTextChannel(channel: RTCDataChannel): void {
    if (this.#textChannel && this.#textChannel !== channel) this.#textChannel.close();
    this.#textChannel = channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = HIGH_WATER / 4;
    channel.onopen = () => {
      this.emit('channel-open', undefined);
      void this.#flushOutbox(channel);
    };
    channel.onmessage = ({ data }: MessageEvent<string | ArrayBuffer>) => {
      if (typeof data !== 'string') {
        this.emit('message', { data });
        return;
      }
      try {
        const complete = this.#reassembler.receive(data);
        if (complete) this.emit('message', complete);
      } catch (error) {
        this.emit(
          'error',
          RtcError.from(
            error,
            ErrorCode.INVALID_MESSAGE,
            `Unreadable message from ${this.remoteUserId}`,
          ),
        );
      }
    };
    if (channel.readyState === 'open') void this.#flushOutbox(channel);
  }

  async #flushOutbox(channel: RTCDataChannel): Promise<void> {
    for (let packet = this.#outbox[0]; packet !== undefined; packet = this.#outbox[0]) {
      if (channel.readyState !== 'open' || this.#closed) return;
      await this.#write(channel, packet);
      this.#outbox.shift();
    }
  }

  async #write(channel: RTCDataChannel, packet: string | ArrayBuffer): Promise<void> {
    if (channel.bufferedAmount > HIGH_WATER) {
      await new Promise<void>((resolve) => {
        channel.addEventListener('bufferedamountlow', () => resolve(), { once: true });
        channel.addEventListener('close', () => resolve(), { once: true });
      });
    }
    if (channel.readyState !== 'open') {
      throw new RtcError(ErrorCode.SEND_FAILED, `The data channel to ${this.remoteUserId} closed`);
    }
    channel.send(packet as string);
  }

  /** Runs negotiation steps one at a time, in arrival order. */
  #serialise(step: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(step, step);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #fail(error: unknown, message: string): void {
    if (this.#closed) return;
    this.emit(
      'error',
      RtcError.from(error, ErrorCode.PEER_FAILED, `${message} (${this.remoteUserId})`),
    );
  }
}
