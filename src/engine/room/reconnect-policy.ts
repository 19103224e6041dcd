/** What a reconnect policy knows when it picks the wait before the next try. */
export interface ReconnectContext {
  /** The try about to be made: 1 for the first one after the connection dropped. */
  attempt: number;
  /** Milliseconds since the connection dropped. */
  elapsedMs: number;
  /** The server's hint for the first try (`reconnect-elsewhere` while it shuts down), else 0. */
  retryAfterMs: number;
  /** Why the try before failed (undefined for the first try). */
  lastError?: unknown;
}

/**
 * How long to wait before the next try to get the signaling connection back, in milliseconds,
 * or null to give up and leave the room (as LiveKit's `ReconnectPolicy`). Room option
 * `reconnectPolicy`; the default is {@link defaultReconnectPolicy}.
 */
export type ReconnectPolicy = (context: ReconnectContext) => number | null;

/**
 * At once (or after the server's hint), then 1 s doubling up to 5 s with ±25 % jitter (so that
 * a room whose server restarted does not come back all at the same instant), until `timeoutMs`
 * have passed since the connection dropped.
 */
export function defaultReconnectPolicy(timeoutMs = 300_000): ReconnectPolicy {
  return ({ attempt, elapsedMs, retryAfterMs }) => {
    if (attempt === 1) return retryAfterMs;
    if (elapsedMs > timeoutMs) return null;
    return Math.min(5000, 250 * 2 ** attempt) * (0.75 + Math.random() / 2);
  };
}

/** The policy's answer as a wait: null (give up) when it throws or answers something else. */
export function nextDelay(policy: ReconnectPolicy, context: ReconnectContext): number | null {
  try {
    const delay = policy(context);
    return typeof delay === 'number' && delay >= 0 && Number.isFinite(delay) ? delay : null;
  } catch {
    return null;
  }
}
