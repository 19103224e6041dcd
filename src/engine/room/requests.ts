import { ErrorCode, RtcError } from '../errors.js';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  LEGACY_ERRORS,
  PROTOCOL_REVISION,
  ROOM_ERRORS,
  isRecord,
  type Extra,
} from '../signaling/protocol.js';
import { SignalingClient } from '../signaling/socket-client.js';
import { randomId } from '../util/id.js';
import type { Presence, PublicRoomInfo } from './types.js';

/** Maps the server's error strings (v3's and ours) to stable codes. */
export function serverError(
  error: unknown,
  context: 'open' | 'join' | 'other' = 'other',
): RtcError {
  const text = typeof error === 'string' ? error : 'no reason given';
  switch (text) {
    case LEGACY_ERRORS.ROOM_FULL:
      return new RtcError(ErrorCode.ROOM_FULL, 'The room is full');
    case LEGACY_ERRORS.INVALID_PASSWORD:
      return new RtcError(ErrorCode.INVALID_PASSWORD, 'Wrong room password');
    case ROOM_ERRORS.TOO_MANY_ATTEMPTS:
      return new RtcError(ErrorCode.TOO_MANY_ATTEMPTS, 'Too many wrong passwords: try again later');
    case ROOM_ERRORS.UNAUTHORIZED:
      return new RtcError(ErrorCode.UNAUTHORIZED, 'A valid room token is needed');
    case ROOM_ERRORS.JOIN_REJECTED:
      return new RtcError(ErrorCode.JOIN_REJECTED, 'The room’s owner did not let you in');
    case ROOM_ERRORS.USERID_TAKEN:
      return new RtcError(ErrorCode.USERID_TAKEN, 'That user id is taken');
    case LEGACY_ERRORS.ROOM_PERMISSION_DENIED:
      return new RtcError(ErrorCode.NOT_OWNER, 'Only the room’s owner may do that');
    case LEGACY_ERRORS.DID_NOT_JOIN_ANY_ROOM:
      return new RtcError(ErrorCode.INVALID_STATE, 'Join the room first');
    case LEGACY_ERRORS.USERID_NOT_AVAILABLE:
      return new RtcError(ErrorCode.PEER_NOT_FOUND, 'No such user in the room');
    case LEGACY_ERRORS.ROOM_NOT_AVAILABLE:
      return context === 'open'
        ? new RtcError(ErrorCode.ROOM_EXISTS, 'The room already exists')
        : new RtcError(ErrorCode.ROOM_NOT_FOUND, 'The room does not exist');
    default:
      return new RtcError(ErrorCode.INVALID_REQUEST, `The server refused the request: ${text}`);
  }
}

/**
 * Runs requests on a short-lived socket of its own, for what works before (or without) joining:
 * presence checks and public room lists.
 */
export async function withSignaling<T>(
  socketUrl: string,
  timeoutMs: number | undefined,
  run: (signaling: SignalingClient) => Promise<T>,
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
