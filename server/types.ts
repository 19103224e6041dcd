import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  Extra,
  IceServer,
  ServerToClientEvents,
} from '../src/protocol/index.js';
import type { Logger } from './log.js';
import type { RoomStore } from './store/types.js';
import type { RoomToken } from './auth.js';
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
