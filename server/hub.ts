import { TokenBucket } from './rate-limit.js';
import type { RoomToken } from './auth.js';
import type { Socket } from 'socket.io';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  INVALID_PAYLOAD,
  LEGACY_ERRORS,
  type PresenceExtra,
  ROOM_ERRORS,
} from '../src/engine/signaling/protocol.js';
import {
  HubContext,
  userChannel,
  type AckFn,
  type HubOptions,
  type SignalingServer,
  type SignalingSocket,
} from './context.js';
import {
  closeEntireSession,
  disconnectWith,
  kickUser,
  participationDecision,
} from './handlers/moderation.js';
import { isValidPassword, setPassword } from './handlers/passwords.js';
import { custom, relay } from './handlers/relay.js';
import { checkPresence, getPublicRooms, joinRoom, openRoom } from './handlers/rooms.js';
import { changeUserId, remoteExtra, updateExtra } from './handlers/users.js';
import { eventNameSchema, idSchema, parseExtra } from './validation.js';

export type { HubOptions, SignalingServer, SignalingSocket, SocketData } from './context.js';

/**
 * The signaling logic: RTCMultiConnection v3's events, hardened, plus the rtc-elements room API.
 * Handlers for one socket run one at a time in arrival order, so a relay sent right behind a join
 * sees the join; each handler lives in server/handlers/.
 */
export class SignalingHub {
  readonly #ctx: HubContext;

  constructor(io: SignalingServer, options: HubOptions) {
    this.#ctx = new HubContext(io, options);
  }

  get io(): SignalingServer {
    return this.#ctx.io;
  }

  /** `/metrics` in Prometheus text format: sockets and rooms on this node, and counters. */
  metrics(): string {
    const ctx = this.#ctx;
    const rooms = new Set<string>();
    for (const socket of ctx.users.values()) if (socket.data.roomId) rooms.add(socket.data.roomId);
    return ctx.metrics.render({ sockets: ctx.users.size, rooms: rooms.size });
  }

  /** Users connected to this process. */
  get userCount(): number {
    return this.#ctx.users.size;
  }

  /** Sets up a new socket; returns false when it was refused (user id taken). */
  accept(socket: SignalingSocket): boolean {
    const ctx = this.#ctx;
    const query = socket.handshake.query as Record<string, unknown>;
    // With room tokens, the token's subject is the user id (set by the verifying middleware).
    const auth = (socket.handshake as { rtcToken?: RoomToken }).rtcToken;
    const requested = auth?.sub ?? (typeof query['userid'] === 'string' ? query['userid'] : '');
    const userId = idSchema.safeParse(requested).success ? requested : randomUserId();
    // 'system' addresses v3's presence probe: nobody may be called that (changed-uuid agrees).
    if (ctx.users.has(userId) || userId === 'system') {
      socket.emit('userid-already-taken', userId, randomUserId());
      setTimeout(() => socket.disconnect(true), 50);
      ctx.logger.debug('user id taken', { userId });
      return false;
    }
    const messageEvent = eventName(
      query['msgEvent'],
      ctx.options.messageEvent ?? DEFAULT_MESSAGE_EVENT,
    );
    const customEvent = eventName(
      query['socketCustomEvent'],
      ctx.options.customEvent ?? DEFAULT_CUSTOM_EVENT,
    );
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
        ctx.options.maxParticipantsLimit,
      ),
      passwordFailures: 0,
      modern: typeof query['rtcElements'] === 'string',
      auth,
    };
    ctx.users.set(userId, socket);
    ctx.metrics.connections++;
    void socket.join(userChannel(userId));
    this.#bind(socket);
    void Promise.resolve(ctx.options.iceServers(userId)).then(
      (servers) => socket.emit('ice-servers', servers),
      (error: unknown) => ctx.logger.error('ice servers', { error: String(error) }),
    );
    return true;
  }

  #bind(socket: SignalingSocket): void {
    const ctx = this.#ctx;
    const raw = socket as unknown as Socket;
    let chain: Promise<unknown> = Promise.resolve();
    const limits = ctx.options.rateLimits;
    const bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    let refused = 0;
    // Over its rate a socket's events are refused (acked 'Rate limited'); far over, it is cut off.
    // Other sockets never notice.
    const allowed = (ack: AckFn): boolean => {
      if (bucket.take()) {
        refused = 0;
        return true;
      }
      ctx.metrics.rejections++;
      ack(false, ROOM_ERRORS.RATE_LIMITED);
      if (++refused === 1) ctx.logger.warn('rate limited', { userId: socket.data.userId });
      if (refused >= limits.disconnectAfter) {
        ctx.logger.warn('disconnected for flooding', { userId: socket.data.userId });
        raw.disconnect(true);
      }
      return false;
    };
    // A handler that throws answers with its event's own failure shape (v3 clients read it).
    const on = (
      event: string,
      handler: (ack: AckFn, ...args: unknown[]) => unknown,
      failure: unknown[] = [false, INVALID_PAYLOAD],
    ) => {
      raw.on(event, (...args: unknown[]) => {
        // The client's ack comes last, whatever came before it (a missing or extra argument).
        const ack = ackOf(typeof args.at(-1) === 'function' ? args.pop() : undefined);
        if (!allowed(ack)) return;
        chain = chain
          .then(() => handler(ack, ...args))
          .catch((error: unknown) => {
            ctx.metrics.errors++;
            ctx.logger.error(`handler "${event}" failed`, {
              userId: socket.data.userId,
              error: String(error),
            });
            ack(...failure);
          });
      });
    };
    const absent: PresenceExtra = { _room: { isFull: false, isPasswordProtected: false } };
    on('open-room', (ack, payload) => openRoom(ctx, socket, payload, ack));
    on('join-room', (ack, payload) => joinRoom(ctx, socket, payload, ack));
    on('check-presence', (ack, roomId) => checkPresence(ctx, roomId, ack), [false, '', absent]);
    on('get-public-rooms', (ack, identifier) => getPublicRooms(ctx, identifier, ack), [
      null,
      INVALID_PAYLOAD,
    ]);
    on('set-password', (ack, password) => setPassword(ctx, socket, password, ack), [
      false,
      null,
      INVALID_PAYLOAD,
    ]);
    on(
      'is-valid-password',
      (ack, password, roomId) => isValidPassword(ctx, socket, password, roomId, ack),
      [false, '', INVALID_PAYLOAD],
    );
    on('extra-data-updated', (_ack, extra) => updateExtra(ctx, socket, extra));
    on('get-remote-user-extra-data', (ack, userId) => remoteExtra(ctx, socket, userId, ack), [
      LEGACY_ERRORS.USERID_NOT_AVAILABLE,
    ]);
    on('changed-uuid', (ack, userId) => changeUserId(ctx, socket, userId, ack));
    on('close-entire-session', (ack) => closeEntireSession(ctx, socket, ack));
    on('kick-user', (ack, userId) => kickUser(ctx, socket, userId, ack));
    on('disconnect-with', (ack, userId) => disconnectWith(ctx, socket, userId, ack), []);
    on('participation-decision', (_ack, userId, accepted) =>
      participationDecision(ctx, socket, userId, accepted),
    );
    on(socket.data.messageEvent, (ack, envelope) => relay(ctx, socket, envelope, ack));
    const customEvent = socket.data.customEvent;
    if (customEvent) on(customEvent, (_ack, message) => custom(ctx, socket, customEvent, message));
    on('disconnect', () => this.#disconnect(socket));
  }

  async #disconnect(socket: SignalingSocket): Promise<void> {
    const ctx = this.#ctx;
    await ctx.leaveRoom(socket);
    if (ctx.users.get(socket.data.userId) === socket) ctx.users.delete(socket.data.userId);
  }
}

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
