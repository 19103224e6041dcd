/** Limits on what one client may send, generous for real calls (defaults below). */
export interface RateLimits {
  /** Sustained events per second per socket (default 50). */
  messagesPerSecond: number;
  /** Burst of events a socket may send at once (default 300: a mesh join sends many candidates). */
  messageBurst: number;
  /** Events refused in a row before the socket is disconnected (default 500). */
  disconnectAfter: number;
  /** New sockets per client address per minute (default 600). */
  connectionsPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  messagesPerSecond: 50,
  messageBurst: 300,
  disconnectAfter: 500,
  connectionsPerMinute: 600,
};

/** A token bucket: `take()` is false when the caller is over its rate. */
export class TokenBucket {
  #tokens: number;
  #at: number;
  readonly #rate: number;
  readonly #burst: number;

  constructor(rate: number, burst: number, now = Date.now()) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#at = now;
  }

  take(now = Date.now()): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** New connections per address in a sliding minute; entries expire so memory stays bounded. */
export class ConnectionLimiter {
  readonly #seen = new Map<string, number[]>();
  readonly #max: number;

  constructor(perMinute: number) {
    this.#max = perMinute;
  }

  allow(address: string, now = Date.now()): boolean {
    if (this.#seen.size > 10_000) this.#sweep(now);
    const recent = (this.#seen.get(address) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.#max) {
      this.#seen.set(address, recent);
      return false;
    }
    recent.push(now);
    this.#seen.set(address, recent);
    return true;
  }

  #sweep(now: number): void {
    for (const [address, times] of this.#seen) {
      if (times.every((t) => now - t >= 60_000)) this.#seen.delete(address);
    }
  }
}
