import type { Socket } from 'socket.io';
import { INVALID_PAYLOAD, type RelayEnvelope } from '../src/protocol/index.js';
import type { Logger } from './log.js';
import type { RoomStore, UserRecord } from './store/types.js';
import { Metrics } from './metrics.js';
import { userChannel } from './channels.js';
import { applyCommand } from './node-commands.js';
import type {
  AckFn,
  HubOptions,
  NodeCommand,
  PendingJoin,
  SignalingServer,
  SignalingSocket,
} from './types.js';

/**
 * What every handler shares: the socket.io server, options, the users connected to this node,
 * joins waiting for approval and grace timers on this node, and the operations every handler
 * needs (delivering a relay, telling every node, logging a dropped payload). Everything about a
 * user or room that other nodes must see lives in the store. Leaving a room is in `leaving.ts`,
 * grace periods in `grace.ts`, what other nodes' commands do here in `node-commands.ts`.
 */
export class HubContext {
  readonly io: SignalingServer;
  readonly options: HubOptions;
  /** Users connected to this node, by user id. */
  readonly users = new Map<string, SignalingSocket>();
  /** Joins waiting for an owner's decision, by joining user id. */
  readonly pendingJoins = new Map<string, PendingJoin>();
  /** Grace timers of users whose connection dropped, by user id. */
  readonly graceTimers = new Map<string, NodeJS.Timeout>();
  /** Counters for `/metrics`. */
  readonly metrics = new Metrics();

  constructor(io: SignalingServer, options: HubOptions) {
    this.io = io;
    this.options = options;
    io.on('rtc-node', (command) => applyCommand(this, command));
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
    applyCommand(this, command);
    if (this.options.clustered) this.io.serverSideEmit('rtc-node', command);
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
