import type { SignalingHub } from './hub.js';
import type { Logger } from './log.js';
import type { RedisRoomStore } from './store/redis.js';

export interface ClusterTiming {
  /** How often a node renews its heartbeat and looks for dead nodes (default 2000 ms). */
  heartbeatMs?: number;
  /** How long a heartbeat lasts: a node silent that long is dead (default 6000 ms). */
  nodeTtlMs?: number;
}

/**
 * Keeps a node alive in Redis and cleans up after nodes that died: every `heartbeatMs` it renews
 * its own heartbeat and claims nodes whose heartbeat expired (each dead node is claimed by one
 * live node); their users are taken out of their rooms, which tells the others and moves
 * ownership. A node that finds it was declared dead (it stalled longer than `nodeTtlMs`) calls
 * `onFenced`: its sockets' room state is gone, so they must reconnect.
 */
export class ClusterMonitor {
  readonly #store: RedisRoomStore;
  readonly #hub: SignalingHub;
  readonly #logger: Logger;
  readonly #heartbeatMs: number;
  readonly #ttlMs: number;
  readonly #onFenced: () => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  #fenced = false;

  constructor(
    store: RedisRoomStore,
    hub: SignalingHub,
    logger: Logger,
    timing: ClusterTiming,
    onFenced: () => void,
  ) {
    this.#store = store;
    this.#hub = hub;
    this.#logger = logger;
    this.#heartbeatMs = timing.heartbeatMs ?? 2000;
    this.#ttlMs = timing.nodeTtlMs ?? 6000;
    this.#onFenced = onFenced;
  }

  /** Registers the node (first heartbeat) and starts the loop. */
  async start(): Promise<void> {
    await this.#tick();
  }

  async #tick(): Promise<void> {
    this.#running = this.#beat();
    await this.#running;
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#tick(), this.#heartbeatMs);
  }

  async #beat(): Promise<void> {
    try {
      if (!(await this.#store.heartbeat(this.#ttlMs))) {
        if (!this.#fenced) {
          this.#fenced = true;
          this.#logger.error('this node was declared dead by another node; closing its sockets', {
            node: this.#store.node,
          });
          this.#onFenced();
        }
        return;
      }
      // The claim outlives any cleanup, and tells a stalled node that comes back it was dead.
      for (const node of await this.#store.claimDeadNodes(Math.max(60_000, this.#ttlMs * 10))) {
        const users = await this.#store.nodeUsers(node);
        await this.#hub.removeUsersOf(users);
        await this.#store.forgetNode(node);
        this.#logger.warn('cleaned up after a dead node', { node, users: users.length });
      }
    } catch (error) {
      this.#logger.error('cluster heartbeat failed', { error: String(error) });
    }
  }

  /**
   * Stops the loop and unregisters the node, unless users in a grace period are left on it: then
   * it just goes silent, and another node takes them over as from a dead node.
   */
  async stop(keepUsers = false): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    if (keepUsers) return;
    try {
      await this.#store.forgetNode(this.#store.node);
    } catch (error) {
      this.#logger.error('cannot unregister node', { error: String(error) });
    }
  }
}
