import type { IceServer } from '../src/protocol/index.js';
import { parseLogLevel, type LogLevel } from './log.js';
import { parseTurn, type TurnConfig } from './turn.js';
import { LIMIT_KEYS, limitsFromEnv, type LimitsConfig } from './config-limits.js';
import { SFU_KEYS, sfuFromEnv, type SfuConfig } from './sfu/sfu-config.js';

/** Server settings, from environment variables. */
export interface ServerConfig extends LimitsConfig {
  /** `PORT` (default 9001). */
  port: number;
  /** `HOST` (default 127.0.0.1; set 0.0.0.0 to listen on every interface). */
  host: string;
  /** `ALLOWED_ORIGINS`: comma-separated exact origins; unset or `*` allows all. */
  allowedOrigins: string[] | '*';
  /** `ICE_SERVERS`: JSON array of RTCIceServer handed to clients (default none). */
  iceServers: IceServer[];
  /** `LOG_LEVEL`: silent | error | warn | info | debug. */
  logLevel: LogLevel;
  /** `TURN_URLS`, `TURN_SECRET`, `TURN_TTL`: time-limited TURN credentials for each client. */
  turn: TurnConfig | undefined;
  /** `AUTH_SECRET`: require room tokens signed with it (at least 32 characters). */
  authSecret: string | undefined;
  /** `METRICS_TOKEN`: serves `/metrics` to `Authorization: Bearer <token>` (off when unset). */
  metricsToken: string | undefined;
  /** `REDIS_URL` (`redis://` or `rediss://`): run as one of several nodes sharing this Redis. */
  redisUrl: string | undefined;
  /** `RECONNECT_GRACE_MS`: how long a dropped user keeps its room to resume (default 15000). */
  reconnectGraceMs: number;
  /** `JANUS_URL` and the other SFU settings (server/sfu/sfu-config.ts); undefined: no SFU. */
  sfu: SfuConfig | undefined;
  /** config.json `socketMessageEvent` (v3): the relay event of clients that name none. */
  messageEvent?: string | undefined;
  /** config.json `socketCustomEvent` (v3): the custom event of clients that name none. */
  customEvent?: string | undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: parsePort(env['PORT']),
    host: env['HOST'] || '127.0.0.1',
    allowedOrigins: parseOrigins(env['ALLOWED_ORIGINS']),
    iceServers: parseIceServers(env['ICE_SERVERS']),
    logLevel: parseLogLevel(env['LOG_LEVEL']),
    turn: parseTurn(env['TURN_URLS'], env['TURN_SECRET'], env['TURN_TTL']),
    authSecret: parseAuthSecret(env['AUTH_SECRET']),
    metricsToken: env['METRICS_TOKEN'] || undefined,
    redisUrl: parseRedisUrl(env['REDIS_URL']),
    reconnectGraceMs: parseGrace(env['RECONNECT_GRACE_MS']),
    sfu: sfuFromEnv(env),
    ...limitsFromEnv(env),
  };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 9001;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0-65535, got "${value}"`);
  return port;
}

export function parseOrigins(value: string | undefined): string[] | '*' {
  const list = (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.length === 0 || list.includes('*')) return '*';
  for (const origin of list) {
    const parsed = new URL(origin);
    if (parsed.origin !== origin)
      throw new Error(`ALLOWED_ORIGINS entries must be exact origins, got "${origin}"`);
  }
  return list;
}

function parseIceServers(value: string | undefined): IceServer[] {
  if (!value) return [];
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'object' && s && 'urls' in s)) {
    throw new Error('ICE_SERVERS must be a JSON array of {urls, username?, credential?}');
  }
  return parsed as IceServer[];
}

function parseGrace(value: string | undefined): number {
  if (value === undefined || value === '') return 15_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000)
    throw new Error(`RECONNECT_GRACE_MS must be 0-600000 (ms), got "${value}"`);
  return ms;
}

function parseRedisUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      'REDIS_URL must be a URL like redis://host:6379 or rediss://user:pass@host:6380',
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got "${url.protocol}//"`);
  return value;
}

function parseAuthSecret(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters');
  return value;
}

/** Environment variables that are also config.json keys. */
const ENV_KEYS = [
  'PORT',
  'HOST',
  'REDIS_URL',
  'RECONNECT_GRACE_MS',
  'AUTH_SECRET',
  'ALLOWED_ORIGINS',
  'TURN_URLS',
  'TURN_SECRET',
  'TURN_TTL',
  'ICE_SERVERS',
  'LOG_LEVEL',
  'METRICS_TOKEN',
  ...SFU_KEYS,
  ...LIMIT_KEYS,
] as const;
/** RTCMultiConnection's config.json keys that this server understands. */
const SEED_KEYS = ['port', 'socketURL', 'socketMessageEvent', 'socketCustomEvent', 'enableLogs'];

/**
 * The configuration from a config.json object (RTCMultiConnection's keys `port`, `socketURL`,
 * `socketMessageEvent`, `socketCustomEvent`, `enableLogs`, and every environment variable's name),
 * overridden by the environment. Unknown keys and invalid values throw, naming the culprit.
 */
export function configFrom(file: unknown, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    throw new Error('config.json must hold a JSON object');
  const json = file as Record<string, unknown>;
  const known = new Set<string>([...ENV_KEYS, ...SEED_KEYS]);
  const unknown = Object.keys(json).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new Error(
      `config.json: unknown key ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${[...known].join(', ')})`,
    );
  }
  const merged: Record<string, string | undefined> = {};
  const text = (key: string, value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value) && key !== 'ICE_SERVERS') return value.map(String).join(',');
    if (key === 'ICE_SERVERS') return JSON.stringify(value);
    throw new Error(`config.json: "${key}" must be a string, number or list`);
  };
  for (const key of ENV_KEYS) if (json[key] !== undefined) merged[key] = text(key, json[key]);
  if (json['port'] !== undefined) merged['PORT'] ??= text('port', json['port']);
  if (json['enableLogs'] !== undefined) {
    // RTCMultiConnection's own config.json writes it as a string ("true" / "false").
    const enableLogs = json['enableLogs'];
    if (![true, false, 'true', 'false'].includes(enableLogs as string))
      throw new Error('config.json: "enableLogs" must be true or false');
    if (enableLogs === false || enableLogs === 'false') merged['LOG_LEVEL'] ??= 'silent';
  }
  for (const key of ENV_KEYS) if (env[key] !== undefined && env[key] !== '') merged[key] = env[key];
  const config = configFromEnv(merged);
  const event = (key: string) => {
    const value = json[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !/^[\w.:-]{1,64}$/.test(value))
      throw new Error(`config.json: "${key}" must be an event name (letters, digits, . _ : -)`);
    return value;
  };
  return {
    ...config,
    messageEvent: event('socketMessageEvent'),
    customEvent: event('socketCustomEvent'),
  };
}
