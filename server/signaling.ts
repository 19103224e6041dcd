import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server, type ServerOptions } from 'socket.io';
import { LIMITS, type IceServer } from '../src/protocol/index.js';
import { SignalingHub, type SignalingServer, type SignalingSocket } from './hub.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { MemoryRoomStore } from './store/memory.js';
import type { RoomStore } from './store/types.js';
import { turnCredentials, type TurnConfig } from './turn.js';
import { requireRoomTokens } from './auth.js';
import { ConnectionLimiter, DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.js';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './socket-queue.js';
import { FairQueue, type FairQueueLimits } from './fair-queue.js';
import { addressOf, type TrustProxy } from './client-address.js';
import { createAdapter } from '@socket.io/redis-adapter';
import { ClusterMonitor, type ClusterTiming } from './cluster.js';
import type { RedisConnection } from './store/redis.js';

/** How long a dropped rtc-elements user keeps its room by default. */
export const DEFAULT_RECONNECT_GRACE_MS = 15_000;

export interface SignalingOptions {
  /** Room state store (in memory by default; Redis with `redis`). */
  store?: RoomStore;
  /**
   * Run as one of several nodes sharing a Redis (from `connectRedis(url)`): room and user state
   * in Redis, relays and presence between nodes over `@socket.io/redis-adapter`, and cleanup
   * after nodes that die. The caller closes the connection after `close()`.
   */
  redis?: RedisConnection | undefined;
  /** Heartbeat timing of a node on Redis (dead nodes are cleaned up within `nodeTtlMs` + `heartbeatMs`). */
  cluster?: ClusterTiming | undefined;
  /** Called when another node declared this one dead (it stalled): restart the process. */
  onFenced?: (() => void) | undefined;
  /** A logger, or a level for the built-in console logger (default 'info'). */
  logger?: Logger | LogLevel;
  /** ICE servers handed to clients on connection (none by default: no third-party servers). */
  /** ICE servers for each client: a list, or a function of the user id. */
  iceServers?: IceServer[] | ((userId: string) => IceServer[] | Promise<IceServer[]>);
  /** A TURN server with coturn's REST scheme: each client gets its own time-limited credentials. */
  turn?: TurnConfig | undefined;
  /**
   * Require room tokens: HS256 JWTs signed with this secret, claims `room`, `sub` (the user id),
   * `role` (`owner` opens, `guest` joins) and `exp`, passed as the handshake's `token`.
   */
  authSecret?: string | undefined;
  /** Per-socket packet rate and per-address connection limits (see DEFAULT_RATE_LIMITS; 0: off). */
  rateLimits?: Partial<RateLimits> | undefined;
  /** How many requests (and bytes) one socket may have waiting (see DEFAULT_QUEUE_LIMITS; 0: off). */
  queueLimits?: Partial<QueueLimits> | undefined;
  /**
   * Password hashing: jobs at once (default 1), and jobs one client address (default 64) and the
   * whole server (default 1000) may have waiting.
   */
  hashLimits?: Partial<FairQueueLimits> | undefined;
  /**
   * Reverse proxies whose X-Forwarded-For gives the client address (`TRUST_PROXY`): addresses,
   * CIDRs, `loopback` / `linklocal` / `uniquelocal`, or a number of hops. Default: none.
   */
  trustProxy?: TrustProxy;
  /** The relay / custom event of clients that name none (RTCMultiConnection's config.json). */
  messageEvent?: string | undefined;
  customEvent?: string | undefined;
  /** Origins allowed to open sockets: a list of exact origins, or '*' (default) for any. */
  allowedOrigins?: string[] | '*';
  /** Upper bound for a room's participant limit (default 1000). */
  maxParticipantsLimit?: number;
  /** Wrong room passwords one socket may try (default 10). */
  maxPasswordFailures?: number;
  /** Wrong passwords one room takes per window before refusing every try (default 100). */
  maxRoomPasswordFailures?: number;
  /** The per-room password window in ms (default 15 minutes). */
  passwordWindowMs?: number;
  /** How long a join waits for the owner's approval in an approve-joins room, in ms (default 60000). */
  approvalTimeoutMs?: number;
  /**
   * How long an rtc-elements user whose connection dropped keeps its room and id, to resume with
   * its secret (`RECONNECT_GRACE_MS`, default 15000; 0 removes users at once).
   */
  reconnectGraceMs?: number | undefined;
  /** Extra socket.io server options (path, pingInterval, ...). */
  socketOptions?: Partial<ServerOptions>;
}

/** Called with every accepted socket; `socket.handshake.query` carries the client's custom parameters. */
export type SocketHook = (socket: SignalingSocket) => void;

export interface Signaling {
  io: SignalingServer;
  hub: SignalingHub;
  /** This node's id (random per process). */
  node: string;
  /** Resolves once the node is registered (at once without Redis). */
  ready: Promise<void>;
  /**
   * Graceful shutdown: refuses new sockets, tells clients to reconnect elsewhere, takes this
   * node's users out of their rooms (other nodes hear it at once), then closes every socket.
   */
  close(): Promise<void>;
}

/**
 * Attaches RTCMultiConnection-compatible signaling to an HTTP(S) server or an existing socket.io
 * server, as the seed's `require('./Signaling-Server.js')(server, socket => {...})` does.
 */
export function attachSignaling(
  target: HttpServer | HttpsServer | Server,
  optionsOrHook?: SignalingOptions | SocketHook,
  maybeHook?: SocketHook,
): Signaling {
  const options = typeof optionsOrHook === 'function' ? {} : (optionsOrHook ?? {});
  const hook = typeof optionsOrHook === 'function' ? optionsOrHook : maybeHook;
  const logger =
    typeof options.logger === 'object' ? options.logger : createLogger(options.logger ?? 'info');
  const allowed = options.allowedOrigins ?? '*';
  const originAllowed = (origin: string | undefined) =>
    allowed === '*' || allowed.includes('*') || origin === undefined || allowed.includes(origin);
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const connections = new ConnectionLimiter(
    rateLimits.connectionsPerMinute,
    rateLimits.connectionsPerAddress,
  );
  const clientAddress = addressOf(options.trustProxy);

  let io: SignalingServer;
  if (target instanceof Server) {
    io = target as SignalingServer;
  } else if (isHttpServer(target)) {
    io = new Server(target, {
      maxHttpBufferSize: LIMITS.maxHttpBufferSize,
      allowEIO3: true,
      cors: { origin: allowed === '*' ? true : allowed, credentials: false },
      // A transport that never says which namespace it wants is dropped after 10 s (not 45).
      connectTimeout: 10_000,
      // Every transport's handshake (WebSocket or long-polling) is counted against its client
      // address here, before the server allocates anything for it.
      allowRequest: (req, callback) => {
        if (!originAllowed(req.headers.origin)) return callback('Origin not allowed', false);
        const address = clientAddress(req);
        (req as { rtcAddress?: string }).rtcAddress = address;
        if (connections.allow(address)) return callback(null, true);
        logger.warn('too many connections', { address });
        callback('Too many connections', false);
      },
      ...options.socketOptions,
    });
    io.engine.on('connection', (conn: { request: IncomingMessage; once: Once }) => {
      const address = (conn.request as { rtcAddress?: string }).rtcAddress;
      if (address !== undefined) conn.once('close', connections.opened(address));
    });
  } else {
    throw new TypeError(
      'attachSignaling needs an http.Server (the value of app.listen() or http.createServer(app)) or a socket.io Server',
    );
  }
  const redis = options.redis;
  if (redis) io.adapter(createAdapter(redis.pub, redis.sub, { key: `${redis.prefix}socket.io` }));
  const node = redis?.store.node ?? crypto.randomUUID();

  const iceServers = options.iceServers ?? [];
  const turn = options.turn;
  const staticServers = (userId: string) =>
    typeof iceServers === 'function' ? iceServers(userId) : iceServers;
  const store = redis?.store ?? options.store ?? new MemoryRoomStore();
  const authSecret = options.authSecret ? new TextEncoder().encode(options.authSecret) : undefined;
  io.use((socket, next) => {
    // `hub` exists by the time any socket connects.
    if (hub.draining) return next(new Error('Server shutting down'));
    // The client address (from allowRequest; a socket.io server passed in may not have it).
    const handshake = socket.handshake as { rtcAddress?: string };
    handshake.rtcAddress =
      (socket.request as { rtcAddress?: string }).rtcAddress ?? clientAddress(socket.request);
    next();
  });
  if (authSecret) io.use(requireRoomTokens(authSecret, store));
  const hub = new SignalingHub(io, {
    node,
    clustered: !!redis,
    rateLimits,
    queueLimits: { ...DEFAULT_QUEUE_LIMITS, ...options.queueLimits },
    hashing: new FairQueue({ concurrency: 1, perKey: 64, total: 1000, ...options.hashLimits }),
    authSecret,
    messageEvent: options.messageEvent,
    customEvent: options.customEvent,
    store,
    logger,
    iceServers: turn
      ? async (userId) => [...(await staticServers(userId)), turnCredentials(turn, userId)]
      : staticServers,
    // 0 turns a limit off.
    maxParticipantsLimit: options.maxParticipantsLimit || Number.MAX_SAFE_INTEGER,
    maxPasswordFailures: options.maxPasswordFailures ?? 10,
    maxRoomPasswordFailures: options.maxRoomPasswordFailures ?? 100,
    passwordWindowMs: options.passwordWindowMs ?? 15 * 60_000,
    approvalTimeoutMs: options.approvalTimeoutMs ?? 60_000,
    reconnectGraceMs: options.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS,
  });
  const signalingHub = hub;
  const drain = () => signalingHub.drain();
  io.on('connection', (socket) => {
    if (!signalingHub.accept(socket)) return;
    try {
      hook?.(socket);
    } catch (error) {
      logger.error('socket hook failed', { error: String(error) });
    }
  });
  const monitor = redis
    ? new ClusterMonitor(redis.store, signalingHub, logger, options.cluster ?? {}, () => {
        // Another node already removed this node's users: drop every socket so they reconnect.
        // Closing the transports (no disconnect packet) makes socket.io clients reconnect.
        void drain().then(() => {
          for (const socket of io.sockets.sockets.values()) socket.conn.close();
        });
        options.onFenced?.();
      })
    : undefined;
  const ready = monitor ? monitor.start() : Promise.resolve();
  let closing: Promise<void> | undefined;
  return {
    io,
    hub: signalingHub,
    node,
    ready,
    close: () =>
      (closing ??= (async () => {
        await ready.catch(() => undefined);
        await drain();
        // Let what was sent (the last acks, `reconnect-elsewhere`) reach the clients, then close
        // the transports; socket.io's own close would discard what is still buffered.
        await closeTransports(io, 2000);
        await monitor?.stop(signalingHub.graceCount > 0);
        await new Promise<void>((resolve) => void io.close(() => resolve()));
      })()),
  };
}

/** Closes every connection after its buffered packets are written (bounded by `ms`). */
async function closeTransports(io: SignalingServer, ms: number): Promise<void> {
  const connections = [...io.sockets.sockets.values()].map((socket) => socket.conn);
  const closed = connections.map(
    (conn) =>
      new Promise<void>((resolve) => {
        if (conn.readyState === 'closed') return resolve();
        conn.once('close', () => resolve());
        conn.close();
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(closed),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

type Once = (event: 'close', listener: () => void) => unknown;

function isHttpServer(value: unknown): value is HttpServer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as HttpServer).listen === 'function' &&
    typeof (value as HttpServer).on === 'function' &&
    typeof (value as HttpServer).address === 'function'
  );
}
