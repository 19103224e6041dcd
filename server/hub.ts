import type { Server, Socket } from 'socket.io';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  INVALID_PAYLOAD,
  LEGACY_ERRORS,
  LIMITS,
  isRecord,
  type ClientToServerEvents,
  type Extra,
  type IceServer,
  type PresenceExtra,
  type RelayEnvelope,
  type ServerToClientEvents,
} from '../src/engine/signaling/protocol.js';
import type { Logger } from './log.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { isFull, type RoomRecord, type RoomStore } from './rooms.js';
import {
  envelopeSchema,
  eventNameSchema,
  extraSchema,
  idSchema,
  jsonSize,
  parseExtra,
  roomRequestSchema,
} from './validation.js';

/** Per-socket state, kept on `socket.data`. */
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
type AnySocket = Socket;

export interface HubOptions {
  store: RoomStore;
  logger: Logger;
  iceServers: () => IceServer[] | Promise<IceServer[]>;
  /** Upper bound for a room's `maxParticipantsAllowed` (default 1000). */
  maxParticipantsLimit: number;
  /** Wrong passwords a socket may try before it is refused outright. */
  maxPasswordFailures: number;
}

const userChannel = (userId: string) => `user:${userId}`;
const roomChannel = (roomId: string) => `room:${roomId}`;

/**
 * The signaling logic: RTCMultiConnection v3's events, hardened. The sender of a relay is the
 * socket's own identity, relays stay inside a room, every payload is validated, and handlers
 * for one socket run one at a time in arrival order.
 */
export class SignalingHub {
  readonly io: SignalingServer;
  readonly #options: HubOptions;
  /** Users connected to this process, by user id. */
  readonly #users = new Map<string, SignalingSocket>();

  constructor(io: SignalingServer, options: HubOptions) {
    this.io = io;
    this.#options = options;
  }

  get userCount(): number {
    return this.#users.size;
  }

  /** Sets up a new socket; returns false when it was refused (user id taken). */
  accept(socket: SignalingSocket): boolean {
    const query = socket.handshake.query as Record<string, unknown>;
    const requested = typeof query['userid'] === 'string' ? query['userid'] : '';
    const userId = idSchema.safeParse(requested).success ? requested : randomUserId();
    if (this.#users.has(userId)) {
      socket.emit('userid-already-taken', userId, randomUserId());
      setTimeout(() => socket.disconnect(true), 50);
      this.#options.logger.debug('user id taken', { userId });
      return false;
    }
    const messageEvent = eventName(query['msgEvent'], DEFAULT_MESSAGE_EVENT);
    const customEvent = eventName(query['socketCustomEvent'], DEFAULT_CUSTOM_EVENT);
    const rawMax = query['maxParticipantsAllowed'];
    const max = typeof rawMax === 'string' ? Number.parseInt(rawMax, 10) : Number.NaN;
    socket.data = {
      userId,
      extra: parseExtra(query['extra']),
      roomId: undefined,
      messageEvent,
      // Never the relay event's own name: fall back to the default, or none if that is taken too.
      customEvent:
        customEvent !== messageEvent
          ? customEvent
          : DEFAULT_CUSTOM_EVENT !== messageEvent
            ? DEFAULT_CUSTOM_EVENT
            : undefined,
      autoClose: query['autoCloseEntireSession'] === 'true',
      maxParticipants: Math.min(
        Number.isFinite(max) && max > 0 ? max : 1000,
        this.#options.maxParticipantsLimit,
      ),
      passwordFailures: 0,
    };
    this.#users.set(userId, socket);
    void socket.join(userChannel(userId));
    this.#bind(socket);
    void Promise.resolve(this.#options.iceServers()).then(
      (servers) => socket.emit('ice-servers', servers),
      (error: unknown) => this.#options.logger.error('ice servers', { error: String(error) }),
    );
    return true;
  }

  #bind(socket: SignalingSocket): void {
    const raw = socket as unknown as AnySocket;
    let chain: Promise<unknown> = Promise.resolve();
    // Handlers run one at a time per socket, so a relay sent right after a join sees the join.
    // A handler that throws answers with its event's own failure shape (v3 clients read it).
    const on = (
      event: string,
      handler: (ack: AckFn, ...args: unknown[]) => unknown,
      failure: unknown[] = [false, INVALID_PAYLOAD],
    ) => {
      raw.on(event, (...args: unknown[]) => {
        // The client's ack comes last, whatever came before it (a missing or extra argument).
        const ack = ackOf(typeof args.at(-1) === 'function' ? args.pop() : undefined);
        chain = chain
          .then(() => handler(ack, ...args))
          .catch((error: unknown) => {
            this.#options.logger.error(`handler "${event}" failed`, {
              userId: socket.data.userId,
              error: String(error),
            });
            ack(...failure);
          });
      });
    };
    const absent: PresenceExtra = { _room: { isFull: false, isPasswordProtected: false } };
    on('open-room', (ack, payload) => this.#openRoom(socket, payload, ack));
    on('join-room', (ack, payload) => this.#joinRoom(socket, payload, ack));
    on('check-presence', (ack, roomId) => this.#checkPresence(roomId, ack), [false, '', absent]);
    on('extra-data-updated', (_ack, extra) => this.#updateExtra(socket, extra));
    on('get-remote-user-extra-data', (ack, userId) => this.#remoteExtra(socket, userId, ack), [
      LEGACY_ERRORS.USERID_NOT_AVAILABLE,
    ]);
    on(socket.data.messageEvent, (ack, envelope) => this.#relay(socket, envelope, ack));
    const customEvent = socket.data.customEvent;
    if (customEvent) on(customEvent, (_ack, message) => this.#custom(socket, customEvent, message));
    on('disconnect', () => this.#disconnect(socket));
  }

  async #openRoom(socket: SignalingSocket, payload: unknown, ack: AckFn): Promise<void> {
    const parsed = roomRequestSchema.safeParse(payload);
    if (!parsed.success) return this.#reject(socket, 'open-room', ack, parsed.error.message);
    const request = parsed.data;
    const data = socket.data;
    const store = this.#options.store;
    // Re-opening the room you are in leaves it first (v3 does); any other room is left only once
    // the new one exists, so a refused open never costs the user its room.
    const reopening = data.roomId === request.sessionid;
    if (reopening) await this.#leaveRoom(socket);
    const existing = await store.get(request.sessionid);
    if (existing && existing.participants.length > 0) {
      ack(false, LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
      return;
    }
    const extra = request.extra ?? data.extra;
    const session = request.session ?? { audio: true, video: true };
    const room: RoomRecord = {
      id: request.sessionid,
      owner: data.userId,
      participants: [data.userId],
      maxParticipants: data.maxParticipants,
      extra,
      session,
      passwordHash: request.password ? await hashPassword(request.password) : undefined,
      identifier: request.identifier ?? '',
      autoClose: data.autoClose || !!session['oneway'] || !!session['broadcast'],
      createdAt: Date.now(),
    };
    if (!(await store.create(room))) {
      ack(false, LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
      return;
    }
    if (!reopening) await this.#leaveRoom(socket);
    data.extra = extra;
    data.roomId = room.id;
    await socket.join(roomChannel(room.id));
    ack(true);
  }

  async #joinRoom(socket: SignalingSocket, payload: unknown, ack: AckFn): Promise<void> {
    const parsed = roomRequestSchema.safeParse(payload);
    if (!parsed.success) return this.#reject(socket, 'join-room', ack, parsed.error.message);
    const request = parsed.data;
    const data = socket.data;
    if (data.roomId === request.sessionid) {
      ack(true);
      return;
    }
    const store = this.#options.store;
    const room = await store.get(request.sessionid);
    if (!room || room.participants.length === 0) {
      ack(false, LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
      return;
    }
    if (room.passwordHash) {
      const ok =
        data.passwordFailures < this.#options.maxPasswordFailures &&
        (await verifyPassword(request.password ?? '', room.passwordHash));
      if (!ok) {
        data.passwordFailures++;
        ack(false, LEGACY_ERRORS.INVALID_PASSWORD);
        return;
      }
    }
    if (isFull(room)) {
      ack(false, LEGACY_ERRORS.ROOM_FULL);
      return;
    }
    const outcome = await store.join(room.id, data.userId);
    if (!outcome.ok) {
      ack(
        false,
        outcome.reason === 'full' ? LEGACY_ERRORS.ROOM_FULL : LEGACY_ERRORS.ROOM_NOT_AVAILABLE,
      );
      return;
    }
    // Only now, inside the new room, leave the current one.
    await this.#leaveRoom(socket);
    if (request.extra) data.extra = request.extra;
    data.roomId = room.id;
    await socket.join(roomChannel(room.id));
    // Everyone learns about everyone once: members about the joiner, the joiner about members.
    socket.to(roomChannel(room.id)).emit('user-connected', data.userId, data.extra);
    for (const member of outcome.room.participants) {
      if (member === data.userId) continue;
      socket.emit('user-connected', member, this.#users.get(member)?.data.extra ?? {});
    }
    ack(true);
  }

  async #checkPresence(roomId: unknown, ack: AckFn): Promise<void> {
    const id = typeof roomId === 'string' || typeof roomId === 'number' ? String(roomId) : '';
    const room = idSchema.safeParse(id).success ? await this.#options.store.get(id) : undefined;
    if (!room || room.participants.length === 0) {
      const absent: PresenceExtra = { _room: { isFull: false, isPasswordProtected: false } };
      ack(false, id, absent);
      return;
    }
    const extra: PresenceExtra = {
      ...room.extra,
      _room: { isFull: isFull(room), isPasswordProtected: !!room.passwordHash },
    };
    ack(true, id, extra);
  }

  async #updateExtra(socket: SignalingSocket, extra: unknown): Promise<void> {
    const parsed = extraSchema.safeParse(extra);
    if (!parsed.success) return this.#drop(socket, 'extra-data-updated', parsed.error.message);
    const data = socket.data;
    data.extra = parsed.data;
    if (!data.roomId) return;
    const room = await this.#options.store.get(data.roomId);
    if (room?.owner === data.userId)
      await this.#options.store.update(room.id, { extra: parsed.data });
    socket.to(roomChannel(data.roomId)).emit('extra-data-updated', data.userId, parsed.data);
  }

  async #remoteExtra(socket: SignalingSocket, userId: unknown, ack: AckFn): Promise<void> {
    const target = typeof userId === 'string' ? this.#users.get(userId) : undefined;
    // Only users who share a room with the caller are visible.
    if (!target || !socket.data.roomId || target.data.roomId !== socket.data.roomId) {
      ack(LEGACY_ERRORS.USERID_NOT_AVAILABLE);
      return;
    }
    ack(target.data.extra);
  }

  async #relay(socket: SignalingSocket, payload: unknown, ack: AckFn): Promise<void> {
    const parsed = envelopeSchema.safeParse(payload);
    if (!parsed.success) return this.#drop(socket, 'relay', parsed.error.message);
    if (jsonSize(parsed.data.message) > LIMITS.relayBytes)
      return this.#drop(socket, 'relay', 'message too large');
    const { remoteUserId, message } = parsed.data;
    const data = socket.data;
    // v3's presence probe (`remoteUserId: 'system'`), limited to the caller's room.
    if (remoteUserId === 'system' && isRecord(message) && message['detectPresence']) {
      const who = typeof message['userid'] === 'string' ? message['userid'] : '';
      const peer = this.#users.get(who);
      ack(!!peer && who !== data.userId && !!data.roomId && peer.data.roomId === data.roomId, who);
      return;
    }
    if (!data.roomId) return this.#drop(socket, 'relay', 'sender is in no room');
    const room = await this.#options.store.get(data.roomId);
    if (!room || !room.participants.includes(data.userId))
      return this.#drop(socket, 'relay', 'sender left');
    const envelope = (target: string): RelayEnvelope<unknown> => ({
      remoteUserId: target,
      sender: data.userId,
      message,
      extra: data.extra,
    });
    if (
      remoteUserId === room.id &&
      isRecord(message) &&
      message['newParticipationRequest'] === true
    ) {
      // A join request fans out to the members (only to the owner in one-way rooms).
      const oneWay = !!room.session['oneway'] || !!room.session['broadcast'];
      const targets = oneWay ? [room.owner] : room.participants;
      for (const target of targets)
        if (target !== data.userId) this.#deliver(target, envelope(target));
      return;
    }
    if (remoteUserId === data.userId || !room.participants.includes(remoteUserId)) {
      socket.emit('user-not-found', remoteUserId);
      return this.#drop(socket, 'relay', 'target is not in the room');
    }
    this.#deliver(remoteUserId, envelope(remoteUserId));
  }

  async #custom(socket: SignalingSocket, event: string, message: unknown): Promise<void> {
    const data = socket.data;
    if (!data.roomId) return this.#drop(socket, event, 'sender is in no room');
    if (jsonSize(message) > LIMITS.relayBytes)
      return this.#drop(socket, event, 'message too large');
    // Unlike v3 (every socket on the server), custom events stay inside the sender's room.
    (socket as unknown as AnySocket).to(roomChannel(data.roomId)).emit(event, message);
  }

  async #disconnect(socket: SignalingSocket): Promise<void> {
    await this.#leaveRoom(socket);
    if (this.#users.get(socket.data.userId) === socket) this.#users.delete(socket.data.userId);
  }

  /** Removes the socket from its room: tells the others, moves ownership or closes the room. */
  async #leaveRoom(socket: SignalingSocket): Promise<void> {
    const data = socket.data;
    const roomId = data.roomId;
    if (!roomId) return;
    data.roomId = undefined;
    await socket.leave(roomChannel(roomId));
    const outcome = await this.#options.store.leave(roomId, data.userId);
    this.io.to(roomChannel(roomId)).emit('user-disconnected', data.userId);
    if (outcome.newOwner) {
      this.io.to(userChannel(outcome.newOwner)).emit('set-isInitiator-true', roomId);
    }
    if (outcome.closed) {
      const raw = this.io as unknown as Server;
      raw.to(roomChannel(roomId)).emit('closed-entire-session', roomId, data.extra);
      for (const userId of outcome.remaining) {
        const member = this.#users.get(userId);
        if (member?.data.roomId === roomId) {
          member.data.roomId = undefined;
          await member.leave(roomChannel(roomId));
        }
      }
    }
  }

  #deliver(target: string, envelope: RelayEnvelope<unknown>): void {
    const socket = this.#users.get(target);
    if (!socket) return;
    (socket as unknown as AnySocket).emit(socket.data.messageEvent, envelope);
  }

  #reject(socket: SignalingSocket, event: string, ack: AckFn, reason: string): void {
    this.#drop(socket, event, reason);
    ack(false, INVALID_PAYLOAD);
  }

  #drop(socket: SignalingSocket, event: string, reason: string): void {
    this.#options.logger.warn(`dropped "${event}"`, {
      userId: socket.data.userId,
      reason: reason.slice(0, 200),
    });
  }
}

type AckFn = (...args: unknown[]) => void;

function ackOf(ack: unknown): AckFn {
  return typeof ack === 'function'
    ? (...args: unknown[]) => safeAck(ack as AckFn, ...args)
    : () => undefined;
}

function safeAck(ack: AckFn, ...args: unknown[]): void {
  try {
    ack(...args);
  } catch {
    // A client-side ack that cannot be delivered is not our failure.
  }
}

function eventName(raw: unknown, fallback: string): string {
  return typeof raw === 'string' && eventNameSchema.safeParse(raw).success ? raw : fallback;
}

function randomUserId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 20);
}
