import { ErrorCode, RtcError } from '../errors.js';
import { LocalMedia, type TrackKind } from '../media/local-media.js';
import type { PeerStats } from '../peers/stats.js';
import { isDataOnly, isOneWay, kindsToCapture, parseSession } from '../media/session.js';
import { Mesh } from '../peers/mesh.js';
import { FileTransfers } from '../files/file-transfers.js';
import { warmUpWebRtc } from '../peers/warm-up.js';
import {
  DEFAULT_MESSAGE_EVENT,
  LEGACY_ERRORS,
  PROTOCOL_REVISION,
  isRecord,
  isValidId,
  type Extra,
  type HandshakeQuery,
  type RelayMessage,
  type RoomRequest,
  type Session,
  type SessionInfo,
} from '../../protocol/index.js';
import { SignalingClient } from '../signaling/socket-client.js';
import { Emitter, type Unsubscribe } from '../util/emitter.js';
import {
  broadcastViewers,
  changeUserId,
  checkPresence,
  closeEntireSession,
  kick,
  publicRooms,
  remoteExtra,
  serverError,
  setPassword,
  withSignaling,
} from './requests.js';
import { Roster } from './roster.js';
import { StreamRegistry } from './stream-registry.js';
import { customEventName, participationRequest, roomRequest, validateRoom } from './handshake.js';
import { defaultReconnectPolicy, nextDelay } from './reconnect-policy.js';
import { BroadcastRelay } from './broadcast-relay.js';
import { randomId } from '../util/id.js';
import {
  RoomState,
  type ConnectionState,
  type JoinResult,
  type MuteKind,
  type MuteState,
  type Participant,
  type AddStreamOptions,
  type Presence,
  type PublicRoomInfo,
  type UserPreferences,
  type RoomEvents,
  type RoomOptions,
  type StreamInfo,
} from './types.js';

type Mode = 'open' | 'join' | 'openOrJoin';
const MAX_USERID_RETRIES = 3;
/** How long a join may wait for an approve-joins room's owner (the server's default is 60 s). */
const APPROVAL_WAIT_MS = 65_000;
/** After a room was rebuilt, how long a still-connected peer has to be announced again. */
const CONFIRM_MS = 8000;

/**
 * A connection to one room on one signaling server: signaling socket, local media, and the mesh
 * of peer connections. Free of DOM: it hands out MediaStreams and plain data through typed events.
 */
export class RoomConnection extends Emitter<RoomEvents> {
  readonly roomId: string;
  readonly socketUrl: string;
  #options: RoomOptions;
  #session: Session;
  #userId: string;
  #state: RoomState = RoomState.IDLE;
  #opened = false;
  readonly #roster = new Roster((event, payload) => this.emit(event, payload));
  /** Joins waiting for this page's decision (it owns an approve-joins room). */
  readonly #requests = new Set<string>();
  #signaling: SignalingClient | undefined;
  #mesh: Mesh | undefined;
  readonly #media = new LocalMedia();
  /** File transfers of this room (events `file-offer`, `file-start`, ... on it). */
  readonly files = new FileTransfers({
    peer: (userId) => this.#mesh?.peers.get(userId),
    userId: () => this.#userId,
  });
  #outputDevice: string | undefined;
  readonly #streams = new StreamRegistry((event, info) => this.emit(event, info));
  #iceServers: RTCIceServer[] = [];
  #entering: Promise<JoinResult> | undefined;
  /** Settles when this attempt's capture has finished (successfully or not). */
  #mediaReady: Promise<void> = Promise.resolve();
  /** Settles when the peers' senders have followed the last device switch. */
  #following: Promise<unknown> = Promise.resolve();
  #attempt = 0;
  /** The extra data the room was last sent (JSON), to send changes once. */
  #extraJson: string;
  #subscriptions: Unsubscribe[] = [];
  /** Subscriptions to the current signaling connection (replaced when it reconnects). */
  #socketSubscriptions: Unsubscribe[] = [];
  /** The secret from the server's last `session` event: it resumes our place after a drop. */
  #resumeToken = '';
  #lastSession: SessionInfo | undefined;
  /** Which of `socketUrl`'s URLs (separated by spaces) to connect to. */
  #urlIndex = 0;
  /** Set while reconnecting: when the drop happened, and how to cut the wait short. */
  #reconnecting: { since: number; wake: () => void } | undefined;
  /** A draining server's hint: how long to wait before reconnecting elsewhere. */
  #retryAfter = 0;
  /** Who the server announced since a rebuild, while still-connected peers await confirmation. */
  #heard: Set<string> | undefined;
  /** A connection opened ahead of the join (`connect()`). */
  #early: SignalingClient | undefined;
  /** Who the server announced while we rejoined. */
  #announced: Set<string> | undefined;
  /** Our place in a scalable broadcast's relay tree, as a viewer. */
  readonly #relayTree: BroadcastRelay;

  constructor(options: RoomOptions) {
    super();
    if (!options.roomId) throw new RtcError(ErrorCode.INVALID_STATE, 'A room id is required');
    if (!options.socketUrl) throw new RtcError(ErrorCode.INVALID_STATE, 'A socket URL is required');
    this.roomId = options.roomId;
    this.socketUrl = options.socketUrl;
    this.#options = { ...options };
    this.#extraJson = '';
    this.#syncExtra(options.extra ?? {});
    this.#session = this.#parseSession();
    this.#userId = options.userId || randomId();
    this.#relayTree = new BroadcastRelay({
      media: this.#media,
      mesh: () => this.#mesh,
      broadcaster: () => this.#roster.owner,
      requestParent: () => this.#relay(this.roomId, participationRequest(this.#session)),
      dropPeer: (userId) => this.#relay(userId, 'dropPeerConnection'),
      addParticipant: (userId) => this.#addParticipant(userId, undefined),
      streamStarted: (info) => this.#streams.add(info),
      streamEnded: (info) => this.#streams.remove(info.type, info.userId, info.stream),
    });
    this.#media.on('added', (local) => {
      // A relayed broadcast stream is shown as the broadcaster's (BroadcastRelay).
      if (!local.relayed)
        this.#streams.add({
          userId: this.#userId,
          stream: local.stream,
          isScreen: local.isScreen,
          type: 'local',
        });
      this.#mesh?.attachLocalStreams();
    });
    this.#media.on('removed', (local) => {
      this.#mesh?.detachStream(local.stream);
      this.#streams.remove('local', this.#userId, local.stream);
      // Peers drop the tile now, before the renegotiation that removes the tracks.
      if (this.#state !== RoomState.JOINED) return;
      for (const userId of this.getAllParticipants()) {
        this.#relay(userId, { streamSyncNeeded: true, streamid: local.stream.id, action: 'ended' });
      }
    });
    // A relay forwards every file that arrives from its parent to its children as it arrives.
    this.files.on('file-start', ({ direction, userId, fileId }) => {
      const tree = this.#relayTree;
      if (direction === 'receive' && userId === tree.parent && tree.children.size > 0)
        this.files.relay(userId, fileId, [...tree.children]);
    });
    this.#media.on('track-replaced', ({ previous, track }) => {
      const peers = this.#mesh?.select() ?? [];
      this.#following = Promise.allSettled(peers.map((peer) => peer.followTrack(previous, track)));
    });
  }

  get userId(): string {
    return this.#userId;
  }
  get state(): RoomState {
    return this.#state;
  }
  /** The link to the signaling server (reflected as `<rtc-room connection-state>`). */
  get connectionState(): ConnectionState {
    if (this.#reconnecting) return 'reconnecting';
    return this.#state === RoomState.JOINED
      ? 'connected'
      : this.#state === RoomState.CONNECTING
        ? 'connecting'
        : 'disconnected';
  }
  /**
   * The device went offline or online (the page's `offline`/`online` events). Offline, the
   * signaling connection is given up at once (its network is gone; waiting for heartbeats takes
   * most of a minute) and the room starts reconnecting; online, it tries again now.
   */
  networkChanged(online: boolean): void {
    if (online) this.#reconnecting?.wake();
    else if (
      this.#state === RoomState.JOINED &&
      !this.#reconnecting &&
      this.#options.reconnect !== false
    )
      void this.#reconnect('offline');
  }
  /** In a scalable broadcast, the member this page receives the broadcast from (the server's choice). */
  get broadcastParent(): string | undefined {
    return this.#relayTree.parent;
  }
  /** True once joined when this page created the room. */
  get opened(): boolean {
    return this.#opened;
  }
  /** True while this page owns the room (it opened it, or ownership moved to it). */
  get isOwner(): boolean {
    return this.#state === RoomState.JOINED && this.#roster.owner === this.#userId;
  }
  /** The user id of the room's owner, once known. */
  get owner(): string | undefined {
    return this.#roster.owner;
  }
  get session(): Readonly<Session> {
    return this.#session;
  }
  get extra(): Extra {
    return this.#options.extra ?? {};
  }
  /** Other users in the room, in arrival order. */
  get participants(): Participant[] {
    return this.#roster.participants;
  }
  /** User ids of the others in the room (RTCMultiConnection's `getAllParticipants()`). */
  getAllParticipants(): string[] {
    return this.participants.map((p) => p.userId);
  }
  /** Whether a user's (or, without an id, this page's) microphone and camera are muted. */
  muteState(userId: string = this.#userId): MuteState {
    return this.#roster.muteState(userId);
  }
  /** Joins waiting for this page's `accept()` / `reject()`. */
  get pendingRequests(): string[] {
    return [...this.#requests];
  }
  /** The socket.io socket of this room (v3 `connection.socket`), while connected. */
  get socket(): SignalingClient['socket'] | undefined {
    return this.#signaling?.socket;
  }
  /** Local and remote streams, local first. */
  get streams(): StreamInfo[] {
    return this.#streams.list;
  }
  /** User ids with a peer connection (RTCMultiConnection's `getAllParticipants()`). */
  get connectedUserIds(): string[] {
    return [...(this.#mesh?.peers.keys() ?? [])];
  }
  /** The RTCPeerConnection to a user, for stats and diagnostics. */
  peerConnection(userId: string): RTCPeerConnection | undefined {
    return this.#mesh?.peers.get(userId)?.pc;
  }

  /** Updates options that take effect on the next join (or now, for bandwidth and extra). */
  configure(options: Partial<Omit<RoomOptions, 'roomId' | 'socketUrl'>>): void {
    Object.assign(this.#options, options);
    if ('session' in options || 'scalableBroadcast' in options)
      this.#session = this.#parseSession();
    if (
      options.userId &&
      this.#state !== RoomState.JOINED &&
      this.#state !== RoomState.CONNECTING
    ) {
      this.#userId = options.userId;
    }
    if ('bandwidth' in options) void this.#mesh?.applyBandwidth();
    if ('extra' in options) this.#syncExtra(options.extra ?? {});
  }

  /** The session; a scalable broadcast is always one-way (`broadcast`). */
  #parseSession(): Session {
    const session = parseSession(this.#options.session);
    if (this.#options.scalableBroadcast) session.broadcast = true;
    return session;
  }

  /**
   * Keeps our own copy of `extra` (callers may change theirs in place) and, when it differs from
   * what the room has, sends it and reports it once.
   */
  #syncExtra(extra: Extra): void {
    let json: string;
    try {
      json = JSON.stringify(extra);
    } catch (error) {
      // Kept as given: joining reports it (INVALID_REQUEST); a live update is refused here.
      this.#options.extra = extra;
      if (this.#state === RoomState.JOINED) {
        this.emit(
          'error',
          new RtcError(ErrorCode.INVALID_REQUEST, 'extra is not JSON-serialisable', {
            cause: error,
          }),
        );
      }
      return;
    }
    this.#options.extra = JSON.parse(json) as Extra;
    if (json === this.#extraJson) return;
    this.#extraJson = json;
    if (this.#state === RoomState.JOINED) this.#signaling?.notify('extra-data-updated', this.extra);
    this.emit('extra-updated', { userId: this.#userId, extra: this.extra });
  }

  /**
   * Connects to the signaling server without entering the room (RTCMultiConnection's
   * `connectSocket`): `socket` works at once (custom events, requests), and the next
   * `open()`/`join()` uses this connection. `leave()` closes it.
   */
  async connect(): Promise<void> {
    if (this.#signaling?.connected) return;
    if (this.#entering) {
      await this.#entering.catch(() => undefined);
      return;
    }
    validateRoom(this.roomId, this.#userId, this.#options, this.extra);
    const signaling = this.#early ?? this.#newSignaling(false);
    this.#early = signaling;
    try {
      await signaling.connect();
    } catch (error) {
      if (this.#early === signaling) {
        this.#early = undefined;
        this.#dropSocket();
      }
      throw RtcError.from(error, ErrorCode.SIGNALING_UNREACHABLE);
    }
  }

  /** Creates the room; rejects with ROOM_EXISTS when it exists. */
  open(): Promise<JoinResult> {
    return this.#enter('open');
  }
  /** Joins an existing room; rejects with ROOM_NOT_FOUND, ROOM_FULL or INVALID_PASSWORD. */
  join(): Promise<JoinResult> {
    return this.#enter('join');
  }
  /** Joins the room, or creates it when it does not exist. */
  openOrJoin(): Promise<JoinResult> {
    return this.#enter('openOrJoin');
  }

  /** Sends text, a JSON-able value or binary data to everyone connected, or to one user. */
  async send(data: unknown, userId?: string): Promise<void> {
    if (this.#state !== RoomState.JOINED || !this.#mesh) {
      throw new RtcError(ErrorCode.INVALID_STATE, 'Join the room before sending');
    }
    try {
      await this.#mesh.send(data, userId);
    } catch (error) {
      throw RtcError.from(error, ErrorCode.SEND_FAILED);
    }
  }

  /**
   * Sends a file (or Blob) to everyone in the room, or to one user; returns its id. Each transfer
   * waits for its user's file channel; progress and the outcome come as `files` events.
   */
  sendFile(file: Blob, userId?: string): string {
    if (this.#state !== RoomState.JOINED) {
      throw new RtcError(ErrorCode.INVALID_STATE, 'Join the room before sending files');
    }
    const others = this.getAllParticipants();
    if (userId !== undefined && !others.includes(userId)) {
      throw new RtcError(ErrorCode.PEER_NOT_FOUND, `"${userId}" is not in the room`);
    }
    // A scalable broadcast's files flow down the tree: to our children, who pass them on.
    const everyone = this.#scalable
      ? this.connectedUserIds.filter((id) => id !== this.#relayTree.parent)
      : others;
    // RTCMultiConnection pages get theirs in their own format (FileTransfers picks per user).
    return this.files.send(file, userId === undefined ? everyone : [userId]);
  }

  /** In a scalable broadcast (as its broadcaster or a viewer). */
  get #scalable(): boolean {
    return (
      this.#relayTree.parent !== undefined || (this.#opened && !!this.#options.scalableBroadcast)
    );
  }

  /**
   * How many viewers a scalable broadcast has (the whole relay tree; 0 when there is no such
   * broadcast). The broadcaster also gets `broadcast-viewers` on every change.
   */
  getNumberOfBroadcastViewers(broadcastId: string = this.roomId): Promise<number> {
    return this.#ask((signaling) => broadcastViewers(signaling, broadcastId));
  }

  /** Cancels a file transfer (to or from everyone, or one user). */
  cancelFile(fileId: string, userId?: string): void {
    this.files.cancel(fileId, userId);
  }

  /** Leaves the room: closes every peer connection, stops captured tracks, closes the socket. */
  async leave(): Promise<void> {
    if (this.#early && this.#state !== RoomState.JOINED && this.#state !== RoomState.CONNECTING) {
      this.#early = undefined;
      this.#dropSocket();
    }
    if (this.#state === RoomState.IDLE || this.#state === RoomState.LEFT) return;
    this.#end();
    await Promise.resolve();
  }

  /** Whether a room exists, is full or needs a password; works before joining anything. */
  checkPresence(roomId: string = this.roomId): Promise<Presence> {
    return this.#ask((signaling) => checkPresence(signaling, roomId));
  }

  /** Rooms opened with this public identifier (v3 `publicRoomIdentifier`). */
  getPublicRooms(identifier: string): Promise<PublicRoomInfo[]> {
    return this.#ask((signaling) => publicRooms(signaling, identifier));
  }

  /** Sets (or, with '', removes) the room's password. Owner only: NOT_OWNER otherwise. */
  async setPassword(password: string): Promise<void> {
    await setPassword(this.#joined('setPassword'), password);
    this.#options.password = password || undefined;
  }

  /** Closes the room for everyone (owner only); every page gets `session-closed`. */
  async closeEntireSession(): Promise<void> {
    await closeEntireSession(this.#joined('closeEntireSession'));
    this.emit('session-closed', { roomId: this.roomId });
    this.#end();
  }

  /** Takes a new user id; refused with USERID_TAKEN when someone has it. */
  async changeUserId(userId: string): Promise<void> {
    if (!isValidId(userId)) throw new RtcError(ErrorCode.INVALID_REQUEST, 'Invalid user id');
    if (userId === this.#userId) return;
    const previous = this.#userId;
    if (this.#signaling?.connected) await changeUserId(this.#signaling, userId);
    this.#userId = userId;
    if (this.#roster.owner === previous) this.#roster.setOwner(userId, false);
    this.#streams.rename('local', previous, userId);
    this.emit('user-id', { userId, previous });
  }

  /** Sends your extra data to everyone else (after changing `extra` in place, or the one given). */
  updateExtraData(extra: Extra = this.extra): void {
    this.#syncExtra(extra);
  }

  /** A user's extra data, from the server. */
  getExtraData(userId: string): Promise<Extra> {
    return remoteExtra(this.#joined('getExtraData'), userId);
  }

  /** Lets a waiting user into a room this page owns with `approveJoins`. */
  accept(userId: string): void {
    this.#decide(userId, true);
  }

  /** Turns a waiting user away: its `join()` rejects with JOIN_REJECTED. */
  reject(userId: string): void {
    this.#decide(userId, false);
  }

  /** Drops the peer connection with a user on both sides; both stay in the room. */
  disconnectWith(userId: string): void {
    this.#mesh?.closePeer(userId);
    this.#signaling?.notify('disconnect-with', userId, () => undefined);
  }

  /**
   * Starts a fresh peer connection with a user (after a failure, or to recover a stuck one); both
   * stay in the room, media comes back and file transfers resume where they were.
   */
  reconnect(userId: string): void {
    if (!this.#mesh?.reconnect(userId)) {
      throw new RtcError(ErrorCode.PEER_NOT_FOUND, `Not connected to "${userId}"`);
    }
  }

  /** Removes a user from the room for everyone (owner only, enforced by the server). */
  kick(userId: string): Promise<void> {
    return kick(this.#joined('kick'), userId);
  }

  /** Mutes your microphone (`audio`), camera (`video`) or both; peers get one `mute` event. */
  /** Mutes; resolves once nothing of these kinds goes out any more. */
  mute(kind: MuteKind = 'both'): Promise<void> {
    return this.#setMuted(kind, true);
  }

  /** Unmutes; resolves once the encodings send again. */
  unmute(kind: MuteKind = 'both'): Promise<void> {
    return this.#setMuted(kind, false);
  }

  /**
   * Adds a stream: one the app captured itself, or one captured now from options
   * (`{audio, video, screen}`). With `userId`, only that user gets it. Peers renegotiate.
   * `given.isScreen`: a stream of the app's own is shown to everyone as a screen (a canvas or
   * a screen it captured itself), not as a camera.
   */
  async addStream(
    source: MediaStream | AddStreamOptions,
    userId?: string,
    given: { isScreen?: boolean } = {},
  ): Promise<MediaStream> {
    const targets = userId === undefined ? undefined : [userId];
    if (isMediaStream(source)) {
      const known = this.#media.streams.find((l) => l.stream === source);
      if (known && userId !== undefined) {
        known.targets ??= new Set();
        known.targets.add(userId);
        this.#mesh?.attachLocalStreams();
        return source;
      }
      return this.#media.add(source, {
        ...(targets ? { targets } : {}),
        isScreen: given.isScreen === true,
      }).stream;
    }
    if (source.screen) {
      const screen = await this.#media.startScreen({
        ...(targets ? { targets } : {}),
        constraints: this.#options.screenConstraints,
      });
      if (!screen) throw new RtcError(ErrorCode.ABORTED, 'Screen sharing was cancelled');
      return screen.stream;
    }
    const [captured] = await this.#media.capture({
      audio: !!source.audio,
      video: !!source.video,
      screen: false,
      constraints: this.#options.mediaConstraints,
      targets,
    });
    if (!captured) throw new RtcError(ErrorCode.INVALID_STATE, 'Nothing to capture');
    this.#mesh?.attachLocalStreams();
    return captured.stream;
  }

  /** Stops sending a stream: to one user, or to everyone (and stops it when we captured it). */
  removeStream(streamId: string, userId?: string): void {
    const local = this.#media.streams.find((l) => l.stream.id === streamId);
    if (!local) throw new RtcError(ErrorCode.INVALID_STATE, `No local stream "${streamId}"`);
    if (userId === undefined) {
      this.#media.remove(streamId);
      return;
    }
    local.targets ??= new Set(this.connectedUserIds);
    local.targets.delete(userId);
    this.#mesh?.detachStream(local.stream, [userId]);
  }

  /** Negotiates again with one user or everyone (after changing preferences, for instance). */
  async renegotiate(userId?: string): Promise<void> {
    await Promise.all(
      (this.#mesh?.select(userId === undefined ? undefined : [userId]) ?? []).map((p) =>
        p.renegotiate(),
      ),
    );
  }

  /**
   * Sends another track instead of the camera's (or microphone's) to one user or everyone, without
   * renegotiation: a track, a stream's first video (else audio) track, or `{screen: true}` for a
   * fresh screen capture. `resetTrack()` goes back.
   */
  async replaceTrack(
    source: MediaStreamTrack | MediaStream | { screen: true },
    userId?: string,
  ): Promise<MediaStreamTrack> {
    let track: MediaStreamTrack | undefined;
    if (isMediaStream(source)) track = source.getVideoTracks()[0] ?? source.getAudioTracks()[0];
    else if ('kind' in source) track = source;
    else {
      const screen = await this.#media.startScreen({
        add: false,
        constraints: this.#options.screenConstraints,
      });
      if (!screen) throw new RtcError(ErrorCode.ABORTED, 'Screen sharing was cancelled');
      track = screen.stream.getVideoTracks()[0];
    }
    if (!track) throw new RtcError(ErrorCode.INVALID_REQUEST, 'No track to send');
    const kind = track.kind as TrackKind;
    const peers = this.#mesh?.select(userId === undefined ? undefined : [userId]) ?? [];
    await Promise.all(peers.map((peer) => peer.replaceTrack(kind, track)));
    return track;
  }

  /** Goes back to the camera/microphone track that `replaceTrack()` replaced, for some users or all. */
  async resetTrack(userIds?: string | string[], kind?: TrackKind): Promise<void> {
    const ids = typeof userIds === 'string' ? [userIds] : userIds;
    const kinds: TrackKind[] = kind ? [kind] : ['audio', 'video'];
    const peers = this.#mesh?.select(ids) ?? [];
    await Promise.all(peers.flatMap((peer) => kinds.map((k) => peer.resetTrack(k))));
  }

  /** Changes resolution or frame rate of the live camera (no new permission prompt). */
  applyConstraints(constraints: MediaTrackConstraints): Promise<void> {
    return this.#media.applyConstraints(constraints);
  }

  /** Switches the live camera (`video`) or microphone (`audio`) to another device. */
  async switchDevice(kind: TrackKind, deviceId: string): Promise<void> {
    const current = this.#options.mediaConstraints?.[kind];
    await this.#media.switchDevice(
      kind,
      deviceId,
      typeof current === 'object' ? current : undefined,
    );
    // Resolve once every peer's sender carries the new track.
    await this.#following;
  }

  /** Starts sharing the screen as an extra stream; resolves false when the user cancels. */
  async shareScreen(): Promise<boolean> {
    const constraints = this.#options.screenConstraints;
    return (await this.#media.startScreen({ constraints })) !== undefined;
  }

  /** Stops the screen share. */
  stopScreen(): void {
    this.#media.stopScreen();
  }

  /** The audio output device the page's media elements should use (`setSinkId`), once chosen. */
  get outputDevice(): string | undefined {
    return this.#outputDevice;
  }

  /** Chooses the audio output device; elements that play the room's audio follow. */
  setOutputDevice(deviceId: string): void {
    this.#outputDevice = deviceId;
    this.emit('output-device', { deviceId });
  }

  /** Whether this page is sharing its screen. */
  get sharingScreen(): boolean {
    return this.#media.screen !== undefined;
  }

  /** A plain summary of the connection to a user (candidate type, RTT, bitrates, loss, frames). */
  async getStats(userId: string): Promise<PeerStats> {
    const peer = this.#mesh?.peers.get(userId);
    if (!peer) throw new RtcError(ErrorCode.PEER_NOT_FOUND, `Not connected to "${userId}"`);
    return peer.stats();
  }

  #preferences(userId: string): { send: boolean; receive: boolean } {
    const base: UserPreferences = {
      dontAttachLocalStream: !!this.#options.dontAttachStream,
      dontGetRemoteStream: !!this.#options.dontGetRemoteStream,
    };
    const chosen = this.#options.setUserPreferences?.(base, userId) ?? base;
    return { send: !chosen.dontAttachLocalStream, receive: !chosen.dontGetRemoteStream };
  }

  /** Emits the room-scoped custom socket event (v3 `socketCustomEvent`). */
  sendCustom(data: unknown): void {
    this.#joined('sendCustom').emitCustom(this.#customEvent(), data);
  }

  /** The signaling client of the joined room; INVALID_STATE otherwise. */
  #joined(method: string): SignalingClient {
    if (this.#state !== RoomState.JOINED || !this.#signaling) {
      throw new RtcError(ErrorCode.INVALID_STATE, `Join the room before ${method}()`);
    }
    return this.#signaling;
  }

  /** Runs a request on the room's socket when connected, else on a short-lived one. */
  #ask<T>(run: (signaling: SignalingClient) => Promise<T>): Promise<T> {
    const signaling = this.#signaling;
    if (signaling?.connected) return run(signaling);
    return withSignaling(this.socketUrl, this.#options.timeoutMs, run, this.#options.token);
  }

  #decide(userId: string, accepted: boolean): void {
    if (!this.#requests.delete(userId)) return;
    this.#signaling?.notify('participation-decision', userId, accepted);
  }

  #customEvent(): string {
    return customEventName(this.#options);
  }

  async #setMuted(kind: MuteKind, muted: boolean): Promise<void> {
    const kinds: TrackKind[] = kind === 'both' ? ['audio', 'video'] : [kind];
    this.#media.setEnabled(kinds, !muted);
    // Pausing the encodings is what stops the bits: a disabled track still sends black frames.
    const paused = Promise.allSettled(
      (this.#mesh?.select() ?? []).map((peer) => peer.pause(kinds, muted)),
    );
    this.#roster.setMuted(this.#userId, kind, muted);
    for (const userId of this.getAllParticipants()) this.#sendMuteState(userId, kind, muted);
    await paused;
  }

  #sendMuteState(userId: string, kind: MuteKind, muted: boolean): void {
    const streamid = this.#media.camera?.stream.id ?? '';
    this.#relay(userId, {
      streamSyncNeeded: true,
      streamid,
      action: muted ? 'mute' : 'unmute',
      type: kind,
    });
  }

  #enter(mode: Mode): Promise<JoinResult> {
    if (this.#entering) return this.#entering;
    if (this.#state === RoomState.JOINED) {
      return Promise.resolve({ roomId: this.roomId, userId: this.#userId, opened: this.#opened });
    }
    const attempt = ++this.#attempt;
    const entering = this.#run(mode, attempt)
      .catch((error: unknown) => {
        const rtcError = RtcError.from(error, ErrorCode.SIGNALING_UNREACHABLE);
        if (attempt === this.#attempt) {
          this.#teardown();
          this.#setState(RoomState.IDLE);
        }
        if (rtcError.code === ErrorCode.ROOM_FULL) this.emit('room-full', { roomId: this.roomId });
        if (rtcError.code !== ErrorCode.ABORTED) this.emit('error', rtcError);
        throw rtcError;
      })
      .finally(() => {
        if (this.#entering === entering) this.#entering = undefined;
      });
    this.#entering = entering;
    return entering;
  }

  /**
   * `join-room`, with our participation request right behind it (not after the ack: the server
   * handles one socket's events in order, and drops the request if the join is refused). A room
   * may make joiners wait for its owner's decision (up to a minute on our server).
   */
  #requestJoin(signaling: SignalingClient): Promise<[ok: boolean, error?: string]> {
    const joining = signaling.requestWithin(
      Math.max(this.#options.timeoutMs ?? 10_000, APPROVAL_WAIT_MS),
      'join-room',
      this.#roomRequest(false),
    );
    this.#relay(this.roomId, participationRequest(this.#session));
    this.#warmUp();
    return joining;
  }

  /** `open-room`, with the WebRTC warm-up started once it is out. */
  #requestOpen(signaling: SignalingClient): Promise<[ok: boolean, error?: string]> {
    const opening = signaling.request('open-room', this.#roomRequest(true));
    this.#warmUp();
    return opening;
  }

  /**
   * openOrJoin when media does not wait for the role: join first and open only when there is no
   * room to join (one round trip fewer than asking first, for everyone but the first one in); a
   * page that loses the race to open joins after all. Resolves to whether we opened the room.
   */
  async #joinFirst(signaling: SignalingClient, check: () => void): Promise<boolean> {
    for (let tries = 0; ; tries++) {
      const [joined, joinError] = await this.#requestJoin(signaling);
      check();
      if (joined) return false;
      if (joinError !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE || tries === 2)
        throw serverError(joinError, 'join');
      const [ok, openError] = await this.#requestOpen(signaling);
      check();
      if (ok) return true;
      if (openError !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE) throw serverError(openError, 'open');
    }
  }

  /**
   * Starts the browser's WebRTC stack (its first RTCPeerConnection costs 8-110 ms of the page's
   * thread) while the page waits for the room's answer: once capture is done (both at once slow
   * capture down: camera+mic 12 ms alone, 50-70 ms beside a first RTCPeerConnection) and once the
   * request is out (earlier, it would hold up the socket's handshake on a busy machine).
   */
  #warmUp(): void {
    void this.#mediaReady.then(warmUpWebRtc);
  }

  async #run(mode: Mode, attempt: number): Promise<JoinResult> {
    this.#setState(RoomState.CONNECTING);
    validateRoom(this.roomId, this.#userId, this.#options, this.extra);
    const check = () => {
      if (attempt !== this.#attempt) throw new RtcError(ErrorCode.ABORTED, 'The room was left');
    };
    // Media does not depend on the role unless the session is one-way: capture while connecting
    // and joining. Peers wait for it before their first offer or answer.
    let capture: Promise<void> | undefined;
    let roleKnown: () => void = () => undefined;
    this.#mediaReady = new Promise<void>((resolve) => (roleKnown = resolve)).then(() => capture);
    if (!isOneWay(this.#session)) {
      capture = this.#capture('participant');
      roleKnown();
    }
    let retries = 0;
    for (;;) {
      const signaling = this.#connectSignaling();
      try {
        await signaling.connect();
        check();
        let opened: boolean;
        if (mode === 'openOrJoin' && capture) {
          opened = await this.#joinFirst(signaling, check);
        } else {
          let wantsOpen = mode === 'open';
          if (mode === 'openOrJoin') {
            const [exists] = await signaling.request('check-presence', this.roomId);
            check();
            wantsOpen = !exists;
          }
          if (!capture) {
            capture = this.#capture(wantsOpen ? 'owner' : 'participant');
            roleKnown();
          }
          opened = false;
          if (wantsOpen) {
            const [ok, error] = await this.#requestOpen(signaling);
            check();
            if (ok) opened = true;
            else if (mode !== 'openOrJoin' || error !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE) {
              throw serverError(error, 'open');
            } else if (isOneWay(this.#session)) {
              // Lost the race to open a one-way room: join as a viewer, with a viewer's media.
              await capture;
              this.#media.removeAll();
              capture = this.#capture('participant');
              this.#mediaReady = capture;
            }
          }
          if (!opened) {
            const [ok, error] = await this.#requestJoin(signaling);
            check();
            if (!ok) throw serverError(error, 'join');
          }
        }
        await capture;
        check();
        this.#opened = opened;
        if (opened) this.#roster.setOwner(this.#userId, false);
        this.#setState(RoomState.JOINED);
        const result: JoinResult = { roomId: this.roomId, userId: this.#userId, opened };
        this.emit('joined', result);
        return result;
      } catch (error) {
        const takenRetry =
          error instanceof RtcError &&
          error.code === ErrorCode.USERID_TAKEN &&
          this.#options.retryWithFreshUserId !== false &&
          retries < MAX_USERID_RETRIES;
        if (!takenRetry) throw error;
        retries++;
        this.emit('error', error);
        this.#closeSignaling();
        const previous = this.#userId;
        this.#userId = randomId();
        this.emit('user-id', { userId: this.#userId, previous });
        check();
      }
    }
  }

  /**
   * The signaling connection dropped while joined. Peer connections keep flowing; we reconnect
   * with backoff (each URL of `socketUrl` in turn) and resume our place with the server's secret,
   * or, when the server no longer knows us (restarted, grace period over), rebuild the room.
   */
  async #reconnect(reason: string): Promise<void> {
    const attemptId = this.#attempt;
    const since = Date.now();
    let wake = () => undefined as void;
    this.#reconnecting = { since, wake: () => wake() };
    this.#dropSocket(true);
    this.emit('reconnecting', { reason });
    const policy =
      this.#options.reconnectPolicy ??
      defaultReconnectPolicy(this.#options.reconnectTimeoutMs ?? 300_000);
    const left = () => attemptId !== this.#attempt || !this.#reconnecting;
    let delay = nextDelay(policy, { attempt: 1, elapsedMs: 0, retryAfterMs: this.#retryAfter });
    this.#retryAfter = 0;
    for (let attempt = 1; ; attempt++) {
      if (delay === null) {
        this.emit('error', new RtcError(ErrorCode.SIGNALING_LOST, 'Signaling connection lost'));
        this.#end();
        return;
      }
      const wait = delay;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (left()) return;
      const signaling = this.#newSignaling(true);
      try {
        await signaling.connect();
        // The server says first whether it kept our place (servers without it: rebuild).
        const session = await this.#sessionOf(signaling);
        const resumed = !!session?.resumed && session.roomId === this.roomId;
        if (!resumed) await this.#rejoin(signaling);
        if (left()) return;
        this.#reconnecting = undefined;
        this.#mesh?.recover(this.#userId);
        this.emit('reconnected', { resumed, attempts: attempt, downtimeMs: Date.now() - since });
        return;
      } catch (error) {
        if (left()) return;
        this.#dropSocket();
        this.#urlIndex++;
        const permanent =
          error instanceof RtcError &&
          (
            [
              ErrorCode.ROOM_FULL,
              ErrorCode.INVALID_PASSWORD,
              ErrorCode.UNAUTHORIZED,
              ErrorCode.JOIN_REJECTED,
            ] as string[]
          ).includes(error.code);
        delay = permanent
          ? null
          : nextDelay(policy, {
              attempt: attempt + 1,
              elapsedMs: Date.now() - since,
              retryAfterMs: 0,
              lastError: error,
            });
        if (delay === null) {
          this.emit('error', RtcError.from(error, ErrorCode.SIGNALING_LOST));
          this.#end();
          return;
        }
      }
    }
  }

  /** The `session` event of a new connection (it comes first; undefined from older servers). */
  #sessionOf(signaling: SignalingClient): Promise<SessionInfo | undefined> {
    if (this.#lastSession) return Promise.resolve(this.#lastSession);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1000);
      const off = signaling.onServer('session', () => {
        clearTimeout(timer);
        off();
        resolve(this.#lastSession);
      });
    });
  }

  /**
   * Back in a server that no longer has our place: open the room again (or join it, if someone
   * rebuilt it first). Peers still connected stay as they are; members without a working
   * connection to us are asked to connect; people the server no longer knows and whose
   * connection is gone leave the roster.
   */
  async #rejoin(signaling: SignalingClient): Promise<void> {
    this.#announced = new Set();
    try {
      const [exists] = await signaling.request('check-presence', this.roomId);
      let opened = false;
      // A viewer waits for its broadcaster to open the broadcast again (retried with backoff).
      if (!exists && this.#relayTree.parent !== undefined)
        throw new RtcError(ErrorCode.ROOM_NOT_FOUND, 'The broadcast is not back yet');
      if (!exists) {
        const [ok, error] = await signaling.request('open-room', this.#roomRequest(true));
        if (!ok && error !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE) throw serverError(error, 'open');
        opened = ok;
      }
      if (!opened) {
        const [ok, error] = await signaling.requestWithin(
          Math.max(this.#options.timeoutMs ?? 10_000, APPROVAL_WAIT_MS),
          'join-room',
          this.#roomRequest(false),
        );
        if (!ok) throw serverError(error, 'join');
      }
      if (opened) this.#roster.setOwner(this.#userId, false);
      const members = this.#announced;
      const unconfirmed: string[] = [];
      for (const userId of this.getAllParticipants()) {
        const working = this.#mesh?.peers.get(userId)?.connectionState === 'connected';
        if (members.has(userId) && !working)
          this.#relay(userId, participationRequest(this.#session));
        else if (!members.has(userId) && !working) this.#removeParticipant(userId);
        else if (!members.has(userId)) unconfirmed.push(userId);
      }
      // A peer still connected that the rebuilt room does not know may just not be back yet;
      // one the server has not announced within CONFIRM_MS is gone (its tab closed with the server).
      if (unconfirmed.length > 0) {
        const attempt = this.#attempt;
        this.#heard = members;
        setTimeout(() => {
          if (this.#heard === members) this.#heard = undefined;
          if (attempt !== this.#attempt || this.#state !== RoomState.JOINED) return;
          for (const userId of unconfirmed)
            if (!members.has(userId)) this.#removeParticipant(userId);
        }, CONFIRM_MS);
      }
    } finally {
      this.#announced = undefined;
    }
  }

  /** Refuses what the server would silently replace or drop, with a clear error instead. */
  #connectSignaling(): SignalingClient {
    // A socket connected ahead of the join (`connect()`) is the join's socket.
    const early =
      this.#early?.connected && this.#early === this.#signaling ? this.#early : undefined;
    this.#early = undefined;
    if (early) {
      for (const unsubscribe of this.#subscriptions) unsubscribe();
      this.#subscriptions = [];
    } else {
      this.#closeSignaling();
      this.#iceServers = [];
    }
    const signaling = early ?? this.#newSignaling(false);
    const mesh = new Mesh({
      localUserId: () => this.#userId,
      iceServers: () => this.#options.iceServers ?? this.#iceServers,
      iceTransportPolicy: () => this.#options.iceTransportPolicy,
      localStreams: () => this.#media.streams,
      preferences: (userId) => this.#preferences(userId),
      acceptStream: (stream, userId) => this.#options.beforeAddingStream?.(stream, userId) ?? true,
      codecs: () => this.#options.codecs ?? {},
      processSdp: this.#options.processSdp
        ? (sdp) => this.#options.processSdp?.(sdp) ?? sdp
        : undefined,
      mediaReady: () => this.#mediaReady,
      media: () => !isDataOnly(this.#session),
      bandwidth: () => this.#options.bandwidth ?? {},
      extra: () => this.extra,
      relay: (remoteUserId, message) => this.#relay(remoteUserId, message),
      admit: (userId) => this.#options.admitPeer?.(userId) ?? true,
    });
    this.#mesh = mesh;
    this.#subscriptions.push(
      mesh.on('participation-request', ({ userId, extra }) => {
        // In a scalable broadcast, who asks us to connect is a viewer below us.
        if (this.#relayTree.parent !== undefined) this.#relayTree.addChild(userId);
        this.#heard?.add(userId);
        this.#addParticipant(userId, extra);
      }),
      mesh.on('user-left', ({ userId }) => this.#removeParticipant(userId)),
      mesh.on('extra', ({ userId, extra }) => this.#roster.update(userId, extra)),
      mesh.on('renamed', ({ userId, previous }) => {
        this.#relayTree.rename(previous, userId);
        const shown = this.#streams.rename('remote', previous, userId);
        // A broadcast's viewers show the broadcaster's streams without knowing it as a
        // participant: they hear of its new id all the same.
        if (!this.#roster.rename(previous, userId) && shown)
          this.emit('participant-renamed', { userId, previous });
      }),
      mesh.on('mute', ({ userId, kind }) => this.#roster.setMuted(userId, kind, true)),
      mesh.on('unmute', ({ userId, kind }) => this.#roster.setMuted(userId, kind, false)),
      mesh.on('channel-open', (event) => this.emit('channel-open', event)),
      mesh.on('peer-closed', (event) => this.emit('peer-closed', event)),
      mesh.on('peer-created', ({ userId, pc }) => {
        this.emit('peer-connection', { userId, pc });
        // A new connection learns our mute state once.
        const { audio, video } = this.muteState();
        const kinds = (['audio', 'video'] as const).filter((k) => this.muteState()[k]);
        if (kinds.length > 0) void this.#mesh?.peers.get(userId)?.pause(kinds, true);
        const kind: MuteKind | undefined =
          audio && video ? 'both' : audio ? 'audio' : video ? 'video' : undefined;
        if (kind) this.#sendMuteState(userId, kind, true);
      }),
      mesh.on('stream', ({ userId, stream, isScreen }) => {
        if (!this.#relayTree.streamStarted(userId, stream, isScreen))
          this.#streams.add({ userId, stream, isScreen, type: 'remote' });
      }),
      mesh.on('stream-ended', ({ userId, stream }) => {
        if (!this.#relayTree.streamEnded(userId, stream))
          this.#streams.remove('remote', userId, stream);
      }),
      mesh.on('message', (message) => {
        // RTCMultiConnection pages send file records on their text channel.
        if (!this.files.receiveLegacy(message.userId, message.data)) this.emit('message', message);
      }),
      mesh.on('file-channel', ({ userId, channel, pc }) => this.files.attach(userId, channel, pc)),
      mesh.on('peer-state', (event) => this.emit('peer-state', event)),
      mesh.on('error', (error) => this.emit('error', error)),
    );
    return signaling;
  }

  /** A signaling connection to the current URL, with our handlers (and our resume secret). */
  #newSignaling(resume: boolean): SignalingClient {
    const options = this.#options;
    // With a room token the server knows us by its subject: so do we.
    if (options.token) this.#userId = tokenSubject(options.token) ?? this.#userId;
    const query: HandshakeQuery & Record<string, string> = {
      ...options.query,
      ...(options.token ? { token: options.token } : {}),
      ...(resume && this.#resumeToken ? { resume: this.#resumeToken } : {}),
      userid: this.#userId,
      sessionid: this.roomId,
      msgEvent: options.messageEvent ?? DEFAULT_MESSAGE_EVENT,
      socketCustomEvent: this.#customEvent(),
      autoCloseEntireSession: options.autoClose ? 'true' : 'false',
      maxParticipantsAllowed: String(options.maxParticipants ?? 1000),
      extra: JSON.stringify(this.extra),
      rtcElements: String(PROTOCOL_REVISION),
    };
    if (this.#session.broadcast) query.oneToMany = 'true';
    const urls = this.socketUrl.split(/\s+/).filter(Boolean);
    const signaling = new SignalingClient({
      url: urls[this.#urlIndex % urls.length] ?? this.socketUrl,
      query,
      messageEvent: query.msgEvent,
      timeoutMs: options.timeoutMs,
    });
    this.#signaling = signaling;
    this.#lastSession = undefined;
    this.#socketSubscriptions.push(
      signaling.on('relay', (envelope) => {
        if (isRecord(envelope) && envelope.remoteUserId === this.#userId)
          this.#mesh?.handle(envelope);
      }),
      signaling.on('lost', ({ reason }) => {
        if (this.#state !== RoomState.JOINED || this.#reconnecting) return;
        // A server that sends us away on purpose is not to be called back.
        if (this.#options.reconnect !== false && reason !== 'io server disconnect') {
          void this.#reconnect(reason);
          return;
        }
        this.emit(
          'error',
          new RtcError(ErrorCode.SIGNALING_LOST, `Signaling connection lost (${reason})`),
        );
        this.#end();
      }),
      signaling.onServer('session', (info) => {
        if (!isRecord(info) || typeof info.resumeToken !== 'string') return;
        this.#resumeToken = info.resumeToken;
        this.#lastSession = info;
      }),
      // The node is shutting down: the connection closes next; go to another URL first.
      signaling.onServer('reconnect-elsewhere', (info) => {
        this.#urlIndex++;
        this.#retryAfter =
          isRecord(info) && typeof info.retryAfterMs === 'number' ? info.retryAfterMs : 0;
      }),
      signaling.onServer('broadcast-parent', (roomId, parent) => {
        if (roomId === this.roomId && typeof parent === 'string' && parent !== this.#userId)
          this.#relayTree.setParent(parent);
      }),
      signaling.onServer('number-of-broadcast-viewers-updated', (info) => {
        if (isRecord(info) && typeof info.numberOfBroadcastViewers === 'number')
          this.emit('broadcast-viewers', {
            broadcastId: info.broadcastId,
            count: info.numberOfBroadcastViewers,
          });
      }),
      signaling.onServer('ice-servers', (servers) => {
        if (Array.isArray(servers)) this.#iceServers = servers;
      }),
      signaling.onServer('user-connected', (userId, extra) => {
        if (typeof userId !== 'string') return;
        this.#announced?.add(userId);
        this.#heard?.add(userId);
        this.#addParticipant(userId, isRecord(extra) ? extra : undefined);
        // While we join a mesh, the members announced to us are the ones our request reaches,
        // and each will offer: their connections get ready while the request travels.
        if (this.#state === RoomState.CONNECTING && !isOneWay(this.#session))
          this.#mesh?.expectOffer(userId);
      }),
      signaling.onServer('user-disconnected', (userId) => this.#removeParticipant(userId)),
      signaling.onServer('extra-data-updated', (userId, extra) => {
        if (isRecord(extra)) this.#roster.update(userId, extra);
      }),
      // v3's owner notice; rtc-elements pages announce the change from `owner-changed`.
      signaling.onServer('set-isInitiator-true', (roomId) => {
        if (roomId === this.roomId) this.#roster.setOwner(this.#userId, false);
      }),
      signaling.onServer('room-info', (roomId, info) => {
        if (roomId === this.roomId && isRecord(info) && typeof info.owner === 'string') {
          this.#roster.setOwner(info.owner, false);
        }
      }),
      signaling.onServer('owner-changed', (roomId, userId) => {
        if (roomId !== this.roomId || typeof userId !== 'string') return;
        this.#roster.setOwner(userId, false);
        this.emit('owner-changed', { userId });
      }),
      signaling.onServer('participation-request', (userId, extra) => {
        if (typeof userId !== 'string' || this.#requests.has(userId)) return;
        this.#requests.add(userId);
        this.emit('participation-request', { userId, extra: isRecord(extra) ? extra : {} });
      }),
      signaling.onServer('kicked', (roomId, by) => {
        if (roomId !== this.roomId || this.#state === RoomState.LEFT) return;
        this.emit('kicked', { roomId, by: String(by as unknown) });
        this.#end();
      }),
      signaling.onServer('closed-entire-session', (roomId) => {
        // Also while still connecting: the server has already taken us out of the room.
        if (roomId !== this.roomId || this.#state === RoomState.LEFT) return;
        // A scalable broadcast closes when its broadcaster leaves.
        if (this.#relayTree.parent !== undefined)
          this.emit('broadcast-ended', { broadcastId: roomId });
        this.emit('session-closed', { roomId });
        this.#end();
      }),
      signaling.onCustom(this.#customEvent(), (data) => this.emit('custom-message', { data })),
    );
    return signaling;
  }

  async #capture(role: 'owner' | 'participant'): Promise<void> {
    if (this.#media.streams.length > 0 || this.#options.dontCapture) return;
    const kinds = kindsToCapture(this.#session, role);
    if (!kinds.audio && !kinds.video && !kinds.screen) return;
    try {
      await this.#media.capture(
        {
          ...kinds,
          constraints: this.#options.mediaConstraints,
          screenConstraints: this.#options.screenConstraints,
        },
        () => this.#state === RoomState.CONNECTING,
      );
    } catch (error) {
      // The user stays in the room and receives; the app learns why nothing is sent.
      this.emit('error', RtcError.from(error, ErrorCode.MEDIA_ERROR));
    }
  }

  #roomRequest(open: boolean): RoomRequest {
    return roomRequest(
      this.roomId,
      this.#session,
      this.#options,
      this.extra,
      this.#media.streams,
      open,
    );
  }

  #relay(remoteUserId: string, message: RelayMessage): void {
    this.#signaling?.relay({ remoteUserId, sender: this.#userId, message });
  }

  #addParticipant(userId: string, extra: Extra | undefined): void {
    if (userId && userId !== this.#userId) this.#roster.add(userId, extra);
  }

  #removeParticipant(userId: string): void {
    this.#relayTree.removeChild(userId);
    this.#mesh?.closePeer(userId);
    this.files.peerGone(userId);
    this.#requests.delete(userId);
    this.#roster.remove(userId);
  }

  #closeSignaling(): void {
    for (const unsubscribe of this.#subscriptions) unsubscribe();
    this.#subscriptions = [];
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#dropSocket();
  }

  /** Closes the signaling connection alone (the peers stay); `silently` keeps our server place. */
  #dropSocket(silently = false): void {
    for (const unsubscribe of this.#socketSubscriptions) unsubscribe();
    this.#socketSubscriptions = [];
    this.#signaling?.close(silently);
    this.#signaling = undefined;
  }

  /** Leaves for good: aborts a join in progress, tears everything down, reports `left`. */
  #end(): void {
    this.#attempt++;
    this.#reconnecting?.wake();
    this.#reconnecting = undefined;
    this.#teardown();
    this.#setState(RoomState.LEFT);
    this.emit('left', { roomId: this.roomId });
  }

  #teardown(): void {
    // Close peers first (remote streams end), then our own media, then the socket.
    this.#mesh?.close();
    this.files.dispose();
    this.#streams.clear();
    this.#media.removeAll();
    this.#relayTree.reset();
    this.#closeSignaling();
    this.#roster.clear();
    this.#requests.clear();
    this.#opened = false;
  }

  #setState(state: RoomState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', { state });
  }
}

function isMediaStream(value: unknown): value is MediaStream {
  return typeof MediaStream !== 'undefined' && value instanceof MediaStream;
}

/** The `sub` claim of a JWT (read, not verified: the server verifies it). */
function tokenSubject(token: string): string | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const sub = (claims as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
