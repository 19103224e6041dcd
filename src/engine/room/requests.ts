import { ErrorCode, RtcError } from '../errors.js';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  LEGACY_ERRORS,
  PROTOCOL_REVISION,
  ROOM_ERRORS,
  isRecord,
  type Extra,
} from '../../protocol/index.js';
import { SignalingClient } from '../signaling/socket-client.js';
import { randomId } from '../util/id.js';
import type { Presence, PublicRoomInfo } from './types.js';

/** The stable code of each error string of the server (v3's and ours). */
const ERROR_CODES = new Map<string, ErrorCode>([
  [LEGACY_ERRORS.ROOM_FULL, ErrorCode.ROOM_FULL],
  [LEGACY_ERRORS.INVALID_PASSWORD, ErrorCode.INVALID_PASSWORD],
  [ROOM_ERRORS.TOO_MANY_ATTEMPTS, ErrorCode.TOO_MANY_ATTEMPTS],
  [ROOM_ERRORS.UNAUTHORIZED, ErrorCode.UNAUTHORIZED],
  [ROOM_ERRORS.JOIN_REJECTED, ErrorCode.JOIN_REJECTED],
  [ROOM_ERRORS.USERID_TAKEN, ErrorCode.USERID_TAKEN],
  [LEGACY_ERRORS.ROOM_PERMISSION_DENIED, ErrorCode.NOT_OWNER],
  [LEGACY_ERRORS.DID_NOT_JOIN_ANY_ROOM, ErrorCode.INVALID_STATE],
  [LEGACY_ERRORS.USERID_NOT_AVAILABLE, ErrorCode.PEER_NOT_FOUND],
  [LEGACY_ERRORS.ROOM_NOT_AVAILABLE, ErrorCode.ROOM_NOT_FOUND],
  [ROOM_ERRORS.RATE_LIMITED, ErrorCode.RATE_LIMITED],
  [ROOM_ERRORS.BUSY, ErrorCode.RATE_LIMITED],
]);

/**
 * Maps the server's error strings to stable codes; the message is the server's string (v3's
 * `connection.errors` wording). A refused open of a room that exists is ROOM_EXISTS.
 */
export function serverError(
  error: unknown,
  context: 'open' | 'join' | 'other' = 'other',
): RtcError {
  const text = typeof error === 'string' ? error : 'no reason given';
  if (context === 'open' && text === LEGACY_ERRORS.ROOM_NOT_AVAILABLE)
    return new RtcError(ErrorCode.ROOM_EXISTS, 'The room already exists');
  const code = ERROR_CODES.get(text);
  return new RtcError(
    code ?? ErrorCode.INVALID_REQUEST,
    code ? text : `The server refused the request: ${text}`,
  );
}

/**
 * Runs requests on a short-lived socket of its own, for what works before (or without) joining:
 * presence checks and public room lists.
 */
export async function withSignaling<T>(
  socketUrl: string,
  timeoutMs: number | undefined,
  run: (signaling: SignalingClient) => Promise<T>,
  token?: string,
): Promise<T> {
  const signaling = new SignalingClient({
    // `socketUrl` may list several servers (separated by spaces): ask the first.
    url: socketUrl.split(/\s+/).find(Boolean) ?? socketUrl,
    query: {
      userid: `probe-${randomId(8)}`,
      sessionid: '',
      msgEvent: DEFAULT_MESSAGE_EVENT,
      socketCustomEvent: DEFAULT_CUSTOM_EVENT,
      autoCloseEntireSession: 'false',
      maxParticipantsAllowed: '1000',
      extra: '{}',
      rtcElements: String(PROTOCOL_REVISION),
      // A server with room tokens answers only sockets that carry one.
      ...(token ? { token } : {}),
    },
    messageEvent: DEFAULT_MESSAGE_EVENT,
    timeoutMs,
  });
  try {
    await signaling.connect();
    return await run(signaling);
  } finally {
    signaling.close();
  }
}

export async function checkPresence(signaling: SignalingClient, roomId: string): Promise<Presence> {
  const [exists, , raw] = await signaling.request('check-presence', roomId);
  const { _room: flags, ...extra }: Record<string, unknown> = isRecord(raw) ? raw : {};
  const room: Record<string, unknown> = isRecord(flags) ? flags : {};
  return {
    exists: (exists as unknown) === true,
    isFull: room['isFull'] === true,
    isPasswordProtected: !!room['isPasswordProtected'],
    extra,
  };
}

export async function publicRooms(
  signaling: SignalingClient,
  identifier: string,
): Promise<PublicRoomInfo[]> {
  const [rooms, error] = await signaling.request('get-public-rooms', identifier);
  if (!Array.isArray(rooms)) throw serverError(error);
  return rooms.map((room) => ({
    roomId: room.sessionid,
    owner: room.owner,
    participantCount: room.participantCount,
    maxParticipants: room.maxParticipantsAllowed,
    extra: room.extra,
    isFull: room.isRoomFull,
    isPasswordProtected: room.isPasswordProtected,
  }));
}

/** v3's viewer count of a scalable broadcast (0 when there is none). */
export async function broadcastViewers(
  signaling: SignalingClient,
  broadcastId: string,
): Promise<number> {
  const [count] = await signaling.request('get-number-of-users-in-specific-broadcast', broadcastId);
  return typeof count === 'number' ? count : 0;
}

export async function setPassword(signaling: SignalingClient, password: string): Promise<void> {
  const [ok, , error] = await signaling.request('set-password', password);
  if (ok !== true) throw serverError(error);
}

export async function closeEntireSession(signaling: SignalingClient): Promise<void> {
  const [ok, error] = await signaling.request('close-entire-session');
  if (!ok) throw serverError(error);
}

export async function changeUserId(signaling: SignalingClient, userId: string): Promise<void> {
  const [ok, error] = await signaling.request('changed-uuid', userId);
  if (ok === false) throw serverError(error);
}

export async function remoteExtra(signaling: SignalingClient, userId: string): Promise<Extra> {
  const [extraOrError] = await signaling.request('get-remote-user-extra-data', userId);
  if (!isRecord(extraOrError)) throw serverError(extraOrError);
  return extraOrError;
}

export async function kick(signaling: SignalingClient, userId: string): Promise<void> {
  const [ok, error] = await signaling.request('kick-user', userId);
  if (!ok) throw serverError(error);
}
