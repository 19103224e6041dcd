import type { Server, Socket } from 'socket.io';
import {
  INVALID_PAYLOAD,
  type ClientToServerEvents,
  type Extra,
  type IceServer,
  type RelayEnvelope,
  type ServerToClientEvents,
} from '../src/engine/signaling/protocol.js';
import type { Logger } from './log.js';
import type { RoomRecord, RoomStore, UserRecord } from './rooms.js';
import type { RoomToken } from './auth.js';
import { Metrics } from './metrics.js';
import { healTree, rejoinTree } from './handlers/broadcast.js';
import type { RateLimits } from './rate-limit.js';
import type { QueueLimits } from './socket-queue.js';
import type { FairQueue } from './fair-queue.js';

/** Per-socket state, kept on `socket.data`. */
export interface SocketData {
  userId: string;
  extra: Extra;
  roomId: string | undefined;
  messageEvent: string;
  /** The room-scoped custom event; undefined when its name would collide with the relay event. */
  customEvent: string | undefined;
  /**
   * While the socket is in no room: the room it waits at (its handshake's `sessionid`, or the
   * last room it asked about with `check-presence`), whose custom events it may send and hear
   * (RTCMultiConnection pages message a room before joining it). Undefined once it is in a room.
   */
  lobby: string | undefined;
  /**
   * Its custom events follow RTCMultiConnection's expectations (a 3.7 page, or our compat class:
   * handshake `rtcCompat`): they also reach the room's lobby. rtc-elements' stay in the room.
   */
  legacyCustom: boolean;
  /** A broadcast whose tree v3's `join-broadcast` placed this socket in before it joined. */
  pendingBroadcast?: string | undefined;
  autoClose: boolean;
  maxParticipants: number;
  passwordFailures: number;
  /** An rtc-elements client (handshake `rtcElements`), which understands the protocol's additions. */
  modern: boolean;
  /** The verified room token (`token` in the handshake), when the server requires them. */
  auth?: RoomToken | undefined;
  /** The client's address (the TCP peer's, or from a trusted proxy's X-Forwarded-For). */
  address: string;
}

/**
 * What one node tells the others (socket.io's server-side emit, carried by the Redis adapter):
 * changes to sockets that may live on another node.
 */
export type NodeCommand =
  /** The owner removed a user: its socket leaves the room and learns why. */
  | { type: 'kicked'; roomId: string; userId: string; by: string; extra: Extra }
  /** A room closed: its members' sockets leave it and get `closed-entire-session`. */
  | { type: 'closed'; roomId: string; members: string[]; extra: Extra; broadcast: boolean }
  /** The owner decided on a waiting join. */
  | { type: 'decision'; roomId: string; userId: string; accepted: boolean }
  /** A room has a new owner: joins waiting for the old one ask the new one. */
  | { type: 'owner'; roomId: string; owner: string }
  /** A room is gone: joins waiting for it are refused. */
  | { type: 'gone'; roomId: string }
  /** The client resumed on a new socket: the old one (still open on some node) is dropped. */
  | { type: 'replaced'; userId: string; sid: string };

export interface NodeEvents {
  'rtc-node': (command: NodeCommand) => void;
}

export type SignalingServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  NodeEvents,
  SocketData
>;
export type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  NodeEvents,
  SocketData
>;

export interface HubOptions {
  store: RoomStore;
  /** This node's id (users registered here are listed under it). */
  node: string;
  /** Several nodes share the store: commands go to the other nodes too. */
  clustered: boolean;
  logger: Logger;
  iceServers: (userId: string) => IceServer[] | Promise<IceServer[]>;
  /** Per-socket and per-address limits. */
  rateLimits: RateLimits;
  /** How many requests (and bytes) one socket may have waiting. */
  queueLimits: QueueLimits;
  /** Password hashing, bounded and fair between clients (keyed by address). */
  hashing: FairQueue;
  /** Relay and custom event names for clients that name none (v3 config.json). */
  messageEvent?: string | undefined;
  customEvent?: string | undefined;
  /** When set, opening and joining need a room token signed with it (HS256). */
  authSecret?: Uint8Array | undefined;
  /** Upper bound for a room's `maxParticipantsAllowed` (default 1000). */
  maxParticipantsLimit: number;
  /** Wrong passwords one socket may try (default 10). */
  maxPasswordFailures: number;
  /** Wrong passwords one room takes in `passwordWindowMs` before refusing all tries (default 100). */
  maxRoomPasswordFailures: number;
  /** Window of the per-room limit (default 15 minutes). */
  passwordWindowMs: number;
  /** How long a join waits for the owner's decision in an `approveJoins` room (default 60 s). */
  approvalTimeoutMs: number;
  /**
   * How long an rtc-elements user whose connection dropped keeps its room (and id) for a resume
   * (`RECONNECT_GRACE_MS`); 0 to remove users at once.
   */
  reconnectGraceMs: number;
}

export type AckFn = (...args: unknown[]) => void;

/** A join waiting for the owner's decision. */
export interface PendingJoin {
  roomId: string;
  userId: string;
  extra: Extra;
  decide: (accepted: boolean) => void;
}

export const userChannel = (userId: string) => `user:${userId}`;
/** Sockets in no room waiting at a room (see `SocketData.lobby`). */
export const lobbyChannel = (roomId: string) => sharedName('lobby:', roomId);
export const roomChannel = (roomId: string) => `room:${roomId}`;
/**
 * Every socket is in the channel of the relay event it listens to, on every node. A custom event
 * is broadcast to its room except that channel (see `custom`): whatever name a client picks, no
 * member ever receives a client's payload on its relay event, whose envelopes only the server
 * writes.
 */
export const relayEventChannel = (event: string) => sharedName('relay-event:', event);

/**
 * One string per channel name, shared by every socket that joins it: a fresh string per socket,
 * used as the key of a long-lived adapter room, was measured to keep about 10 KiB of heap per
 * connection that came and went (test/server/resume.test.ts, 2,000 join/leave cycles).
 */
function sharedName(prefix: string, name: string): string {
  const key = prefix + name;
  let shared = sharedNames.get(key);
  if (shared === undefined) {
    shared = key;
    if (sharedNames.size < 10_000) sharedNames.set(key, shared);
  }
  return shared;
}
const sharedNames = new Map<string, string>();

/**
 * Whether a socket may administer a room (passwords, kick, close, approvals): it owns the room
 * and, on a server with room tokens, its token's role is `owner` (a role bounds what a socket
 * may do even if ownership reached it).
 */
export function administers(ctx: HubContext, socket: SignalingSocket, room: RoomRecord): boolean {
  if (room.owner !== socket.data.userId) return false;
  return !ctx.options.authSecret || socket.data.auth?.role === 'owner';
}

/**
 * Whether a socket may ask about a room it is not in: on a server with room tokens, only about
 * the room its token is for.
 */
export function mayAskAbout(ctx: HubContext, socket: SignalingSocket, roomId: string): boolean {
  return !ctx.options.authSecret || socket.data.auth?.room === roomId;
}

/**
 * What every handler shares: the socket.io server, options, the users connected to this node,
 * joins waiting for approval on this node, and the operations several handlers need (leaving a
 * room, delivering a relay, telling other nodes, logging a dropped payload). Everything about a
 * user or room that other nodes must see lives in the store.
 */
export class HubContext {
  readonly io: SignalingServer;
  readonly options: HubOptions;
  /** Users connected to this node, by user id. */
  readonly users = new Map<string, SignalingSocket>();
  /** Joins waiting for an owner's decision, by joining user id. */
  readonly pendingJoins = new Map<string, PendingJoin>();
  /** Counters for `/metrics`. */
  readonly metrics = new Metrics();

  constructor(io: SignalingServer, options: HubOptions) {
    this.io = io;
    this.options = options;
    io.on('rtc-node', (command) => this.apply(command));
  }

  get store(): RoomStore {
    return this.options.store;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** The current id of a user who renamed within the alias period, else the id itself. */
  async currentId(userId: string): Promise<string> {
    let id = userId;
    for (let hops = 0; hops < 5; hops++) {
      const next = await this.store.aliasOf(id);
      if (!next) break;
      id = next;
    }
    return id;
  }

  /**
   * Emits a relay envelope to a user, on whichever node, on that user's own relay event.
   * `known` is the target's record when the caller already read it.
   */
  async deliver(
    target: string,
    envelope: RelayEnvelope<unknown>,
    known?: { user: UserRecord | undefined },
  ): Promise<void> {
    const socket = this.users.get(target);
    if (socket) {
      this.metrics.relayed++;
      (socket as unknown as Socket).emit(socket.data.messageEvent, envelope);
      return;
    }
    if (!this.options.clustered) return;
    const user = known ? known.user : await this.store.getUser(target);
    if (!user || user.node === this.options.node) return;
    this.metrics.relayed++;
    (this.io.to(userChannel(target)) as unknown as Socket).emit(user.event, envelope);
  }

  /** Runs a command here and on every other node. */
  send(command: NodeCommand): void {
    this.apply(command);
    if (this.options.clustered) this.io.serverSideEmit('rtc-node', command);
  }

  /** Applies a command to the sockets and waiting joins of this node. */
  apply(command: NodeCommand): void {
    switch (command.type) {
      case 'kicked': {
        const target = this.#member(command.userId, command.roomId);
        if (!target) return;
        // rtc-elements pages learn they were removed; v3 pages only understand a closed session.
        if (target.data.modern) target.emit('kicked', command.roomId, command.by);
        else target.emit('closed-entire-session', command.roomId, command.extra);
        return;
      }
      case 'closed':
        for (const userId of command.members) {
          const member = this.#member(userId, command.roomId);
          member?.emit('closed-entire-session', command.roomId, command.extra);
          // v3's scalable-broadcast pages wait for this one.
          if (command.broadcast) member?.emit('broadcast-stopped', command.roomId);
        }
        this.endPendingJoins(command.roomId);
        return;
      case 'decision': {
        const pending = this.pendingJoins.get(command.userId);
        if (pending?.roomId === command.roomId) pending.decide(command.accepted);
        return;
      }
      case 'owner':
        // Joins that were waiting for the old owner now wait for the new one.
        for (const pending of this.pendingJoins.values()) {
          if (pending.roomId === command.roomId) {
            this.io
              .to(userChannel(command.owner))
              .emit('participation-request', pending.userId, pending.extra);
          }
        }
        return;
      case 'gone':
        this.endPendingJoins(command.roomId);
        return;
      case 'replaced': {
        const socket = this.users.get(command.userId);
        if (socket?.id !== command.sid) return;
        // Not a leave: the user lives on in the new socket.
        this.users.delete(command.userId);
        socket.data.roomId = undefined;
        socket.disconnect(true);
        return;
      }
    }
  }

  /** Grace timers of users whose connection dropped, by user id. */
  readonly graceTimers = new Map<string, NodeJS.Timeout>();

  /**
   * Keeps a user whose connection dropped in its room (`user.room`) until `until`, then removes it
   * (unless it resumed meanwhile). This node ends the grace period (it adopts users of a dead
   * node). In a broadcast the user leaves the relay tree at once (see `#leaveTree`).
   */
  async startGrace(
    user: Pick<UserRecord, 'userId' | 'sid' | 'room'>,
    until: number,
  ): Promise<boolean> {
    if (!(await this.store.setGrace(user.userId, user.sid, until, this.options.node))) return false;
    clearTimeout(this.graceTimers.get(user.userId));
    const timer = setTimeout(
      () => {
        if (this.graceTimers.get(user.userId) === timer) this.graceTimers.delete(user.userId);
        void this.endGrace(user.userId, user.sid);
      },
      Math.max(0, until - Date.now()),
    );
    timer.unref();
    this.graceTimers.set(user.userId, timer);
    if (user.room) await this.#leaveTree(user.room, user);
    return true;
  }

  /**
   * A broadcast member whose connection dropped: the viewers below it would get nothing for the
   * whole grace period (its browser is probably gone), so the tree heals now; the user stays in
   * the room, and goes back into the tree if it resumes (`rejoinTree`, from the resumed socket).
   * A resume that got in between the grace period starting and this heal found the user still
   * in the tree and left it there: it is placed again here.
   */
  async #leaveTree(roomId: string, user: Pick<UserRecord, 'userId' | 'sid'>): Promise<void> {
    try {
      const room = await this.store.get(roomId);
      if (!room || room.relayLimit <= 0) return;
      await healTree(this, roomId, user.userId);
      const now = await this.store.getUser(user.userId);
      if (now && now.sid !== user.sid && now.room === roomId)
        await rejoinTree(this, roomId, user.userId);
    } catch (error) {
      this.logger.error('cannot heal a relay tree', { userId: user.userId, error: String(error) });
    }
  }

  async endGrace(userId: string, sid: string): Promise<void> {
    try {
      const user = await this.store.endGrace(userId, sid);
      if (user?.room) await this.removeFromRoom(user.room, userId, user.extra);
      if (user) this.logger.debug('grace period over', { userId });
    } catch (error) {
      this.logger.error('cannot end a grace period', { userId, error: String(error) });
    }
  }

  /** A socket of this node in that room, taken out of it (undefined when there is none). */
  #member(userId: string, roomId: string): SignalingSocket | undefined {
    const socket = this.users.get(userId);
    if (socket?.data.roomId !== roomId) return undefined;
    socket.data.roomId = undefined;
    void socket.leave(roomChannel(roomId));
    return socket;
  }

  /** Takes the socket out of its room (see `removeFromRoom`). */
  async leaveRoom(socket: SignalingSocket): Promise<void> {
    const data = socket.data;
    const roomId = data.roomId;
    if (!roomId) return;
    data.roomId = undefined;
    await socket.leave(roomChannel(roomId));
    await this.removeFromRoom(roomId, data.userId, data.extra);
  }

  /** Takes the socket out of a room it was in besides its current one (see `removeFromRoom`). */
  async exitRoom(socket: SignalingSocket, roomId: string): Promise<void> {
    await socket.leave(roomChannel(roomId));
    await this.removeFromRoom(roomId, socket.data.userId, socket.data.extra);
  }

  /**
   * Takes a user (of any node, or of a node that died) out of a room: tells the others, moves
   * ownership (announced to everyone) or closes the room for everyone.
   */
  async removeFromRoom(roomId: string, userId: string, extra: Extra): Promise<void> {
    const outcome = await this.store.leave(roomId, userId);
    if (!outcome.left) return;
    this.io.to(roomChannel(roomId)).emit('user-disconnected', userId);
    if (outcome.room && outcome.room.relayLimit > 0) await healTree(this, roomId, userId);
    if (outcome.newOwner) this.announceOwner(roomId, outcome.newOwner);
    if (outcome.closed) this.evict(roomId, outcome.remaining, extra, outcome.broadcast);
    if (!outcome.room) await this.forgetRoom(roomId);
  }

  /** A room is gone: waiting joins are refused and its wrong-guess count is dropped. */
  async forgetRoom(roomId: string): Promise<void> {
    this.send({ type: 'gone', roomId });
    await this.store.clearGuesses(roomId);
  }

  /** Tells a room its new owner: `owner-changed` to everyone, v3's `set-isInitiator-true` to it. */
  announceOwner(roomId: string, owner: string): void {
    this.io.to(roomChannel(roomId)).emit('owner-changed', roomId, owner);
    this.io.to(userChannel(owner)).emit('set-isInitiator-true', roomId);
    this.send({ type: 'owner', roomId, owner });
  }

  /** Everyone still in a closed room gets `closed-entire-session` and is taken out of it. */
  evict(roomId: string, members: string[], ownerExtra: Extra, broadcast: boolean): void {
    this.send({ type: 'closed', roomId, members, extra: ownerExtra, broadcast });
  }

  /** Refuses every join still waiting for a room that is gone. */
  endPendingJoins(roomId: string): void {
    for (const pending of [...this.pendingJoins.values()]) {
      if (pending.roomId === roomId) pending.decide(false);
    }
  }

  /** Acks a malformed request with `(false, 'Invalid payload')` and logs it. */
  reject(socket: SignalingSocket, event: string, ack: AckFn, reason: string): void {
    this.drop(socket, event, reason);
    ack(false, INVALID_PAYLOAD);
  }

  /** Logs a payload that was dropped (never its content). */
  drop(socket: SignalingSocket, event: string, reason: string): void {
    this.metrics.rejections++;
    this.logger.warn(`dropped "${event}"`, {
      userId: socket.data.userId,
      reason: reason.slice(0, 200),
    });
  }
}
