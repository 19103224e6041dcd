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
import type { RoomStore } from './rooms.js';

/** Per-socket state, kept on `socket.data`. */
import type { RoomToken } from './auth.js';
import { Metrics } from './metrics.js';
import type { RateLimits } from './rate-limit.js';

export interface SocketData {
  userId: string;
  extra: Extra;
  roomId: string | undefined;
  messageEvent: string;
  /** The room-scoped custom event; undefined when its name would collide with the relay event. */
  customEvent: string | undefined;
  autoClose: boolean;
  maxParticipants: number;
  passwordFailures: number;
  /** An rtc-elements client (handshake `rtcElements`), which understands the protocol's additions. */
  modern: boolean;
  /** The verified room token (`token` in the handshake), when the server requires them. */
  auth?: RoomToken | undefined;
}

export type SignalingServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface HubOptions {
  store: RoomStore;
  logger: Logger;
  iceServers: (userId: string) => IceServer[] | Promise<IceServer[]>;
  /** Per-socket and per-address limits. */
  rateLimits: RateLimits;
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
export const roomChannel = (roomId: string) => `room:${roomId}`;

/**
 * What every handler shares: the socket.io server, options, the users connected to this process,
 * joins waiting for approval, and the operations several handlers need (leaving a room,
 * delivering a relay, logging a dropped payload).
 */
export class HubContext {
  readonly io: SignalingServer;
  readonly options: HubOptions;
  /** Users connected to this process, by user id. */
  readonly users = new Map<string, SignalingSocket>();
  /** Joins waiting for an owner's decision, by joining user id. */
  readonly pendingJoins = new Map<string, PendingJoin>();
  /** Recent renames, old id -> new id, so relays already on their way to the old id arrive. */
  readonly renamed = new Map<string, { userId: string; until: number }>();
  /** Wrong-password counts per room: `{count, since}`. */
  readonly roomGuesses = new Map<string, { count: number; since: number }>();
  /** Counters for `/metrics`. */
  readonly metrics = new Metrics();

  constructor(io: SignalingServer, options: HubOptions) {
    this.io = io;
    this.options = options;
  }

  get store(): RoomStore {
    return this.options.store;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** The current id of a user who renamed within the last 30 s, else the id itself. */
  currentId(userId: string): string {
    const alias = this.renamed.get(userId);
    if (!alias) return userId;
    if (alias.until < Date.now()) {
      this.renamed.delete(userId);
      return userId;
    }
    return this.currentId(alias.userId);
  }

  /** Emits a relay envelope to a user on that user's own relay event. */
  deliver(target: string, envelope: RelayEnvelope<unknown>): void {
    const socket = this.users.get(target);
    if (!socket) return;
    this.metrics.relayed++;
    (socket as unknown as Socket).emit(socket.data.messageEvent, envelope);
  }

  /**
   * Takes the socket out of its room: tells the others, moves ownership (announced to everyone)
   * or closes the room for everyone.
   */
  async leaveRoom(socket: SignalingSocket): Promise<void> {
    const data = socket.data;
    const roomId = data.roomId;
    if (!roomId) return;
    data.roomId = undefined;
    await socket.leave(roomChannel(roomId));
    const outcome = await this.store.leave(roomId, data.userId);
    this.io.to(roomChannel(roomId)).emit('user-disconnected', data.userId);
    if (outcome.newOwner) this.announceOwner(roomId, outcome.newOwner);
    if (outcome.closed) await this.evict(roomId, outcome.remaining, data.extra);
    if (!outcome.room) this.forgetRoom(roomId);
  }

  /** A room is gone: waiting joins are refused and its wrong-guess count is dropped. */
  forgetRoom(roomId: string): void {
    this.endPendingJoins(roomId);
    this.roomGuesses.delete(roomId);
  }

  /** Remembers a rename for 30 s (dropping aliases that have expired). */
  rememberRename(from: string, to: string): void {
    const now = Date.now();
    for (const [id, alias] of this.renamed) if (alias.until < now) this.renamed.delete(id);
    this.renamed.set(from, { userId: to, until: now + 30_000 });
    this.renamed.delete(to);
  }

  /** Tells a room its new owner: `owner-changed` to everyone, v3's `set-isInitiator-true` to it. */
  announceOwner(roomId: string, owner: string): void {
    this.io.to(roomChannel(roomId)).emit('owner-changed', roomId, owner);
    this.io.to(userChannel(owner)).emit('set-isInitiator-true', roomId);
    // Joins that were waiting for the old owner now wait for the new one.
    for (const pending of this.pendingJoins.values()) {
      if (pending.roomId === roomId) {
        this.io.to(userChannel(owner)).emit('participation-request', pending.userId, pending.extra);
      }
    }
  }

  /** Everyone still in a closed room gets `closed-entire-session` and is taken out of it. */
  async evict(roomId: string, members: string[], ownerExtra: Extra): Promise<void> {
    for (const userId of members) {
      const member = this.users.get(userId);
      if (member?.data.roomId !== roomId) continue;
      member.emit('closed-entire-session', roomId, ownerExtra);
      member.data.roomId = undefined;
      await member.leave(roomChannel(roomId));
    }
    this.forgetRoom(roomId);
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
