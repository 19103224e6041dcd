import { ErrorCode, RtcError } from '../errors.js';
import type { Bandwidth } from '../media/bandwidth.js';
import { streamLabels, type LocalStream } from '../media/capture.js';
import type { CodecPreferences } from '../media/codecs.js';
import {
  isCandidate,
  isChangedUuid,
  isDescription,
  isEnableMedia,
  isParticipationRequest,
  isReadyForOffer,
  isRecord,
  isStreamSync,
  isUserLeft,
  type Extra,
  type ParticipationRequest,
  type RelayEnvelope,
  type RelayMessage,
  type UserPreferences,
} from '../../protocol/index.js';
import { Emitter } from '../util/emitter.js';
import { Peer } from './peer.js';

export interface MeshOptions {
  localUserId: () => string;
  iceServers: () => RTCIceServer[];
  iceTransportPolicy: () => RTCIceTransportPolicy | undefined;
  localStreams: () => readonly LocalStream[];
  /** Settles when local capture has finished (successfully or not). */
  mediaReady: () => Promise<void>;
  /** Whether the room carries media at all (data-only rooms offer no audio/video m-lines). */
  media: () => boolean;
  /** Whether to send our streams to / receive streams from a user (preferences, one-way rooms). */
  preferences: (userId: string) => { send: boolean; receive: boolean };
  /** Per-stream filter (RTCMultiConnection's `beforeAddingStream`). */
  acceptStream: (stream: MediaStream, userId: string) => boolean;
  codecs: () => CodecPreferences;
  processSdp?: ((sdp: string) => string) | undefined;
  bandwidth: () => Bandwidth;
  extra: () => Extra;
  relay: (remoteUserId: string, message: RelayMessage) => void;
  /** Whether to connect to a user who asks to (RTCMultiConnection's `onNewParticipant`); default yes. */
  admit?: ((userId: string) => boolean | Promise<boolean>) | undefined;
}

export interface MeshStreamEvent {
  userId: string;
  stream: MediaStream;
  isScreen: boolean;
}

interface MeshEvents {
  stream: MeshStreamEvent;
  'stream-ended': MeshStreamEvent;
  message: { userId: string; data: unknown };
  /** A (new) file channel to a user. */
  'file-channel': { userId: string; channel: RTCDataChannel; pc: RTCPeerConnection };
  /** A user asked to connect (new or re-joining participant). */
  'participation-request': { userId: string; extra: Extra | undefined };
  /** A peer said it left (v3 `userLeft`). */
  'user-left': { userId: string };
  /** The sender's extra, as the server attached it to a relayed message. */
  extra: { userId: string; extra: Extra };
  'peer-state': { userId: string; state: RTCPeerConnectionState };
  /** A connection to a user was created (the room tells it our mute state). */
  'peer-created': { userId: string; pc: RTCPeerConnection };
  /** The text channel to a user opened. */
  'channel-open': { userId: string };
  /** The connection to a user was closed (it left, failed, was replaced or dropped on purpose). */
  'peer-closed': { userId: string };
  /** The server renamed a user (v3 `changedUUID`). */
  renamed: { userId: string; previous: string };
  mute: { userId: string; kind: 'audio' | 'video' | 'both' };
  unmute: { userId: string; kind: 'audio' | 'video' | 'both' };
  error: RtcError;
}

/**
 * The full mesh: one {@link Peer} per remote user, driven by relay messages. Speaks both the
 * rtc-elements flow (a member offers as soon as a joiner asks) and RTCMultiConnection 3.x's
 * (`enableMedia` -> `readyForOffer` -> offer), picked per peer from the marker v3 never sends.
 */
/** How long a connection may stay `disconnected` before its ICE is restarted. */
const DISCONNECTED_WAIT_MS = 2000;
/** How long an ICE restart gets to reconnect before the next one. */
const RESTART_WAIT_MS = 8000;
const MAX_ICE_RESTARTS = 3;
/** How long a connection made ahead of its offer waits for it (an app's `admitPeer` may ask someone). */
const EXPECT_OFFER_MS = 30_000;

export class Mesh extends Emitter<MeshEvents> {
  readonly #options: MeshOptions;
  readonly #peers = new Map<string, Peer>();
  /** Connections made ahead of their offer (`expectOffer`): not connections yet for anyone. */
  readonly #expected = new Map<string, Peer>();
  /** Members whose offer is expected, their connection waiting for capture to finish. */
  readonly #awaiting = new Set<string>();
  readonly #targets = new WeakMap<Peer, { id: string }>();

  constructor(options: MeshOptions) {
    super();
    this.#options = options;
  }

  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers;
  }

  /** Whether a connection exists, or is about to be made for an expected offer. */
  get hasConnections(): boolean {
    return this.#peers.size + this.#expected.size + this.#awaiting.size > 0;
  }

  /** Dispatches one relay envelope from the server. */
  handle(envelope: RelayEnvelope<unknown>): void {
    const { sender, message } = envelope;
    if (typeof sender !== 'string' || !sender || sender === this.#options.localUserId()) return;
    if (isChangedUuid(message) && message.newUUID === sender) this.#rename(message.oldUUID, sender);
    if (isRecord(envelope.extra)) this.emit('extra', { userId: sender, extra: envelope.extra });
    if (message === 'dropPeerConnection') {
      // The other side ended our connection (`disconnectWith`); it stays in the room.
      this.closePeer(sender);
      return;
    }

    if (isParticipationRequest(message))
      this.#onParticipationRequest(sender, message, envelope.extra);
    else if (isEnableMedia(message)) this.#onEnableMedia(sender, message.userPreferences);
    else if (isReadyForOffer(message)) this.#connect(sender, { initiator: true, legacy: true });
    else if (isDescription(message)) {
      let peer = this.#peers.get(sender);
      if (
        message.type === 'offer' &&
        peer &&
        !message.renegotiatingPeer &&
        peer.connectionState !== 'new'
      ) {
        // The remote side started over (reloaded, re-joined): replace the old connection.
        this.closePeer(sender);
        peer = undefined;
      }
      if (!peer && message.type === 'offer') {
        const legacy = message.rtcElements === undefined;
        peer = this.#adopt(sender, legacy) ?? this.#connect(sender, { initiator: false, legacy });
      }
      void peer?.handleDescription(message);
    } else if (isCandidate(message)) this.#peers.get(sender)?.handleCandidate(message);
    else if (isUserLeft(message)) {
      this.closePeer(sender);
      this.emit('user-left', { userId: sender });
    } else if (isStreamSync(message)) {
      if (
        message.action === 'ended' ||
        message.action === 'inactive' ||
        message.action === 'stream-removed'
      ) {
        this.#peers.get(sender)?.endRemoteStream(message.streamid);
      } else {
        this.emit(message.action, { userId: sender, kind: message.type ?? 'both' });
      }
    }
  }

  #rename(previous: string, userId: string): void {
    // Connections made ahead of their offer and made ones alike follow the new id.
    for (const peers of [this.#expected, this.#peers]) {
      const peer = peers.get(previous);
      if (!peer || peers.has(userId)) continue;
      peers.delete(previous);
      peers.set(userId, peer);
      const target = this.#targets.get(peer);
      if (target) target.id = userId;
    }
    this.emit('renamed', { userId, previous });
  }

  /**
   * Makes the connection to a member that is about to offer to us (we are joining; our request
   * reaches it) before its offer comes, so that its offer only needs our answer: the
   * connection and its tracks are ready while the request travels. A connection whose offer
   * never comes (the member refused us, left, or was not going to offer) closes after
   * EXPECT_OFFER_MS. Made once capture has finished: a first RTCPeerConnection beside
   * getUserMedia slows capture down (camera and microphone 12 ms alone, 50-70 ms beside it), and
   * the page's own tile then renders before the offer comes, not while it is being answered.
   */
  expectOffer(userId: string): void {
    if (this.#peers.has(userId) || this.#expected.has(userId) || this.#awaiting.has(userId)) return;
    if (userId === this.#options.localUserId()) return;
    this.#awaiting.add(userId);
    void this.#options.mediaReady().then(() => {
      if (!this.#awaiting.delete(userId) || this.#peers.has(userId)) return;
      const peer = this.#create(userId, { initiator: false, legacy: false, awaitOffer: true });
      this.#expected.set(userId, peer);
      setTimeout(() => {
        if (this.#expected.get(userId) !== peer) return;
        this.#expected.delete(userId);
        peer.close();
      }, EXPECT_OFFER_MS);
    });
  }

  /** The connection made ahead of this offer, now a connection like any other (if it fits). */
  #adopt(userId: string, legacy: boolean): Peer | undefined {
    const peer = this.#expected.get(userId);
    if (!peer) return undefined;
    this.#expected.delete(userId);
    if (!peer.takesOffer(legacy)) {
      peer.close();
      return undefined;
    }
    this.#register(userId, peer);
    return peer;
  }

  /** Adds newly captured local tracks to every connection. */
  attachLocalStreams(): void {
    for (const peer of [...this.#peers.values(), ...this.#expected.values()])
      peer.attachLocalStreams();
  }

  /** The connections to these users (all when `userIds` is undefined). */
  select(userIds?: readonly string[]): Peer[] {
    if (!userIds) return [...this.#peers.values()];
    return userIds.map((id) => this.#peers.get(id)).filter((p): p is Peer => p !== undefined);
  }

  /** Stops sending a stream to some users (all by default). */
  detachStream(stream: MediaStream, userIds?: readonly string[]): void {
    for (const peer of this.select(userIds)) peer.detachStream(stream);
  }

  /** Re-applies bandwidth caps on every connection. */
  async applyBandwidth(): Promise<void> {
    await Promise.all([...this.#peers.values()].map((peer) => peer.applyBandwidth()));
  }

  /** Sends data to one user or to everyone connected. */
  async send(data: unknown, userId?: string): Promise<void> {
    if (userId !== undefined) {
      const peer = this.#peers.get(userId);
      if (!peer) throw new RtcError(ErrorCode.PEER_NOT_FOUND, `Not connected to "${userId}"`);
      await peer.send(data);
      return;
    }
    // Everyone who can receive messages: a v3 peer without a data channel is skipped.
    const receivers = [...this.#peers.values()].filter((peer) => peer.canReceiveMessages);
    await Promise.all(receivers.map((peer) => peer.send(data)));
  }

  /** Closes the connection to one user (its remote streams end; `peer-closed` follows). */
  closePeer(userId: string): void {
    this.#awaiting.delete(userId);
    this.#expected.get(userId)?.close();
    this.#expected.delete(userId);
    const peer = this.#peers.get(userId);
    if (!peer) return;
    this.#peers.delete(userId);
    clearTimeout(this.#restartTimers.get(peer));
    peer.close();
    this.emit('peer-closed', { userId });
  }

  /** ICE restarts tried since each connection last worked. */
  readonly #restarts = new WeakMap<Peer, number>();
  readonly #restartTimers = new WeakMap<Peer, ReturnType<typeof setTimeout>>();

  #scheduleRestart(peer: Peer, ms: number): void {
    clearTimeout(this.#restartTimers.get(peer));
    this.#restartTimers.set(
      peer,
      setTimeout(() => this.#restartIce(peer), ms),
    );
  }

  /**
   * Restarts ICE on a broken connection (perfect negotiation sorts out who offers). Up to
   * MAX_ICE_RESTARTS tries, each given RESTART_WAIT_MS to connect; then the connection is
   * dropped. RTCMultiConnection peers cannot restart: theirs is dropped at once.
   */
  #restartIce(peer: Peer): void {
    const userId = this.#targets.get(peer)?.id;
    if (!userId || this.#peers.get(userId) !== peer || peer.connectionState === 'connected') return;
    const tries = (this.#restarts.get(peer) ?? 0) + 1;
    if (peer.legacy || tries > MAX_ICE_RESTARTS) {
      this.emit(
        'error',
        new RtcError(ErrorCode.PEER_FAILED, `The connection to "${userId}" failed`),
      );
      this.closePeer(userId);
      this.emit('peer-state', { userId, state: 'closed' });
      return;
    }
    this.#restarts.set(peer, tries);
    peer.pc.restartIce();
    this.#scheduleRestart(peer, RESTART_WAIT_MS);
  }

  /**
   * After the signaling connection came back: connections that broke meanwhile (their restart
   * offers may have been lost) start over. One side starts (the lower user id), the other waits.
   */
  recover(localUserId: string): void {
    for (const [userId, peer] of this.#peers) {
      const state = peer.connectionState;
      if (state === 'connected' || state === 'new' || state === 'connecting') continue;
      if (state === 'disconnected' && !peer.legacy) this.#restartIce(peer);
      else if (localUserId < userId) this.reconnect(userId);
    }
  }

  /**
   * Replaces the connection to a user with a fresh one that we offer (the remote side replaces
   * its own when the new offer arrives). False when there is no connection to that user.
   */
  reconnect(userId: string): boolean {
    const peer = this.#peers.get(userId);
    if (!peer) return false;
    this.#connect(userId, { initiator: true, legacy: peer.legacy });
    return true;
  }

  /** Tells every peer we leave (v3 peers expect it) and closes every connection. */
  close(): void {
    for (const userId of [...this.#peers.keys()]) {
      this.#options.relay(userId, { userLeft: true });
      this.closePeer(userId);
    }
    for (const peer of this.#expected.values()) peer.close();
    this.#expected.clear();
    this.#awaiting.clear();
    this.clear();
  }

  #onParticipationRequest(sender: string, request: ParticipationRequest, extra: unknown): void {
    this.closePeer(sender);
    this.emit('participation-request', {
      userId: sender,
      extra: isRecord(extra) ? extra : undefined,
    });
    const admit = this.#options.admit;
    if (!admit) return this.#answerRequest(sender, request);
    void Promise.resolve(admit(sender)).then(
      (yes) => yes && this.#answerRequest(sender, request),
      () => undefined,
    );
  }

  #answerRequest(sender: string, request: ParticipationRequest): void {
    if (request.rtcElements !== undefined || request.isOneWay || request.isDataOnly) {
      this.#connect(sender, { initiator: true, legacy: request.rtcElements === undefined });
      return;
    }
    // An RTCMultiConnection joiner: ask it to get its media ready; it answers readyForOffer.
    const userPreferences: UserPreferences = {
      localPeerSdpConstraints: request.remotePeerSdpConstraints,
      remotePeerSdpConstraints: request.localPeerSdpConstraints,
      isOneWay: true,
      isDataOnly: false,
      dontGetRemoteStream: false,
      dontAttachLocalStream: false,
    };
    this.#options.relay(sender, { enableMedia: true, userPreferences });
  }

  #onEnableMedia(sender: string, userPreferences: UserPreferences | undefined): void {
    // An RTCMultiConnection room member is getting ready to offer to us: reply once our media is.
    void this.#options.mediaReady().then(() => this.#readyForOffer(sender, userPreferences));
  }

  #readyForOffer(sender: string, userPreferences: UserPreferences | undefined): void {
    const streamsToShare = streamLabels(this.#options.localStreams());
    this.#options.relay(sender, {
      readyForOffer: true,
      userPreferences: { ...(isRecord(userPreferences) ? userPreferences : {}), streamsToShare },
    });
  }

  #connect(userId: string, role: { initiator: boolean; legacy: boolean }): Peer {
    this.closePeer(userId);
    const peer = this.#create(userId, role);
    this.#register(userId, peer);
    return peer;
  }

  /** A connection is one from now on: listed, and announced (`peer-created`). */
  #register(userId: string, peer: Peer): void {
    this.#peers.set(userId, peer);
    this.emit('peer-created', { userId, pc: peer.pc });
  }

  /** A new connection with its events wired, not listed yet. */
  #create(
    userId: string,
    role: { initiator: boolean; legacy: boolean; awaitOffer?: boolean },
  ): Peer {
    const options = this.#options;
    const media = options.media();
    // The remote user's id can change (changeUserId): events and relays follow `target.id`.
    const target = { id: userId };
    const peer = new Peer({
      localUserId: options.localUserId(),
      remoteUserId: userId,
      iceServers: options.iceServers(),
      iceTransportPolicy: options.iceTransportPolicy(),
      initiator: role.initiator,
      awaitOffer: role.awaitOffer,
      legacy: role.legacy,
      localStreams: options.localStreams,
      mediaReady: options.mediaReady(),
      receive: { audio: media, video: media },
      sendMedia: () => options.preferences(target.id).send,
      receiveMedia: () => options.preferences(target.id).receive,
      acceptStream: options.acceptStream,
      codecs: options.codecs,
      processSdp: options.processSdp,
      bandwidth: options.bandwidth,
      extra: options.extra,
      signal: (message) => options.relay(target.id, message),
    });
    this.#targets.set(peer, target);
    peer.on('stream', ({ stream, isScreen }) =>
      this.emit('stream', { userId: target.id, stream, isScreen }),
    );
    peer.on('stream-ended', ({ stream, isScreen }) =>
      this.emit('stream-ended', { userId: target.id, stream, isScreen }),
    );
    peer.on('message', ({ data }) => this.emit('message', { userId: target.id, data }));
    peer.on('channel-open', () => this.emit('channel-open', { userId: target.id }));
    peer.on('file-channel', (channel) =>
      this.emit('file-channel', { userId: target.id, channel, pc: peer.pc }),
    );
    peer.on('error', (error) => this.emit('error', error));
    peer.on('state', (state) => {
      this.emit('peer-state', { userId: target.id, state });
      clearTimeout(this.#restartTimers.get(peer));
      if (state === 'connected') this.#restarts.delete(peer);
      // A connection that stays disconnected, or fails, gets its ICE restarted.
      if (state === 'disconnected') this.#scheduleRestart(peer, DISCONNECTED_WAIT_MS);
      if (state === 'failed') this.#restartIce(peer);
    });
    return peer;
  }
}
