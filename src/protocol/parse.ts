/**
 * One parser per inbound payload (docs/protocol.md §9), run by the server and by the local hub:
 * each takes what a client sent (plain JSON, already within the protocol's depth and size, see
 * json-check.ts) and returns the typed value, or undefined for anything else. Nothing downstream
 * checks a shape again. Hand-written, so the browser's hub carries no schema library.
 */
import { isRecord, isValidId } from './checks.js';
import { checkJson } from './json-check.js';
import { LIMITS } from './constants.js';
import type { Extra, RoomRequest, Session } from './types.js';

/** Size in bytes of a value's JSON text in UTF-8 (infinite when it has none: a cycle, a BigInt). */
export function jsonBytes(value: unknown): number {
  try {
    // Undefined (no JSON text) for undefined, a function or a symbol.
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? 0 : utf8Length(text);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** UTF-8 length of a string (JSON text has no lone surrogates: a pair is 4 bytes). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      // A pair: two units, four bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** A user's extra: a JSON object of at most `extraBytes` bytes. */
export function parseExtra(value: unknown): Extra | undefined {
  return isRecord(value) && jsonBytes(value) <= LIMITS.extraBytes ? value : undefined;
}

/** The handshake's `extra` (JSON text of one): anything invalid, too deep included, is `{}`. */
export function parseHandshakeExtra(raw: unknown): Extra {
  if (typeof raw !== 'string' || raw.length > LIMITS.extraBytes) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (!checkJson(value, { maxDepth: LIMITS.jsonDepth, maxBytes: LIMITS.extraBytes * 3 }).ok)
      return {};
    return parseExtra(value) ?? {};
  } catch {
    return {};
  }
}

const MEDIA_KEYS = ['audio', 'video', 'screen'] as const;
const FLAG_KEYS = ['data', 'oneway', 'broadcast'] as const;

/**
 * A session (`audio`, `video`, `screen`: a boolean or `'two-way'`; `data`, `oneway`,
 * `broadcast`: a boolean; other keys ignored), with only the kinds that are on.
 */
export function parseSession(value: unknown): Session | undefined {
  if (!isRecord(value)) return undefined;
  const session: Record<string, true | 'two-way'> = {};
  for (const key of [...MEDIA_KEYS, ...FLAG_KEYS]) {
    const flag = value[key];
    const valid =
      flag === undefined ||
      typeof flag === 'boolean' ||
      (flag === 'two-way' && (MEDIA_KEYS as readonly string[]).includes(key));
    if (!valid) return undefined;
    if (flag === true || flag === 'two-way') session[key] = flag;
  }
  return session;
}

/** An `open-room`/`join-room` request as the server reads it (constraints and streams dropped). */
export type ValidRoomRequest = Pick<
  RoomRequest,
  'sessionid' | 'session' | 'extra' | 'identifier' | 'password' | 'approveJoins' | 'relayLimit'
>;

/**
 * `open-room` / `join-room` (§4.1, §4.2): a valid room id; optional session, extra (§9),
 * identifier and password (strings of at most 256 characters), approveJoins (a boolean) and
 * relayLimit (an integer 1-100). A field of the wrong type refuses the whole request.
 */
export function parseRoomRequest(value: unknown): ValidRoomRequest | undefined {
  if (!isRecord(value) || !isValidId(value['sessionid'])) return undefined;
  const { session, extra, identifier, password, approveJoins, relayLimit } = value;
  const request: ValidRoomRequest = { sessionid: value['sessionid'] };
  if (session !== undefined) {
    const parsed = parseSession(session);
    if (!parsed) return undefined;
    request.session = parsed;
  }
  if (extra !== undefined) {
    const parsed = parseExtra(extra);
    if (!parsed) return undefined;
    request.extra = parsed;
  }
  if (identifier !== undefined) {
    if (!isShortString(identifier, LIMITS.idLength)) return undefined;
    request.identifier = identifier;
  }
  if (password !== undefined) {
    if (!isPassword(password)) return undefined;
    request.password = password;
  }
  if (approveJoins !== undefined) {
    if (typeof approveJoins !== 'boolean') return undefined;
    request.approveJoins = approveJoins;
  }
  if (relayLimit !== undefined) {
    if (
      !Number.isSafeInteger(relayLimit) ||
      (relayLimit as number) < 1 ||
      (relayLimit as number) > 100
    )
      return undefined;
    request.relayLimit = relayLimit as number;
  }
  return request;
}

/** A room id as `check-presence` and `is-valid-password` take it (v3 pages may pass numbers). */
export const requestedRoomId = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/** A password as requests carry it: a string of at most `passwordLength` characters. */
export function isPassword(value: unknown): value is string {
  return isShortString(value, LIMITS.passwordLength);
}

const isShortString = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length <= max;

/** The relay event's envelope as a client sends it (§6; its `sender` is ignored). */
export interface RelayRequest {
  remoteUserId: string;
  message: Record<string, unknown> | string;
}

/**
 * The relay event's envelope from a client: a valid `remoteUserId`, and a message that is an
 * object or a string, of at most `relayBytes` bytes of JSON.
 */
export function parseRelayRequest(value: unknown): RelayRequest | undefined {
  if (!isRecord(value) || !isValidId(value['remoteUserId'])) return undefined;
  const message = value['message'];
  if (!isRecord(message) && typeof message !== 'string') return undefined;
  if (jsonBytes(message) > LIMITS.relayBytes) return undefined;
  return { remoteUserId: value['remoteUserId'], message };
}

/** A custom event's message: at most `relayBytes` bytes of JSON. */
export const isCustomMessage = (value: unknown): boolean => jsonBytes(value) <= LIMITS.relayBytes;
