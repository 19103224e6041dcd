import { createHmac } from 'node:crypto';
import type { IceServer } from '../src/protocol/index.js';

/** A TURN server using coturn's REST scheme (`--use-auth-secret --static-auth-secret=...`). */
export interface TurnConfig {
  /** `turn:` / `turns:` URLs (`TURN_URLS`). */
  urls: string[];
  /** coturn's static auth secret (`TURN_SECRET`); never sent to clients. */
  secret: string;
  /** How long credentials live, in seconds (`TURN_TTL`, default 86400). */
  ttl: number;
}

/**
 * Time-limited TURN credentials for one user: username `<expiry>:<userId>`, credential
 * base64(HMAC-SHA1(secret, username)), as coturn checks them. Nothing static reaches a page.
 */
export function turnCredentials(turn: TurnConfig, userId: string, now = Date.now()): IceServer {
  const expiry = Math.floor(now / 1000) + turn.ttl;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: turn.urls, username, credential };
}

/** Parses TURN_URLS / TURN_SECRET / TURN_TTL; undefined when TURN is not configured. */
export function parseTurn(
  urls: string | undefined,
  secret: string | undefined,
  ttl: string | undefined,
): TurnConfig | undefined {
  const list = (urls ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (list.length === 0) {
    if (secret) throw new Error('TURN_SECRET is set but TURN_URLS is empty');
    return undefined;
  }
  for (const url of list) {
    if (!/^turns?:[^\s]+$/.test(url))
      throw new Error(`TURN_URLS entries must be turn: or turns: URLs, got "${url}"`);
  }
  if (!secret)
    throw new Error('TURN_URLS is set but TURN_SECRET (coturn static-auth-secret) is not');
  const seconds = ttl === undefined || ttl === '' ? 86_400 : Number(ttl);
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > 7 * 86_400)
    throw new Error(`TURN_TTL must be whole seconds between 60 and 604800, got "${ttl}"`);
  return { urls: list, secret, ttl: seconds };
}
