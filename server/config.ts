import type { IceServer } from '../src/engine/signaling/protocol.js';
import { parseLogLevel, type LogLevel } from './log.js';
import { parseTurn, type TurnConfig } from './turn.js';

/** Server settings, from environment variables. */
export interface ServerConfig {
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

function parseAuthSecret(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters');
  return value;
}
