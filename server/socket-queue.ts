/**
 * One socket's requests, run one at a time in arrival order (a relay sent right behind a join
 * sees the join), bounded in count and bytes: a socket whose requests wait (behind an owner's
 * approval, say) cannot pile up memory. Leaving always gets in, behind what came before.
 */
export interface QueueLimits {
  /** Requests waiting or running at once (default 64; 0: no limit). */
  events: number;
  /** Their payloads' JSON bytes (default 1 MiB; 0: no limit). */
  bytes: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { events: 64, bytes: 1024 * 1024 };

export class SocketQueue {
  #tail: Promise<unknown>;
  #count = 0;
  #bytes = 0;
  readonly #limits: QueueLimits;

  /** `first` runs before anything queued (the socket's registration). */
  constructor(first: Promise<unknown>, limits: QueueLimits) {
    this.#tail = first.catch(() => undefined);
    this.#limits = limits;
  }

  /**
   * Runs `task` after everything queued before it; false (and nothing queued) when the queue is
   * full. `task` handles its own errors.
   */
  push(bytes: number, task: () => Promise<unknown>): boolean {
    const { events, bytes: maxBytes } = this.#limits;
    if ((events > 0 && this.#count >= events) || (maxBytes > 0 && this.#bytes + bytes > maxBytes))
      return false;
    this.#count++;
    this.#bytes += bytes;
    this.#tail = this.#tail
      .then(task)
      .catch(() => undefined)
      .finally(() => {
        this.#count--;
        this.#bytes -= bytes;
      });
    return true;
  }

  /** Runs `task` after everything queued before it, whatever the bounds (leaving). */
  always(task: () => Promise<unknown>): Promise<unknown> {
    this.#tail = this.#tail.then(task).catch(() => undefined);
    return this.#tail;
  }
}
