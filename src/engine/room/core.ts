import { ErrorCode, RtcError } from '../errors.js';
import { FileTransfers } from '../files/file-transfers.js';
import { LocalMedia } from '../media/local-media.js';
import { parseSession } from '../media/session.js';
import type { Mesh } from '../peers/mesh.js';
import type { Extra, RelayMessage, RoomRequest, Session } from '../../protocol/index.js';
import type { SignalingClient } from '../signaling/socket-client.js';
import type { Unsubscribe } from '../util/emitter.js';
import { Admission } from './admission.js';
import { BroadcastRelay } from './broadcast-relay.js';
import { customEventName, roomRequest } from './handshake.js';
import { withSignaling } from './requests.js';
import { Roster } from './roster.js';
import { StreamRegistry } from './stream-registry.js';
import { RoomState, type RoomEvents, type RoomOptions } from './types.js';

export type Emit = <K extends keyof RoomEvents>(event: K, payload: RoomEvents[K]) => void;

/**
 * What the parts of one room share: its options, who we are, its state, the signaling connection
 * and mesh of the moment, and the parts that live as long as the room (media, roster, streams,
 * files, admission, our place in a relay tree). Each part of the room (joining.ts, reconnection.ts,
 * server-events.ts, mesh-events.ts, publishing.ts) reads and changes the room through it; the
 * RoomConnection is the public face. Free of DOM.
 */
export class RoomCore {
  readonly roomId: string;
  readonly socketUrl: string;
  readonly emit: Emit;
  options: RoomOptions;
  session: Session;
  userId: string;
  state: RoomState = RoomState.IDLE;
  /** True once joined when this page created the room. */
  opened = false;
  /** Counts joins and leaves: work of an earlier one sees it changed and stops. */
  attempt = 0;
  signaling: SignalingClient | undefined;
  mesh: Mesh | undefined;
  /** The server's ICE servers (`ice-servers`), unless the options give some. */
  iceServers: RTCIceServer[] = [];
  /** Settles when this attempt's capture has finished (successfully or not). */
  mediaReady: Promise<void> = Promise.resolve();
  /** Subscriptions to the current mesh (replaced with it). */
  subscriptions: Unsubscribe[] = [];
  /** Subscriptions to the current signaling connection (replaced when it reconnects). */
  socketSubscriptions: Unsubscribe[] = [];
  /** A connection opened ahead of the join (`connect()`). */
  early: SignalingClient | undefined;
  /** Set while reconnecting: when the drop happened, and how to cut the wait short. */
  reconnecting: { since: number; wake: () => void } | undefined;
  /** The extra data the room was last sent (JSON), to send changes once. */
  #extraJson = '';

  readonly media = new LocalMedia();
  readonly roster: Roster;
  readonly streams: StreamRegistry;
  /** Joins waiting for this page's decision (it owns an approve-joins room). */
  readonly admission: Admission;
  /** Our place in a scalable broadcast's relay tree, as a viewer. */
  readonly relayTree: BroadcastRelay;
  readonly files: FileTransfers;

  constructor(options: RoomOptions, emit: Emit, userId: string) {
    this.roomId = options.roomId;
    this.socketUrl = options.socketUrl;
    this.emit = emit;
    this.options = { ...options };
    this.syncExtra(options.extra ?? {});
    this.session = this.parseSession();
    this.userId = userId;
    this.roster = new Roster(emit);
    this.streams = new StreamRegistry(emit);
    this.admission = new Admission(this);
    this.files = new FileTransfers({
      peer: (id) => this.mesh?.peers.get(id),
      userId: () => this.userId,
    });
    this.relayTree = new BroadcastRelay(this);
  }

  get extra(): Extra {
    return this.options.extra ?? {};
  }

  /** User ids of the others in the room, in arrival order. */
  participantIds(): string[] {
    return this.roster.participants.map((p) => p.userId);
  }

  /** User ids with a peer connection. */
  connectedUserIds(): string[] {
    return [...(this.mesh?.peers.keys() ?? [])];
  }

  /** In a scalable broadcast (as its broadcaster or a viewer). */
  get scalable(): boolean {
    return this.relayTree.parent !== undefined || (this.opened && !!this.options.scalableBroadcast);
  }

  /** The session; a scalable broadcast is always one-way (`broadcast`). */
  parseSession(): Session {
    const session = parseSession(this.options.session);
    if (this.options.scalableBroadcast) session.broadcast = true;
    return session;
  }

  /**
   * Keeps our own copy of `extra` (callers may change theirs in place) and, when it differs from
   * what the room has, sends it and reports it once.
   */
  syncExtra(extra: Extra): void {
    let json: string;
    try {
      json = JSON.stringify(extra);
    } catch (error) {
      // Kept as given: joining reports it (INVALID_REQUEST); a live update is refused here.
      this.options.extra = extra;
      if (this.state === RoomState.JOINED) {
        this.emit(
          'error',
          new RtcError(ErrorCode.INVALID_REQUEST, 'extra is not JSON-serialisable', {
            cause: error,
          }),
        );
      }
      return;
    }
    this.options.extra = JSON.parse(json) as Extra;
    if (json === this.#extraJson) return;
    this.#extraJson = json;
    if (this.state === RoomState.JOINED) this.signaling?.notify('extra-data-updated', this.extra);
    this.emit('extra-updated', { userId: this.userId, extra: this.extra });
  }

  /** The open-room / join-room payload. */
  roomRequest(open: boolean): RoomRequest {
    return roomRequest(
      this.roomId,
      this.session,
      this.options,
      this.extra,
      this.media.streams,
      open,
    );
  }

  /** The room-scoped custom socket event (v3 `socketCustomEvent`). */
  customEvent(): string {
    return customEventName(this.options);
  }

  /** Sends a message to one member through the server. */
  relay(remoteUserId: string, message: RelayMessage): void {
    this.signaling?.relay({ remoteUserId, sender: this.userId, message });
  }

  addParticipant(userId: string, extra: Extra | undefined): void {
    if (userId && userId !== this.userId) this.roster.add(userId, extra);
  }

  removeParticipant(userId: string): void {
    this.relayTree.removeChild(userId);
    this.mesh?.closePeer(userId);
    this.files.peerGone(userId);
    this.admission.forget(userId);
    this.roster.remove(userId);
  }

  /** The signaling client of the joined room; INVALID_STATE otherwise. */
  joined(method: string): SignalingClient {
    if (this.state !== RoomState.JOINED || !this.signaling) {
      throw new RtcError(ErrorCode.INVALID_STATE, `Join the room before ${method}()`);
    }
    return this.signaling;
  }

  /** Runs a request on the room's socket when connected, else on a short-lived one. */
  ask<T>(run: (signaling: SignalingClient) => Promise<T>): Promise<T> {
    const signaling = this.signaling;
    if (signaling?.connected) return run(signaling);
    return withSignaling(this.socketUrl, this.options.timeoutMs, run, this.options.token);
  }

  setState(state: RoomState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', { state });
  }

  /** Closes the mesh and the signaling connection. */
  closeSignaling(): void {
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    this.mesh?.close();
    this.mesh = undefined;
    this.dropSocket();
  }

  /** Closes the signaling connection alone (the peers stay); `silently` keeps our server place. */
  dropSocket(silently = false): void {
    for (const unsubscribe of this.socketSubscriptions) unsubscribe();
    this.socketSubscriptions = [];
    this.signaling?.close(silently);
    this.signaling = undefined;
  }

  /** Leaves for good: aborts a join in progress, tears everything down, reports `left`. */
  end(): void {
    this.attempt++;
    this.reconnecting?.wake();
    this.reconnecting = undefined;
    this.teardown();
    this.setState(RoomState.LEFT);
    this.emit('left', { roomId: this.roomId });
  }

  teardown(): void {
    // Close peers first (remote streams end), then our own media, then the socket.
    this.mesh?.close();
    this.files.dispose();
    this.streams.clear();
    this.media.removeAll();
    this.relayTree.reset();
    this.closeSignaling();
    this.roster.clear();
    this.admission.clear();
    this.opened = false;
  }
}
