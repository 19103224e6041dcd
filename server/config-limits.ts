import { parseTrustProxy, type TrustProxy } from './client-address.js';
import type { FairQueueLimits } from './fair-queue.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.js';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './socket-queue.js';

/** Every abuse limit of the server, from environment variables (also config.json keys). */
export interface LimitsConfig {
  /**
   * `MESSAGES_PER_SECOND`, `MESSAGE_BURST`, `DISCONNECT_AFTER` (per socket),
   * `CONNECTIONS_PER_MINUTE`, `CONNECTIONS_PER_ADDRESS` (per client address).
   */
  rateLimits: RateLimits;
  /** `QUEUE_EVENTS`, `QUEUE_BYTES`: what one socket may have waiting. */
  queueLimits: QueueLimits;
  /** `HASH_CONCURRENCY`, `HASH_QUEUE_PER_ADDRESS`, `HASH_QUEUE_TOTAL`: password hashing. */
  hashLimits: FairQueueLimits;
  /** `MAX_PARTICIPANTS_LIMIT`: the largest room a client may ask for. */
  maxParticipantsLimit: number;
  /** `MAX_PASSWORD_FAILURES`: wrong passwords one socket may try. */
  maxPasswordFailures: number;
  /** `MAX_ROOM_PASSWORD_FAILURES`: wrong passwords one room takes per window. */
  maxRoomPasswordFailures: number;
  /** `PASSWORD_WINDOW_MS`: the window of the per-room count. */
  passwordWindowMs: number;
  /** `APPROVAL_TIMEOUT_MS`: how long a join waits for the owner's decision. */
  approvalTimeoutMs: number;
  /** `TRUST_PROXY`: reverse proxies whose X-Forwarded-For gives the client address. */
  trustProxy: TrustProxy;
}

interface Spec {
  default: number;
  /** 0 turns the limit off (else 0 is refused). */
  off?: true;
  min?: number;
  max: number;
}

const SPECS = {
  MESSAGES_PER_SECOND: { default: DEFAULT_RATE_LIMITS.messagesPerSecond, off: true, max: 1e6 },
  MESSAGE_BURST: { default: DEFAULT_RATE_LIMITS.messageBurst, min: 1, max: 1e6 },
  DISCONNECT_AFTER: { default: DEFAULT_RATE_LIMITS.disconnectAfter, off: true, max: 1e9 },
  CONNECTIONS_PER_MINUTE: {
    default: DEFAULT_RATE_LIMITS.connectionsPerMinute,
    off: true,
    max: 1e9,
  },
  CONNECTIONS_PER_ADDRESS: {
    default: DEFAULT_RATE_LIMITS.connectionsPerAddress,
    off: true,
    max: 1e9,
  },
  QUEUE_EVENTS: { default: DEFAULT_QUEUE_LIMITS.events, off: true, max: 1e6 },
  QUEUE_BYTES: { default: DEFAULT_QUEUE_LIMITS.bytes, off: true, max: 2 ** 31 },
  HASH_CONCURRENCY: { default: 1, min: 1, max: 64 },
  HASH_QUEUE_PER_ADDRESS: { default: 64, min: 1, max: 1e6 },
  HASH_QUEUE_TOTAL: { default: 1000, min: 1, max: 1e7 },
  MAX_PARTICIPANTS_LIMIT: { default: 1000, off: true, max: 1e6 },
  MAX_PASSWORD_FAILURES: { default: 10, off: true, max: 1e9 },
  MAX_ROOM_PASSWORD_FAILURES: { default: 100, off: true, max: 1e9 },
  PASSWORD_WINDOW_MS: { default: 15 * 60_000, min: 1000, max: 7 * 86_400_000 },
  APPROVAL_TIMEOUT_MS: { default: 60_000, min: 1000, max: 86_400_000 },
} satisfies Record<string, Spec>;

/** The names of the limit variables (each also a config.json key), and `TRUST_PROXY`. */
export const LIMIT_KEYS = [...Object.keys(SPECS), 'TRUST_PROXY'] as const;

function whole(env: NodeJS.ProcessEnv, key: keyof typeof SPECS): number {
  const spec: Spec = SPECS[key];
  const raw = env[key];
  if (raw === undefined || raw === '') return spec.default;
  const value = Number(raw);
  const min = spec.off ? 0 : (spec.min ?? 1);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > spec.max) {
    const range = spec.off ? `0 (off) or 1-${spec.max}` : `${min}-${spec.max}`;
    throw new Error(`${key} must be a whole number, ${range}; got "${raw}"`);
  }
  return value;
}

export function limitsFromEnv(env: NodeJS.ProcessEnv): LimitsConfig {
  return {
    rateLimits: {
      messagesPerSecond: whole(env, 'MESSAGES_PER_SECOND'),
      messageBurst: whole(env, 'MESSAGE_BURST'),
      disconnectAfter: whole(env, 'DISCONNECT_AFTER'),
      connectionsPerMinute: whole(env, 'CONNECTIONS_PER_MINUTE'),
      connectionsPerAddress: whole(env, 'CONNECTIONS_PER_ADDRESS'),
    },
    queueLimits: { events: whole(env, 'QUEUE_EVENTS'), bytes: whole(env, 'QUEUE_BYTES') },
    hashLimits: {
      concurrency: whole(env, 'HASH_CONCURRENCY'),
      perKey: whole(env, 'HASH_QUEUE_PER_ADDRESS'),
      total: whole(env, 'HASH_QUEUE_TOTAL'),
    },
    maxParticipantsLimit: whole(env, 'MAX_PARTICIPANTS_LIMIT'),
    maxPasswordFailures: whole(env, 'MAX_PASSWORD_FAILURES'),
    maxRoomPasswordFailures: whole(env, 'MAX_ROOM_PASSWORD_FAILURES'),
    passwordWindowMs: whole(env, 'PASSWORD_WINDOW_MS'),
    approvalTimeoutMs: whole(env, 'APPROVAL_TIMEOUT_MS'),
    trustProxy: parseTrustProxy(env['TRUST_PROXY']),
  };
}
