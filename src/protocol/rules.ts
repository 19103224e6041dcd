/**
 * The room rules of docs/protocol.md §2.1 and §4-§8, as plain functions of a room's state: who
 * may open or join, when a room is full, what changes when a member leaves (ownership moves on,
 * or the room closes), renames, owner-only requests, presence and the public room list. The
 * server's handlers and its memory store run them (the Redis store runs the same rules in its
 * Lua scripts, atomically), and so does the `broadcast-channel:` hub; what is only the server's
 * (its store, nodes, rate and password-guess limits, room tokens, the relay tree) stays there.
 */
import { isValidEventName, isValidId } from './checks.js';
import { DEFAULT_CUSTOM_EVENT, DEFAULT_MESSAGE_EVENT } from './constants.js';
import { LEGACY_ERRORS, ROOM_ERRORS } from './errors.js';
import { parseHandshakeExtra, type ValidRoomRequest } from './parse.js';
import type { Extra, PresenceExtra, PublicRoom, Session } from './types.js';

/** A room as the rules read it (the server's `RoomRecord` is one, and so is the hub's room). */
export interface RoomState {
  id: string;
  /** '' while nobody may own it (§8.3: only guests are left). */
  owner: string;
  /** User ids in arrival order; the owner included. */
  participants: string[];
  /** How many users besides the opener may join (§8.1). */
  maxParticipants: number;
  /** The owner's extra, as `check-presence` and public room lists show it. */
  extra: Extra;
  session: Session;
  /** Set when the room has a password: what the holder compares guesses with (never sent). */
  passwordHash: string | undefined;
  /** Public room identifier, '' when not listed. */
  identifier: string;
  /** The room closes for everyone when its owner leaves (§8.4). */
  autoClose: boolean;
  /** Every join waits for the owner's decision. */
  approveJoins: boolean;
  /** A scalable broadcast: each member forwards to at most this many others (0: none). */
  relayLimit: number;
}

/** What a user's handshake (§2.1) sets for its connection and the rooms it opens. */
export interface HandshakeOptions {
  /** The requested id when valid (the caller picks one otherwise). */
  userId: string | undefined;
  messageEvent: string;
  /** The room-scoped custom event; undefined when every candidate collides with the relay event. */
  customEvent: string | undefined;
  extra: Extra;
  /** An rtc-elements client (handshake `rtcElements`): it understands the protocol's additions. */
  modern: boolean;
  autoClose: boolean;
  /** How many may join its rooms besides itself (§8.1). */
  maxParticipants: number;
  /** The room it waits at while in none (its `sessionid`), when valid. */
  lobby: string | undefined;
  /** Its custom events follow RTCMultiConnection's expectations (a v3 page or the compat class). */
  legacyCustom: boolean;
}

/** The server's (or hub's) own settings the handshake falls back on. */
export interface HandshakeDefaults {
  messageEvent?: string | undefined;
  customEvent?: string | undefined;
  /** Upper bound of `maxParticipants` (default 1000). */
  maxParticipantsLimit?: number;
}

/** Reads a handshake query (§2.1): invalid values are replaced, never refused. */
export function readHandshake(
  query: Record<string, unknown>,
  defaults: HandshakeDefaults = {},
): HandshakeOptions {
  const eventName = (raw: unknown, fallback: string) => (isValidEventName(raw) ? raw : fallback);
  const messageEvent = eventName(query['msgEvent'], defaults.messageEvent ?? DEFAULT_MESSAGE_EVENT);
  const customEvent = eventName(
    query['socketCustomEvent'],
    defaults.customEvent ?? DEFAULT_CUSTOM_EVENT,
  );
  const modern = typeof query['rtcElements'] === 'string';
  const rawMax = query['maxParticipantsAllowed'];
  const max = typeof rawMax === 'string' ? Number.parseInt(rawMax, 10) : Number.NaN;
  const sessionid = query['sessionid'];
  return {
    userId: isValidId(query['userid']) ? query['userid'] : undefined,
    messageEvent,
    // Never the relay event's own name: fall back to the default, or none if that is taken too.
    customEvent:
      customEvent !== messageEvent
        ? customEvent
        : DEFAULT_CUSTOM_EVENT !== messageEvent
          ? DEFAULT_CUSTOM_EVENT
          : undefined,
    extra: parseHandshakeExtra(query['extra']),
    modern,
    autoClose: query['autoCloseEntireSession'] === 'true',
    maxParticipants: Math.min(
      Number.isFinite(max) && max > 0 ? othersAllowed(max, modern) : 1000,
      defaults.maxParticipantsLimit ?? 1000,
    ),
    lobby: isValidId(sessionid) ? sessionid : undefined,
    legacyCustom: !modern || query['rtcCompat'] === '1',
  };
}

/**
 * How many may join a room besides its opener (§8.1). rtc-elements clients say so directly; an
 * RTCMultiConnection page's `maxParticipantsAllowed` is the room's total, the opener included
 * (its server admitted N - 1 joiners, and its one-to-one demo sets 2), while its documentation
 * calls 1 one-to-one: both hold.
 */
function othersAllowed(requested: number, modern: boolean): number {
  return modern ? requested : Math.max(1, requested - 1);
}

/** The id v3's presence probe addresses (§6): nobody may be called that. */
export const SYSTEM_USER = 'system';

/** A user as the rules read it: its id, its room, and its handshake's room options. */
export interface Member {
  userId: string;
  roomId: string | undefined;
  extra: Extra;
  autoClose: boolean;
  maxParticipants: number;
}

/** True when nobody else may join (§8.1): `maxParticipants` others besides the opener are in. */
export function isFull(room: RoomState): boolean {
  return room.participants.length >= room.maxParticipants + 1;
}

/** A room nobody is in is no room (it is deleted as its last member leaves). */
export const isOpen = (room: RoomState | undefined): room is RoomState =>
  !!room && room.participants.length > 0;

/**
 * `open-room` (§4.1): why `user` may not open the room `existing` is (undefined: it may). Re-opening
 * the room one is alone in is allowed (v3 does it: it is left first); a room with others is not.
 */
export function openRefusal(existing: RoomState | undefined, user: Member): string | undefined {
  const reopening = user.roomId === existing?.id;
  const others = existing?.participants.filter((p) => !reopening || p !== user.userId) ?? [];
  return others.length > 0 ? LEGACY_ERRORS.ROOM_NOT_AVAILABLE : undefined;
}

/**
 * The room an accepted `open-room` creates (§4.1): its opener owns it; the session defaults to
 * audio and video; a one-way room, a broadcast or a scalable broadcast closes with its owner.
 */
export function newRoom(
  request: ValidRoomRequest,
  opener: Member,
  passwordHash: string | undefined,
  relayLimit: number,
): RoomState {
  const session = request.session ?? { audio: true, video: true };
  return {
    id: request.sessionid,
    owner: opener.userId,
    participants: [opener.userId],
    maxParticipants: opener.maxParticipants,
    extra: request.extra ?? opener.extra,
    session,
    passwordHash,
    identifier: request.identifier ?? '',
    // A broadcast (one-way, or scalable) ends with its broadcaster: the tree has no other root.
    autoClose: opener.autoClose || !!session.oneway || !!session.broadcast || relayLimit > 0,
    approveJoins: request.approveJoins === true,
    relayLimit,
  };
}

/**
 * `join-room` (§4.2), what is decided before the password: `true` when the user is already in
 * that room (the join succeeds as it is), the error string when refused, otherwise the room to
 * go on with (password §8.2, then {@link admissionRefusal}, then approval when the room asks).
 */
export function joinCheck<R extends RoomState>(
  room: R | undefined,
  roomId: string,
  user: Member,
): R | true | string {
  if (user.roomId === roomId) return true;
  // Only a room's opener may carry the room's id as its user id (v3's broadcaster does): a
  // joiner with it would receive what is addressed to the room.
  if (roomId === user.userId) return ROOM_ERRORS.USERID_TAKEN;
  return isOpen(room) ? room : LEGACY_ERRORS.ROOM_NOT_AVAILABLE;
}

/** What a password check (§8.2) found. */
export type PasswordCheck = 'ok' | 'wrong' | 'limited';

/** The error string for a failed password check. */
export function passwordError(check: Exclude<PasswordCheck, 'ok'>): string {
  return check === 'limited' ? ROOM_ERRORS.TOO_MANY_ATTEMPTS : LEGACY_ERRORS.INVALID_PASSWORD;
}

/** `join-room` after the password: full (§8.1). */
export function admissionRefusal(room: RoomState): string | undefined {
  return isFull(room) ? LEGACY_ERRORS.ROOM_FULL : undefined;
}

/** Whether anyone may decide on a join that needs approval (§8.3: no owner, refused at once). */
export const mayApprove = (room: RoomState): boolean => room.owner !== '';

/**
 * Takes a user into a room (the atomic step of §4.2, repeated after the checks): refused when
 * the room is gone or full; a room without an owner is the joiner's unless it may not own one.
 */
export function addParticipant(
  room: RoomState,
  userId: string,
  mayOwn: boolean,
): 'not-found' | 'full' | undefined {
  if (!isOpen(room)) return 'not-found';
  if (!room.participants.includes(userId)) {
    if (isFull(room)) return 'full';
    room.participants.push(userId);
  }
  if (room.owner === '' && mayOwn) room.owner = userId;
  return undefined;
}

/** What happened when a user left a room. */
export interface Departure {
  /** The user was in the room (and now is not). */
  left: boolean;
  /** The room is gone: nobody is left, or it closed. */
  deleted: boolean;
  /** The room closed for everyone (§8.4): `remaining` were still in it. */
  closed: boolean;
  remaining: string[];
  /** Ownership moved (§8.3): the new owner, '' when only users who may not own it are left. */
  newOwner: string | undefined;
}

/**
 * Takes a user out of a room (§8.5): the room is deleted when it empties; when the owner left, it
 * closes for everyone (auto-close, §8.4) or ownership moves to the longest-present participant
 * who may own it (§8.3). Changes `room` in place.
 */
export function removeParticipant(
  room: RoomState,
  userId: string,
  mayOwn: (userId: string) => boolean,
): Departure {
  const departure: Departure = {
    left: false,
    deleted: false,
    closed: false,
    remaining: [],
    newOwner: undefined,
  };
  if (!room.participants.includes(userId)) return departure;
  departure.left = true;
  room.participants = room.participants.filter((p) => p !== userId);
  if (room.participants.length === 0) departure.deleted = true;
  else if (room.owner !== userId) return departure;
  else if (room.autoClose) {
    departure.deleted = departure.closed = true;
    departure.remaining = [...room.participants];
  } else {
    room.owner = room.participants.find(mayOwn) ?? '';
    departure.newOwner = room.owner;
  }
  return departure;
}

/**
 * `changed-uuid` (§4.12) before the registry is asked: invalid ids are refused with v3's
 * `USERID_NOT_AVAILABLE`, the caller's own id is accepted as it is (`true`), and nobody may be
 * called `system` (v3's presence probe) or after the room it is in. Undefined: ask whether the
 * id is free.
 */
export function renameRefusal(newId: unknown, user: Member): true | string | undefined {
  if (!isValidId(newId)) return LEGACY_ERRORS.USERID_NOT_AVAILABLE;
  if (newId === user.userId) return true;
  if (newId === SYSTEM_USER || newId === user.roomId) return ROOM_ERRORS.USERID_TAKEN;
  return undefined;
}

/**
 * Renames a participant in its room, keeping its place (and ownership). False when the new id
 * is already in the room.
 */
export function renameParticipant(room: RoomState, from: string, to: string): boolean {
  if (room.participants.includes(to)) return false;
  room.participants = room.participants.map((p) => (p === from ? to : p));
  if (room.owner === from) room.owner = to;
  return true;
}

/**
 * Why a user may not make an owner-only request (§8.3) of its room, or undefined: in no room,
 * the room gone, or not its administrator (the owner; with room tokens, of role `owner`).
 */
export function ownerRefusal(
  roomId: string | undefined,
  room: RoomState | undefined,
  administers: boolean,
): string | undefined {
  if (!roomId) return LEGACY_ERRORS.DID_NOT_JOIN_ANY_ROOM;
  if (!room) return LEGACY_ERRORS.ROOM_NOT_AVAILABLE;
  if (!administers) return LEGACY_ERRORS.ROOM_PERMISSION_DENIED;
  return undefined;
}

/** `kick-user` (§4.8) by the room's owner: the target must be another member. */
export function kickRefusal(room: RoomState, by: string, target: unknown): string | undefined {
  return typeof target === 'string' && target !== by && room.participants.includes(target)
    ? undefined
    : LEGACY_ERRORS.USERID_NOT_AVAILABLE;
}

/**
 * Whether `target` is another member of the room (§4.11, §4.13: whose extra a user may read, with
 * whom it may drop its connection).
 */
export const otherMember = (
  room: RoomState | undefined,
  userId: string,
  target: unknown,
): target is string =>
  isOpen(room) &&
  typeof target === 'string' &&
  target !== userId &&
  room.participants.includes(target);

/**
 * A rename notice (`changedUUID`) in a client's relay: only the server writes those (§13.1), or a
 * member could take over another's id and ownership on every receiver. v3.7 clients never send one.
 */
export const isRenameNotice = (message: unknown): boolean =>
  typeof message === 'object' && message !== null && 'changedUUID' in message;

/** `check-presence`'s extra for a room (§4.3): the owner's extra and the room's flags. */
export function presenceOf(room: RoomState | undefined): PresenceExtra {
  if (!isOpen(room)) return { _room: { isFull: false, isPasswordProtected: false } };
  return {
    ...room.extra,
    _room: { isFull: isFull(room), isPasswordProtected: !!room.passwordHash },
  };
}

/** Whether a room is listed under a public identifier (§4.4). */
export const isListed = (room: RoomState, identifier: string): boolean =>
  room.identifier !== '' && room.identifier === identifier && isOpen(room);

/** A public identifier `get-public-rooms` takes (§4.4): a valid id that is not blank. */
export const isPublicIdentifier = (value: unknown): value is string =>
  typeof value === 'string' && !!value.trim() && isValidId(value);

/** One room of `get-public-rooms` (§4.4): never its password. */
export function publicRoom(room: RoomState): PublicRoom {
  return {
    sessionid: room.id,
    owner: room.owner,
    participants: room.participants,
    participantCount: room.participants.length,
    extra: room.extra,
    session: room.session,
    maxParticipantsAllowed: room.maxParticipants,
    isRoomFull: isFull(room),
    isPasswordProtected: !!room.passwordHash,
  };
}

/** A relay to the room (§6): a participation request, which fans out (see {@link requestTargets}). */
export const isRoomRequest = (room: RoomState, to: string, message: unknown): boolean =>
  to === room.id &&
  typeof message === 'object' &&
  message !== null &&
  (message as Record<string, unknown>)['newParticipationRequest'] === true;

/**
 * Where a participation request to the room goes (§7): to everyone, or only to the owner of a
 * one-way room (a scalable broadcast's viewer asks its parent in the tree instead: the server's).
 */
export function requestTargets(room: RoomState, sender: string): string[] {
  const oneWay = !!room.session.oneway || !!room.session.broadcast;
  return (oneWay ? [room.owner] : room.participants).filter((p) => p !== sender);
}
