/**
 * Limits on what one client may send and open, generous for real calls (defaults below). Every
 * limit can be set with an environment variable or config.json key (see config.ts); 0 turns it
 * off.
 */
export interface RateLimits {
  /** Sustained packets per second per socket, every packet counted (default 50). */
  messagesPerSecond: number;
  /** Burst of packets a socket may send at once (default 300: a mesh join sends many candidates). */
  messageBurst: number;
  /**
   * Refused packets, less one for each accepted since, at which the socket is disconnected
   * (default 500): a socket far over its rate is cut off however its packets are spread.
   */
  disconnectAfter: number;
  /** New connections per client address per minute, any transport (default 600). */
  connectionsPerMinute: number;
  /** Connections one client address may hold open at once, any transport (default 500). */
  connectionsPerAddress: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  messagesPerSecond: 50,
  messageBurst: 300,
  disconnectAfter: 500,
  connectionsPerMinute: 600,
  connectionsPerAddress: 500,
};

/** A token bucket: `take()` is false when the caller is over its rate (a rate of 0: never). */
export class TokenBucket {
  #tokens: number;
  #at: number;
  readonly #rate: number;
  readonly #burst: number;

  constructor(rate: number, burst: number, now = Date.now()) {
    this.#rate = rate;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#at = now;
  }

  take(now = Date.now()): boolean {
    if (this.#rate <= 0) return true;
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * One socket's budget: every packet it sends takes a token, handled event or not. Over its rate
 * a packet is refused; when refusals outnumber acceptances by `disconnectAfter`, the socket is
 * flooding. (Counting refusals in a row instead would let a flood through whenever the server,
 * busy, spreads its packets over time: each token that trickles back would reset the count.)
 */
export class PacketBudget {
  readonly #bucket: TokenBucket;
  readonly #disconnectAfter: number;
  #refused = 0;

  constructor(limits: RateLimits) {
    this.#bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    this.#disconnectAfter = limits.disconnectAfter;
  }

  /** `ok`, `refused` (over the rate), or `flood` (refused too often in a row: cut it off). */
  take(): 'ok' | 'refused' | 'flood' {
    if (this.#bucket.take()) {
      this.#refused = Math.max(0, this.#refused - 1);
      return 'ok';
    }
    this.#refused++;
    return this.#disconnectAfter > 0 && this.#refused >= this.#disconnectAfter
      ? 'flood'
      : 'refused';
  }

  /** True for the first refusal of a run (log once per run). */
  get firstRefusal(): boolean {
    return this.#refused === 1;
  }
}

/**
 * Connections per client address: new ones in a sliding minute and open ones at once. Checked
 * when a transport's handshake arrives, before the server allocates anything for it. Memory stays
 * bounded: an address is forgotten once it has no open connection and no recent one.
 */
export class ConnectionLimiter {
  readonly #seen = new Map<string, number[]>();
  readonly #open = new Map<string, number>();
  readonly #perMinute: number;
  readonly #perAddress: number;

  constructor(perMinute: number, perAddress = 0) {
    this.#perMinute = perMinute;
    this.#perAddress = perAddress;
  }

  /** Counts a new connection attempt; false when the address is over a limit. */
  allow(address: string, now = Date.now()): boolean {
    if (this.#perAddress > 0 && (this.#open.get(address) ?? 0) >= this.#perAddress) return false;
    if (this.#perMinute <= 0) return true;
    if (this.#seen.size > 10_000) this.#sweep(now);
    const recent = (this.#seen.get(address) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.#perMinute) {
      this.#seen.set(address, recent);
      return false;
    }
    recent.push(now);
    this.#seen.set(address, recent);
    return true;
  }

  /** A connection from `address` opened; the returned function marks it closed (once). */
  opened(address: string): () => void {
    this.#open.set(address, (this.#open.get(address) ?? 0) + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left > 0) this.#open.set(address, left);
      else this.#open.delete(address);
    };
  }

  /** Open connections of an address (for tests and metrics). */
  openCount(address: string): number {
    return this.#open.get(address) ?? 0;
  }

  #sweep(now: number): void {
    for (const [address, times] of this.#seen) {
      if (times.every((t) => now - t >= 60_000)) this.#seen.delete(address);
    }
  }
}
