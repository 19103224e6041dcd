/**
 * rtc-elements signaling server, usable as a library:
 *
 *   import { attachSignaling } from 'rtc-elements-server';
 *   const server = app.listen(9001);
 *   attachSignaling(server, (socket) => console.log(socket.handshake.query));
 */
export {
  attachSignaling,
  type Signaling,
  type SignalingOptions,
  type SocketHook,
} from './signaling.js';
export { createApp, startServer, type AppOptions, type RunningServer } from './app.js';
export { configFromEnv, type ServerConfig } from './config.js';
export { turnCredentials, parseTurn, type TurnConfig } from './turn.js';
export {
  isFull,
  type RoomRecord,
  type RoomStore,
  type UserRecord,
  type RoomPatch,
} from './store/types.js';
export { MemoryRoomStore } from './store/memory.js';
export { connectRedis, RedisRoomStore, redactUrl, type RedisConnection } from './store/redis.js';
export type { ClusterTiming } from './cluster.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
export type { SignalingServer, SignalingSocket, SocketData } from './hub.js';
