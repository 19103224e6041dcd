import { errors, jwtVerify } from 'jose';

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
