import { ErrorCode, RtcError } from '../errors.js';
import type { FileTransfers } from '../files/file-transfers.js';
import type { TrackKind } from '../media/local-media.js';
import type { PeerStats } from '../peers/stats.js';
import { isValidId, type Extra, type Session } from '../../protocol/index.js';
import type { SignalingClient } from '../signaling/socket-client.js';
import { Emitter } from '../util/emitter.js';
import { randomId } from '../util/id.js';
import { RoomCore } from './core.js';
import { Joining } from './joining.js';
import { Publishing } from './publishing.js';
import { Reconnection } from './reconnection.js';
import {
  broadcastViewers,
  changeUserId,
  checkPresence,
  closeEntireSession,
  kick,
  publicRooms,
  remoteExtra,
  setPassword,
} from './requests.js';
import {
  RoomState,
  type AddStreamOptions,
  type ConnectionState,
  type JoinResult,
  type MuteKind,
  type MuteState,
  type Participant,
  type Presence,
  type PublicRoomInfo,
  type RoomEvents,
  type RoomOptions,
  type StreamInfo,
} from './types.js';

/**
 * A connection to one room on one signaling server: signaling socket, local media, and the mesh
 * of peer connections. Free of DOM: it hands out MediaStreams and plain data through typed events.
 *
 * This class is the room's public face; each part of the room lives in a file of its own, over
 * the state they share (core.ts): entering (joining.ts: connect, open or join, capture, user-id
 * retries, approval wait), the server's events (server-events.ts), the mesh's events
 * (mesh-events.ts), reconnection (reconnection.ts, with its policy in reconnect-policy.ts), what
 * this page sends (publishing.ts: streams, tracks, devices, screen, mute), approve-joins
 * (admission.ts), the shown streams (stream-registry.ts), who is here (roster.ts), a scalable
 * broadcast's relay tree (broadcast-relay.ts), the wire requests (requests.ts, handshake.ts)
 * and files (../files/file-transfers.ts).
 */
export class RoomConnection extends Emitter<RoomEvents> {
  readonly roomId: string;
  readonly socketUrl: string;
  /** File transfers of this room (events `file-offer`, `file-start`, ... on it). */
  readonly files: FileTransfers;
  readonly #room: RoomCore;
  readonly #publishing: Publishing;
  readonly #reconnection: Reconnection;
  readonly #joining: Joining;
  #outputDevice: string | undefined;

  constructor(options: RoomOptions) {
    super();
    if (!options.roomId) throw new RtcError(ErrorCode.INVALID_STATE, 'A room id is required');
    if (!options.socketUrl) throw new RtcError(ErrorCode.INVALID_STATE, 'A socket URL is required');
    this.roomId = options.roomId;
    this.socketUrl = options.socketUrl;
    const room = new RoomCore(
      options,
      (event, payload) => this.emit(event, payload),
      options.userId || randomId(),
    );
    this.#room = room;
    this.files = room.files;
    this.#publishing = new Publishing(room);
    this.#reconnection = new Reconnection(room);
    this.#joining = new Joining(room, this.#publishing, this.#reconnection);
    // A relay forwards every file that arrives from its parent to its children as it arrives.
    room.files.on('file-start', ({ direction, userId, fileId }) => {
      const tree = room.relayTree;
      if (direction === 'receive' && userId === tree.parent && tree.children.size > 0)
        room.files.relay(userId, fileId, [...tree.children]);
    });
  }

  get userId(): string {
    return this.#room.userId;
  }
  get state(): RoomState {
    return this.#room.state;
  }
  /** The link to the signaling server (reflected as `<rtc-room connection-state>`). */
  get connectionState(): ConnectionState {
    const { reconnecting, state } = this.#room;
    if (reconnecting) return 'reconnecting';
    return state === RoomState.JOINED
      ? 'connected'
      : state === RoomState.CONNECTING
        ? 'connecting'
        : 'disconnected';
  }
  /**
   * The device went offline or online (the page's `offline`/`online` events). Offline, the
   * signaling connection is given up at once (its network is gone; waiting for heartbeats takes
   * most of a minute) and the room starts reconnecting; online, it tries again now.
   */
  networkChanged(online: boolean): void {
    this.#reconnection.networkChanged(online);
  }
  /** In a scalable broadcast, the member this page receives the broadcast from (the server's choice). */
  get broadcastParent(): string | undefined {
    return this.#room.relayTree.parent;
  }
  /** True once joined when this page created the room. */
  get opened(): boolean {
    return this.#room.opened;
  }
  /** True while this page owns the room (it opened it, or ownership moved to it). */
  get isOwner(): boolean {
    const room = this.#room;
    return room.state === RoomState.JOINED && room.roster.owner === room.userId;
  }
  /** The user id of the room's owner, once known. */
  get owner(): string | undefined {
    return this.#room.roster.owner;
  }
  get session(): Readonly<Session> {
    return this.#room.session;
  }
  get extra(): Extra {
    return this.#room.extra;
  }
  /** Other users in the room, in arrival order. */
  get participants(): Participant[] {
    return this.#room.roster.participants;
  }
  /** User ids of the others in the room (RTCMultiConnection's `getAllParticipants()`). */
  getAllParticipants(): string[] {
    return this.#room.participantIds();
  }
  /** Whether a user's (or, without an id, this page's) microphone and camera are muted. */
  muteState(userId: string = this.userId): MuteState {
    return this.#room.roster.muteState(userId);
  }
  /** Joins waiting for this page's `accept()` / `reject()`. */
  get pendingRequests(): string[] {
    return this.#room.admission.pending;
  }
  /** The socket.io socket of this room (v3 `connection.socket`), while connected. */
  get socket(): SignalingClient['socket'] | undefined {
    return this.#room.signaling?.socket;
  }
  /** Local and remote streams, local first. */
  get streams(): StreamInfo[] {
    return this.#room.streams.list;
  }
  /** User ids with a peer connection (RTCMultiConnection's `getAllParticipants()`). */
  get connectedUserIds(): string[] {
    return this.#room.connectedUserIds();
  }
  /** The RTCPeerConnection to a user, for stats and diagnostics. */
  peerConnection(userId: string): RTCPeerConnection | undefined {
    return this.#room.mesh?.peers.get(userId)?.pc;
  }

  /** Updates options that take effect on the next join (or now, for bandwidth and extra). */
  configure(options: Partial<Omit<RoomOptions, 'roomId' | 'socketUrl'>>): void {
    const room = this.#room;
    Object.assign(room.options, options);
    if ('session' in options || 'scalableBroadcast' in options) room.session = room.parseSession();
    if (options.userId && room.state !== RoomState.JOINED && room.state !== RoomState.CONNECTING) {
      room.userId = options.userId;
    }
    if ('bandwidth' in options) void room.mesh?.applyBandwidth();
    if ('extra' in options) room.syncExtra(options.extra ?? {});
  }

  /**
   * Connects to the signaling server without entering the room (RTCMultiConnection's
   * `connectSocket`): `socket` works at once (custom events, requests), and the next
   * `open()`/`join()` uses this connection. `leave()` closes it.
   */
  connect(): Promise<void> {
    return this.#joining.connect();
  }

  /** Creates the room; rejects with ROOM_EXISTS when it exists. */
  open(): Promise<JoinResult> {
    return this.#joining.enter('open');
  }
  /** Joins an existing room; rejects with ROOM_NOT_FOUND, ROOM_FULL or INVALID_PASSWORD. */
  join(): Promise<JoinResult> {
    return this.#joining.enter('join');
  }
  /** Joins the room, or creates it when it does not exist. */
  openOrJoin(): Promise<JoinResult> {
    return this.#joining.enter('openOrJoin');
  }

  /** Sends text, a JSON-able value or binary data to everyone connected, or to one user. */
  async send(data: unknown, userId?: string): Promise<void> {
    const { mesh, state } = this.#room;
    if (state !== RoomState.JOINED || !mesh) {
      throw new RtcError(ErrorCode.INVALID_STATE, 'Join the room before sending');
    }
    try {
      await mesh.send(data, userId);
    } catch (error) {
      throw RtcError.from(error, ErrorCode.SEND_FAILED);
    }
  }

  /**
   * Sends a file (or Blob) to everyone in the room, or to one user; returns its id. Each transfer
   * waits for its user's file channel; progress and the outcome come as `files` events.
   */
  sendFile(file: Blob, userId?: string): string {
    const room = this.#room;
    if (room.state !== RoomState.JOINED) {
      throw new RtcError(ErrorCode.INVALID_STATE, 'Join the room before sending files');
    }
    const others = room.participantIds();
    if (userId !== undefined && !others.includes(userId)) {
      throw new RtcError(ErrorCode.PEER_NOT_FOUND, `"${userId}" is not in the room`);
    }
    // A scalable broadcast's files flow down the tree: to our children, who pass them on.
    const everyone = room.scalable
      ? room.connectedUserIds().filter((id) => id !== room.relayTree.parent)
      : others;
    // RTCMultiConnection pages get theirs in their own format (FileTransfers picks per user).
    return this.files.send(file, userId === undefined ? everyone : [userId]);
  }

  /**
   * How many viewers a scalable broadcast has (the whole relay tree; 0 when there is no such
   * broadcast). The broadcaster also gets `broadcast-viewers` on every change.
   */
  getNumberOfBroadcastViewers(broadcastId: string = this.roomId): Promise<number> {
    return this.#room.ask((signaling) => broadcastViewers(signaling, broadcastId));
  }

  /** Cancels a file transfer (to or from everyone, or one user). */
  cancelFile(fileId: string, userId?: string): void {
    this.files.cancel(fileId, userId);
  }

  /** Leaves the room: closes every peer connection, stops captured tracks, closes the socket. */
  async leave(): Promise<void> {
    const room = this.#room;
    if (room.early && room.state !== RoomState.JOINED && room.state !== RoomState.CONNECTING) {
      room.early = undefined;
      room.dropSocket();
    }
    if (room.state === RoomState.IDLE || room.state === RoomState.LEFT) return;
    room.end();
    await Promise.resolve();
  }

  /** Whether a room exists, is full or needs a password; works before joining anything. */
  checkPresence(roomId: string = this.roomId): Promise<Presence> {
    return this.#room.ask((signaling) => checkPresence(signaling, roomId));
  }

  /** Rooms opened with this public identifier (v3 `publicRoomIdentifier`). */
  getPublicRooms(identifier: string): Promise<PublicRoomInfo[]> {
    return this.#room.ask((signaling) => publicRooms(signaling, identifier));
  }

  /** Sets (or, with '', removes) the room's password. Owner only: NOT_OWNER otherwise. */
  async setPassword(password: string): Promise<void> {
    await setPassword(this.#room.joined('setPassword'), password);
    this.#room.options.password = password || undefined;
  }

  /** Closes the room for everyone (owner only); every page gets `session-closed`. */
  async closeEntireSession(): Promise<void> {
    await closeEntireSession(this.#room.joined('closeEntireSession'));
    this.emit('session-closed', { roomId: this.roomId });
    this.#room.end();
  }

  /** Takes a new user id; refused with USERID_TAKEN when someone has it. */
  async changeUserId(userId: string): Promise<void> {
    const room = this.#room;
    if (!isValidId(userId)) throw new RtcError(ErrorCode.INVALID_REQUEST, 'Invalid user id');
    if (userId === room.userId) return;
    const previous = room.userId;
    if (room.signaling?.connected) await changeUserId(room.signaling, userId);
    room.userId = userId;
    if (room.roster.owner === previous) room.roster.setOwner(userId, false);
    room.streams.rename('local', previous, userId);
    this.emit('user-id', { userId, previous });
  }

  /** Sends your extra data to everyone else (after changing `extra` in place, or the one given). */
  updateExtraData(extra: Extra = this.extra): void {
    this.#room.syncExtra(extra);
  }

  /** A user's extra data, from the server. */
  getExtraData(userId: string): Promise<Extra> {
    return remoteExtra(this.#room.joined('getExtraData'), userId);
  }

  /** Lets a waiting user into a room this page owns with `approveJoins`. */
  accept(userId: string): void {
    this.#room.admission.decide(userId, true);
  }

  /** Turns a waiting user away: its `join()` rejects with JOIN_REJECTED. */
  reject(userId: string): void {
    this.#room.admission.decide(userId, false);
  }

  /** Drops the peer connection with a user on both sides; both stay in the room. */
  disconnectWith(userId: string): void {
    this.#room.mesh?.closePeer(userId);
    this.#room.signaling?.notify('disconnect-with', userId, () => undefined);
  }

  /**
   * Starts a fresh peer connection with a user (after a failure, or to recover a stuck one); both
   * stay in the room, media comes back and file transfers resume where they were.
   */
  reconnect(userId: string): void {
    if (!this.#room.mesh?.reconnect(userId)) {
      throw new RtcError(ErrorCode.PEER_NOT_FOUND, `Not connected to "${userId}"`);
    }
  }

  /** Removes a user from the room for everyone (owner only, enforced by the server). */
  kick(userId: string): Promise<void> {
    return kick(this.#room.joined('kick'), userId);
  }

  /**
   * Mutes your microphone (`audio`), camera (`video`) or both; peers get one `mute` event.
   * Resolves once nothing of these kinds goes out any more.
   */
  mute(kind: MuteKind = 'both'): Promise<void> {
    return this.#publishing.setMuted(kind, true);
  }

  /** Unmutes; resolves once the encodings send again. */
  unmute(kind: MuteKind = 'both'): Promise<void> {
    return this.#publishing.setMuted(kind, false);
  }

  /**
   * Adds a stream: one the app captured itself, or one captured now from options
   * (`{audio, video, screen}`). With `userId`, only that user gets it. Peers renegotiate.
   * `given.isScreen`: a stream of the app's own is shown to everyone as a screen (a canvas or
   * a screen it captured itself), not as a camera.
   */
  addStream(
    source: MediaStream | AddStreamOptions,
    userId?: string,
    given: { isScreen?: boolean } = {},
  ): Promise<MediaStream> {
    return this.#publishing.addStream(source, userId, given);
  }

  /** Stops sending a stream: to one user, or to everyone (and stops it when we captured it). */
  removeStream(streamId: string, userId?: string): void {
    this.#publishing.removeStream(streamId, userId);
  }

  /** Negotiates again with one user or everyone (after changing preferences, for instance). */
  renegotiate(userId?: string): Promise<void> {
    return this.#publishing.renegotiate(userId);
  }

  /**
   * Sends another track instead of the camera's (or microphone's) to one user or everyone, without
   * renegotiation: a track, a stream's first video (else audio) track, or `{screen: true}` for a
   * fresh screen capture. `resetTrack()` goes back.
   */
  replaceTrack(
    source: MediaStreamTrack | MediaStream | { screen: true },
    userId?: string,
  ): Promise<MediaStreamTrack> {
    return this.#publishing.replaceTrack(source, userId);
  }

  /** Goes back to the camera/microphone track that `replaceTrack()` replaced, for some users or all. */
  resetTrack(userIds?: string | string[], kind?: TrackKind): Promise<void> {
    return this.#publishing.resetTrack(userIds, kind);
  }

  /** Changes resolution or frame rate of the live camera (no new permission prompt). */
  applyConstraints(constraints: MediaTrackConstraints): Promise<void> {
    return this.#room.media.applyConstraints(constraints);
  }

  /** Switches the live camera (`video`) or microphone (`audio`) to another device. */
  switchDevice(kind: TrackKind, deviceId: string): Promise<void> {
    return this.#publishing.switchDevice(kind, deviceId);
  }

  /** Starts sharing the screen as an extra stream; resolves false when the user cancels. */
  shareScreen(): Promise<boolean> {
    return this.#publishing.shareScreen();
  }

  /** Stops the screen share. */
  stopScreen(): void {
    this.#room.media.stopScreen();
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
    return this.#room.media.screen !== undefined;
  }

  /** A plain summary of the connection to a user (candidate type, RTT, bitrates, loss, frames). */
  async getStats(userId: string): Promise<PeerStats> {
    const peer = this.#room.mesh?.peers.get(userId);
    if (!peer) throw new RtcError(ErrorCode.PEER_NOT_FOUND, `Not connected to "${userId}"`);
    return peer.stats();
  }

  /** Emits the room-scoped custom socket event (v3 `socketCustomEvent`). */
  sendCustom(data: unknown): void {
    this.#room.joined('sendCustom').emitCustom(this.#room.customEvent(), data);
  }
}
