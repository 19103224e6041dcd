import { errors, jwtVerify } from 'jose';
import type { Socket } from 'socket.io';
import { ROOM_ERRORS, isValidId } from '../src/protocol/index.js';
import { sha256 } from './passwords.js';
import type { RoomStore } from './store/types.js';

/** The claims of a room token (HS256 JWT signed with `AUTH_SECRET`). */
export interface RoomToken {
  /** The room it is for. */
  room: string;
  /** The user id the connection takes. */
  sub: string;
  /** `owner` may open the room; `guest` may only join it. */
  role: 'owner' | 'guest';
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/**
 * Verifies a token (signature, algorithm, claim shapes); undefined when it is not valid. An
 * expired token with a valid signature is returned (its `exp` says so): it still proves who its
 * holder is, though it no longer admits anyone (see `tokenAllows`).
 */
export async function verifyRoomToken(
  token: unknown,
  secret: Uint8Array,
): Promise<RoomToken | undefined> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return undefined;
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      requiredClaims: ['room', 'sub', 'role', 'exp'],
    }));
  } catch (error) {
    // Thrown only once the signature checked out and every other claim did.
    if (!(error instanceof errors.JWTExpired)) return undefined;
    payload = error.payload;
  }
  const { room, sub, role, exp } = payload as Record<string, unknown>;
  if (typeof room !== 'string' || typeof sub !== 'string' || typeof exp !== 'number')
    return undefined;
  if (role !== 'owner' && role !== 'guest') return undefined;
  return { room, sub, role, exp };
}

/** Whether a verified token (still unexpired) lets its holder open or join this room. */
export function tokenAllows(
  token: RoomToken | undefined,
  roomId: string,
  action: 'open' | 'join',
  now = Date.now(),
): boolean {
  if (!token || token.room !== roomId || token.exp * 1000 <= now) return false;
  return action === 'join' || token.role === 'owner';
}

/**
 * The handshake middleware of a server with room tokens: identity comes from the token. A socket
 * without a valid one is refused (`Unauthorized`) before it gets anything (an id, ICE servers,
 * answers). An expired token still names its holder, who may reconnect only to resume the session
 * it had (with the server's resume secret, whose hash the store keeps).
 */
export function requireRoomTokens(secret: Uint8Array, store: RoomStore) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const { query, auth } = socket.handshake;
    const token = (auth as { token?: unknown } | undefined)?.token ?? query['token'];
    const refuse = () => next(new Error(ROOM_ERRORS.UNAUTHORIZED));
    void (async () => {
      const claims = await verifyRoomToken(token, secret);
      if (!claims || !isValidId(claims.sub)) return refuse();
      if (claims.exp * 1000 <= Date.now()) {
        const proof = typeof query['resume'] === 'string' ? query['resume'] : '';
        const held = proof ? await store.getUser(claims.sub) : undefined;
        if (!held?.token || held.token !== sha256(proof)) return refuse();
      }
      (socket.handshake as { rtcToken?: RoomToken }).rtcToken = claims;
      next();
    })().catch(refuse);
  };
}
