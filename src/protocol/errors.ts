/** The error strings acks carry. */

/** The error strings RTCMultiConnection clients compare against (`connection.errors`). */
export const LEGACY_ERRORS = {
  ROOM_NOT_AVAILABLE: 'Room not available',
  INVALID_PASSWORD: 'Invalid password',
  USERID_NOT_AVAILABLE: 'User ID does not exist',
  ROOM_PERMISSION_DENIED: 'Room permission denied',
  ROOM_FULL: 'Room full',
  DID_NOT_JOIN_ANY_ROOM: 'Did not join any room yet',
  INVALID_SOCKET: 'Invalid socket',
  PUBLIC_IDENTIFIER_MISSING: 'publicRoomIdentifier is required',
  INVALID_ADMIN_CREDENTIAL: 'Invalid username or password attempted',
} as const;

/** Error strings of rtc-elements additions (v3 clients never see them for v3 requests). */
export const ROOM_ERRORS = {
  USERID_TAKEN: 'User ID already taken',
  JOIN_REJECTED: 'Join rejected',
  TOO_MANY_ATTEMPTS: 'Too many attempts',
  /** The server requires a room token (`AUTH_SECRET`) and this one is missing or does not allow it. */
  UNAUTHORIZED: 'Unauthorized',
  /** The socket sends faster than the server's limit (or queued too much); the event was dropped. */
  RATE_LIMITED: 'Rate limited',
  /** Expensive work (password hashing) is queued past its bound: try again in a moment. */
  BUSY: 'Server busy',
} as const;
export type LegacyError = (typeof LEGACY_ERRORS)[keyof typeof LEGACY_ERRORS];

/** Error string the server acks with when a payload fails validation (not in v3). */
export const INVALID_PAYLOAD = 'Invalid payload';
