import { tokenAllows } from '../auth.js';
import {
  LEGACY_ERRORS,
  ROOM_ERRORS,
  admissionRefusal,
  isOpen,
  isPublicIdentifier,
  isValidId,
  joinCheck,
  mayApprove,
  newRoom,
  openRefusal,
  parseRoomRequest,
  passwordError,
  presenceOf,
  publicRoom,
  requestedRoomId,
  type PublicRoom,
  type RoomInfo,
} from '../../src/protocol/index.js';
import { lobbyChannel, roomChannel, userChannel } from '../channels.js';
import { mayAskAbout } from '../access.js';
import type { AckFn, SignalingSocket } from '../types.js';
import type { HubContext } from '../context.js';
import { hashPassword } from '../passwords.js';
import type { Undo } from '../undo.js';
import type { RoomRecord } from '../store/types.js';
import { checkPassword } from './passwords.js';
import { placeViewer, startTree } from './broadcast.js';
import { roomOf } from './legacy-broadcast.js';
import { announceOwner, exitRoom, leaveRoom, removeFromRoom } from '../leaving.js';

/**
 * `open-room`: creates the room with the caller as owner. A one-way room or a scalable broadcast
 * (`relayLimit`) closes for everyone when its owner leaves for good (auto-close).
 */
export async function openRoom(
  ctx: HubContext,
  socket: SignalingSocket,
  payload: unknown,
  ack: AckFn,
  undo: Undo,
): Promise<void> {
  const parsed = parseRoomRequest(payload);
  if (!parsed) return ctx.reject(socket, 'open-room', ack, 'not a valid room request');
  const request = { ...parsed, sessionid: roomOf(socket, parsed) };
  const data = socket.data;
  if (ctx.options.authSecret && !tokenAllows(data.auth, request.sessionid, 'open')) {
    ack(false, ROOM_ERRORS.UNAUTHORIZED);
    return;
  }
  const reopening = data.roomId === request.sessionid;
  const refusal = openRefusal(await ctx.store.get(request.sessionid), data);
  if (refusal) {
    ack(false, refusal);
    return;
  }
  const relayLimit = request.relayLimit ?? legacyRelayLimit(socket);
  // Everything that can be refused or fail without a change comes first (hashing included).
  const passwordHash = request.password
    ? await ctx.options.hashing.run(data.address, () => hashPassword(request.password ?? ''))
    : undefined;
  // Re-opening leaves the room first (v3 does); any other room is left only once the new one
  // exists, so a refused open never costs the user its room.
  if (reopening) await leaveRoom(ctx, socket);
  const room: RoomRecord = {
    ...newRoom(request, data, passwordHash, relayLimit),
    createdAt: Date.now(),
  };
  if (!(await ctx.store.create(room))) {
    ack(false, LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
    return;
  }
  undo.push('create the room', () => ctx.store.delete(room.id));
  await ctx.store.clearGuesses(room.id);
  const previous = await enterRoom(ctx, socket, room.id, room.extra, undo);
  await startTree(ctx, room);
  // Only now, inside the new room, leave the one it was in.
  if (previous) await exitRoom(ctx, socket, previous);
  ctx.metrics.opens++;
  ack(true);
}

/**
 * The socket's side of being in a room (after the store took the user in): its extra, its
 * `roomId`, the room's channel, each step recorded in `undo`. Returns the room it was in before
 * (for the caller to leave once nothing else can fail).
 */
async function enterRoom(
  ctx: HubContext,
  socket: SignalingSocket,
  roomId: string,
  extra: RoomRecord['extra'],
  undo: Undo,
): Promise<string | undefined> {
  const data = socket.data;
  const before = { extra: data.extra, roomId: data.roomId };
  if (extra !== data.extra) {
    await ctx.store.setUserExtra(data.userId, socket.id, extra);
    undo.push('store the extra', () =>
      ctx.store.setUserExtra(data.userId, socket.id, before.extra),
    );
    data.extra = extra;
  }
  const lobby = data.lobby;
  undo.push('socket state', async () => {
    data.extra = before.extra;
    if (data.roomId === roomId) data.roomId = before.roomId;
    await socket.leave(roomChannel(roomId));
    if (lobby) {
      data.lobby = lobby;
      await socket.join(lobbyChannel(lobby));
    }
  });
  data.roomId = roomId;
  if (data.pendingBroadcast === roomId) data.pendingBroadcast = undefined;
  await socket.join(roomChannel(roomId));
  // In a room now: it no longer waits at one.
  if (lobby) {
    data.lobby = undefined;
    await socket.leave(lobbyChannel(lobby));
  }
  return before.roomId !== roomId ? before.roomId : undefined;
}

/** `join-room`: existence, password, capacity, the owner's approval when asked for, then in. */
export async function joinRoom(
  ctx: HubContext,
  socket: SignalingSocket,
  payload: unknown,
  ack: AckFn,
  undo: Undo,
): Promise<void> {
  const parsed = parseRoomRequest(payload);
  if (!parsed) return ctx.reject(socket, 'join-room', ack, 'not a valid room request');
  const request = { ...parsed, sessionid: roomOf(socket, parsed) };
  const data = socket.data;
  if (ctx.options.authSecret && !tokenAllows(data.auth, request.sessionid, 'join')) {
    ack(false, ROOM_ERRORS.UNAUTHORIZED);
    return;
  }
  // Already in it, the room's own id, no such room; then the password, capacity and approval.
  const room = joinCheck(
    data.roomId === request.sessionid ? undefined : await ctx.store.get(request.sessionid),
    request.sessionid,
    data,
  );
  if (room === true) {
    ack(true);
    return;
  }
  if (typeof room === 'string') {
    ack(false, room);
    return;
  }
  const check = await checkPassword(ctx, socket, room, request.password ?? '');
  if (check !== 'ok') {
    ack(false, passwordError(check));
    return;
  }
  const refusal = admissionRefusal(room);
  if (refusal) {
    ack(false, refusal);
    return;
  }
  if (room.approveJoins && !(await approval(ctx, socket, room, request.extra ?? data.extra))) {
    ack(false, ROOM_ERRORS.JOIN_REJECTED);
    return;
  }
  const outcome = await ctx.store.join(room.id, data.userId);
  if (!outcome.ok) {
    ack(
      false,
      outcome.reason === 'full' ? LEGACY_ERRORS.ROOM_FULL : LEGACY_ERRORS.ROOM_NOT_AVAILABLE,
    );
    return;
  }
  const userId = data.userId;
  undo.push('join the room', () => removeFromRoom(ctx, room.id, userId, data.extra));
  const previous = await enterRoom(ctx, socket, room.id, request.extra ?? data.extra, undo);
  // Everyone learns about everyone once: members about the joiner, the joiner about members. In
  // a scalable broadcast only the broadcaster and the viewer's parent: the tree, not a mesh.
  const parent = await placeViewer(ctx, outcome.room, userId);
  const members = outcome.room.participants.filter(
    (member) =>
      member !== userId &&
      (parent === undefined || member === parent || member === outcome.room.owner),
  );
  const records = await ctx.store.getUsers(members);
  // Only now, inside the new room, leave the one it was in.
  if (previous) await exitRoom(ctx, socket, previous);
  if (parent === undefined) {
    socket.to(roomChannel(room.id)).emit('user-connected', userId, data.extra);
  } else {
    for (const member of members)
      ctx.io.to(userChannel(member)).emit('user-connected', userId, data.extra);
  }
  members.forEach((member, i) => socket.emit('user-connected', member, records[i]?.extra ?? {}));
  // A room that had no owner (its owner left, only guests stayed) is the joiner's now.
  if (outcome.room.owner === userId && room.owner !== userId) announceOwner(ctx, room.id, userId);
  // rtc-elements clients learn who owns the room (v3 clients have no use for it).
  if (data.modern)
    socket.emit('room-info', room.id, { owner: outcome.room.owner } satisfies RoomInfo);
  ctx.metrics.joins++;
  ack(true);
}

/**
 * Asks the room's owner whether the caller may join; resolves with the decision (false on
 * timeout, when the joiner goes away, or when the room closes).
 */
function approval(
  ctx: HubContext,
  socket: SignalingSocket,
  room: RoomRecord,
  extra: RoomRecord['extra'],
): Promise<boolean> {
  const userId = socket.data.userId;
  ctx.pendingJoins.get(userId)?.decide(false);
  // Nobody may decide (the owner left and only guests stayed): refused at once.
  if (!mayApprove(room)) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const done = (accepted: boolean) => {
      if (ctx.pendingJoins.get(userId)?.decide !== done) return;
      ctx.pendingJoins.delete(userId);
      clearTimeout(timer);
      socket.off('disconnect', onGone);
      resolve(accepted);
    };
    const onGone = () => done(false);
    const timer = setTimeout(() => done(false), ctx.options.approvalTimeoutMs);
    ctx.pendingJoins.set(userId, { roomId: room.id, userId, extra, decide: done });
    // The handler chain is busy waiting: a disconnect must end the wait from outside it.
    socket.on('disconnect', onGone);
    ctx.io.to(userChannel(room.owner)).emit('participation-request', userId, extra);
  });
}

/**
 * `check-presence(roomid)`: v3's `(exists, roomid, extra + _room)` (the owner's extra is the
 * room's public face, as in public room lists); on a server with room tokens a socket asks only
 * about its token's room.
 */
export async function checkPresence(
  ctx: HubContext,
  socket: SignalingSocket,
  roomId: unknown,
  ack: AckFn,
): Promise<void> {
  const id = requestedRoomId(roomId);
  const visible = isValidId(id) && mayAskAbout(ctx, socket, id);
  const room = visible ? await ctx.store.get(id) : undefined;
  // A socket in no room now waits at the room it asked about (its lobby).
  const data = socket.data;
  if (visible && !data.roomId && data.lobby !== id) {
    if (data.lobby) await socket.leave(lobbyChannel(data.lobby));
    data.lobby = id;
    await socket.join(lobbyChannel(id));
  }
  ack(isOpen(room), id, presenceOf(room));
}

/** `get-public-rooms(identifier)`: the rooms opened with that public identifier. */
export async function getPublicRooms(
  ctx: HubContext,
  socket: SignalingSocket,
  identifier: unknown,
  ack: AckFn,
): Promise<void> {
  if (!isPublicIdentifier(identifier)) {
    ack(null, LEGACY_ERRORS.PUBLIC_IDENTIFIER_MISSING);
    return;
  }
  // On a server with room tokens, a socket sees only its token's room.
  const rooms = (await ctx.store.listPublic(identifier)).filter((room) =>
    mayAskAbout(ctx, socket, room.id),
  );
  const list: PublicRoom[] = rooms.map(publicRoom);
  ack(list);
}

/** RTCMultiConnection's handshake flags for a scalable broadcast (`enableScalableBroadcast`). */
function legacyRelayLimit(socket: SignalingSocket): number {
  const query = socket.handshake.query as Record<string, unknown>;
  if (query['enableScalableBroadcast'] !== 'true') return 0;
  const raw = query['maxRelayLimitPerUser'];
  const limit = typeof raw === 'string' ? Number.parseInt(raw, 10) : Number.NaN;
  return Number.isInteger(limit) && limit >= 1 && limit <= 100 ? limit : 2;
}
