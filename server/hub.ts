import { randomBytes } from 'node:crypto';
import type { RoomToken } from './auth.js';
import type { Socket } from 'socket.io';
import { SYSTEM_USER, readHandshake } from '../src/protocol/index.js';
import { HubContext } from './context.js';
import { lobbyChannel, relayEventChannel, roomChannel, userChannel } from './channels.js';
import type { HubOptions, SignalingServer, SignalingSocket } from './types.js';
import { rejoinTree } from './handlers/broadcast.js';
import { leavePendingBroadcast } from './handlers/legacy-broadcast.js';
import { Inbound } from './inbound.js';
import { sha256 } from './passwords.js';
import type { UserRecord } from './store/types.js';
import type { TreeState } from './broadcast/tree.js';
import { leaveRoom, removeFromRoom } from './leaving.js';
import { startGrace } from './grace.js';

export type { HubOptions, SignalingServer, SignalingSocket, SocketData } from './types.js';

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

  /** Rooms in the store (every node's, with Redis). */
  roomCount(): Promise<number> {
    return this.#ctx.store.size();
  }

  /**
   * A broadcast's relay tree as the store holds it (every node's, with Redis); undefined for a
   * room that is no broadcast or is gone.
   */
  broadcastTree(roomId: string): Promise<TreeState | undefined> {
    return this.#ctx.store.getTree(roomId);
  }

  /** Users whose connection dropped, kept in their rooms by this node for now. */
  get graceCount(): number {
    return this.#ctx.graceTimers.size;
  }

  /** Users connected to this process. */
  get userCount(): number {
    return this.#ctx.users.size;
  }

  /** True while this node shuts down: new sockets are refused. */
  get draining(): boolean {
    return this.#draining;
  }

  #draining = false;

  /**
   * Sets up a new socket. Returns false when its user id is taken on this node (the socket is
   * told and closed); otherwise the id is then claimed in the store (every node), and the
   * socket's events wait for that: refused there, it is told and closed the same way.
   */
  accept(socket: SignalingSocket): boolean {
    const ctx = this.#ctx;
    const query = socket.handshake.query as Record<string, unknown>;
    // With room tokens, the token's subject is the user id (set by the verifying middleware).
    const auth = (socket.handshake as { rtcToken?: RoomToken }).rtcToken;
    const { userId: requested, ...handshake } = readHandshake(
      { ...query, userid: auth?.sub ?? query['userid'] },
      ctx.options,
    );
    const userId = requested ?? randomUserId();
    const { messageEvent } = handshake;
    socket.data = {
      ...handshake,
      userId,
      roomId: undefined,
      passwordFailures: 0,
      auth,
      address: (socket.handshake as { rtcAddress?: string }).rtcAddress ?? socket.handshake.address,
    };
    // Before any of its events: custom events are never delivered on this socket's relay event.
    void socket.join(relayEventChannel(messageEvent));
    if (socket.data.lobby) void socket.join(lobbyChannel(socket.data.lobby));
    // A client that held this id before proves it with the secret the server gave it then
    // (`resume`); it takes its id and room back (see `resume`).
    const proof = socket.data.modern && typeof query['resume'] === 'string' ? query['resume'] : '';
    // 'system' addresses v3's presence probe: nobody may be called that (changed-uuid agrees).
    // Without a proof, an id held on this node is refused at once; otherwise it is claimed in
    // the store (every node), and the socket's events wait for that.
    const free = userId !== SYSTEM_USER && (!ctx.users.has(userId) || proof !== '');
    const accepted = (free ? this.#claim(socket, proof) : Promise.resolve(undefined))
      .catch((error: unknown) => {
        ctx.logger.error('cannot register user', { userId, error: String(error) });
        return undefined;
      })
      .then(async (session) => {
        if (session) {
          this.#welcome(socket, session);
          // Back in a broadcast: into its tree again (after `session`, before the socket's events).
          if (session.resumed) await this.#rejoinTree(socket);
          return true;
        }
        socket.emit('userid-already-taken', userId, randomUserId());
        setTimeout(() => socket.disconnect(true), 50);
        ctx.logger.debug('user id taken', { userId });
        return false;
      });
    this.#bind(socket, accepted);
    return free;
  }

  /**
   * Registers the socket's user id: resumed with a valid proof (the old socket, if still open
   * anywhere, gives way; the room is kept), or claimed fresh. Undefined when the id is taken.
   */
  async #claim(
    socket: SignalingSocket,
    proof: string,
  ): Promise<{ token: string; resumed: boolean } | undefined> {
    const ctx = this.#ctx;
    const data = socket.data;
    const userId = data.userId;
    const token = data.modern ? randomBytes(24).toString('base64url') : '';
    const record = (): UserRecord => ({
      userId,
      node: ctx.options.node,
      sid: socket.id,
      event: data.messageEvent,
      extra: data.extra,
      room: '',
      modern: data.modern,
      token: token && sha256(token),
      graceUntil: 0,
      role: data.auth?.role ?? '',
    });
    if (proof) {
      const previous = await ctx.store.resumeUser(record(), sha256(proof));
      if (previous) {
        if (!previous.graceUntil) ctx.send({ type: 'replaced', userId, sid: previous.sid });
        clearTimeout(ctx.graceTimers.get(userId));
        ctx.graceTimers.delete(userId);
        ctx.users.set(userId, socket);
        data.roomId = previous.room || undefined;
        ctx.metrics.resumes++;
        return { token, resumed: true };
      }
      if (ctx.users.has(userId)) return undefined;
    }
    // Held here at once, so a second socket asking meanwhile finds it taken.
    if (ctx.users.has(userId)) return undefined;
    ctx.users.set(userId, socket);
    if (await ctx.store.claimUser(record())) return { token, resumed: false };
    if (ctx.users.get(userId) === socket) ctx.users.delete(userId);
    return undefined;
  }

  #welcome(socket: SignalingSocket, session: { token: string; resumed: boolean }): void {
    const ctx = this.#ctx;
    const userId = socket.data.userId;
    ctx.metrics.connections++;
    // First of all, rtc-elements clients learn whether they resumed, and their next secret.
    if (socket.data.modern) {
      socket.emit('session', {
        resumeToken: session.token,
        resumed: session.resumed,
        roomId: socket.data.roomId ?? '',
        graceMs: ctx.options.reconnectGraceMs,
      });
    }
    void socket.join(userChannel(userId));
    if (socket.data.roomId) void socket.join(roomChannel(socket.data.roomId));
    void Promise.resolve(ctx.options.iceServers(userId)).then(
      (servers) => socket.emit('ice-servers', servers),
      (error: unknown) => ctx.logger.error('ice servers', { error: String(error) }),
    );
  }

  /** A resumed socket in a broadcast whose tree it left when its connection dropped. */
  async #rejoinTree(socket: SignalingSocket): Promise<void> {
    const { roomId, userId } = socket.data;
    if (!roomId) return;
    try {
      await rejoinTree(this.#ctx, roomId, userId);
    } catch (error) {
      this.#ctx.logger.error('cannot place a resumed member', { userId, error: String(error) });
    }
  }

  /**
   * Shutting down: refuses new sockets, tells every client of this node to reconnect elsewhere
   * (`reconnect-elsewhere`), and takes its users out of their rooms so the other nodes see them
   * go at once. The caller then closes socket.io, which drops the transports (socket.io clients
   * reconnect by themselves; a load balancer sends them to another node).
   */
  async drain(retryAfterMs = 0): Promise<void> {
    const ctx = this.#ctx;
    this.#draining = true;
    const sockets = [...new Set(ctx.users.values())];
    for (const socket of sockets) socket.emit('reconnect-elsewhere', { retryAfterMs });
    // Joins waiting for an owner's decision would hold their socket's queue: refuse them.
    for (const pending of [...ctx.pendingJoins.values()]) pending.decide(false);
    // With other nodes to go to, users keep their rooms for the grace period (they resume
    // there); a lone node's users leave (its rooms go with it).
    const reason = ctx.options.clustered ? 'transport close' : 'server shutting down';
    await Promise.allSettled(
      sockets.map((socket) => this.#leave.get(socket)?.(reason) ?? Promise.resolve()),
    );
    if (!ctx.options.clustered) {
      for (const timer of ctx.graceTimers.values()) clearTimeout(timer);
      ctx.graceTimers.clear();
    }
  }

  /** Users of a node that died: out of their rooms (the others hear it), then forgotten. */
  async removeUsersOf(users: UserRecord[]): Promise<void> {
    const ctx = this.#ctx;
    const grace = ctx.options.reconnectGraceMs;
    for (const user of users) {
      // Users who can resume keep their rooms for the grace period (counted from when their
      // connection dropped, if it had); this node ends it. (A broadcast heals at once.)
      if (grace > 0 && user.modern && user.room) {
        const until = user.graceUntil || Date.now() + grace;
        if (await startGrace(ctx, user, until)) continue;
      }
      if (user.room) await removeFromRoom(ctx, user.room, user.userId, user.extra);
      await ctx.store.releaseUser(user.userId, user.sid);
    }
  }

  #bind(socket: SignalingSocket, accepted: Promise<boolean>): void {
    const ctx = this.#ctx;
    const inbound = new Inbound(ctx, socket, accepted);
    const raw = socket as unknown as Socket;
    raw.use((packet, next) => inbound.packet(packet, next));
    const leave = (reason: string) =>
      inbound.close(() =>
        this.#disconnect(socket, reason).catch((error: unknown) => {
          ctx.metrics.errors++;
          ctx.logger.error('disconnect failed', {
            userId: socket.data.userId,
            error: String(error),
          });
        }),
      );
    this.#leave.set(socket, leave);
    raw.on('disconnect', (reason: string) => void leave(reason));
  }

  /** How each socket leaves, in its own queue (for drain). */
  readonly #leave = new WeakMap<SignalingSocket, (reason: string) => Promise<unknown>>();

  async #disconnect(socket: SignalingSocket, reason: string): Promise<void> {
    await leavePendingBroadcast(this.#ctx, socket);
    const ctx = this.#ctx;
    const userId = socket.data.userId;
    if (ctx.users.get(userId) !== socket) return;
    // A connection that dropped (not one the client or the server closed on purpose): an
    // rtc-elements user keeps its room and id for the grace period, to resume (a broadcast's
    // relay tree heals at once, see `startGrace`).
    const dropped = !INTENTIONAL.has(reason);
    if (dropped && socket.data.modern && socket.data.roomId && ctx.options.reconnectGraceMs > 0) {
      ctx.users.delete(userId);
      const user = { userId, sid: socket.id, room: socket.data.roomId };
      await startGrace(ctx, user, Date.now() + ctx.options.reconnectGraceMs);
      return;
    }
    await leaveRoom(ctx, socket);
    // The socket may have been renamed while leaving.
    ctx.users.delete(socket.data.userId);
    await ctx.store.releaseUser(socket.data.userId, socket.id);
  }
}

/** socket.io's reasons for a disconnect that was meant (the client left, or was sent away). */
const INTENTIONAL = new Set([
  'client namespace disconnect',
  'server namespace disconnect',
  'server shutting down',
  'forced server close',
]);

function randomUserId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 20);
}
