import {
  LEGACY_ERRORS,
  ROOM_ERRORS,
  parseExtra,
  renameRefusal,
  type RelayEnvelope,
} from '../../src/protocol/index.js';
import { roomChannel, userChannel } from '../channels.js';
import type { AckFn, SignalingSocket } from '../types.js';
import type { HubContext } from '../context.js';
import type { Undo } from '../undo.js';
import { renameInTree } from './broadcast.js';

/** How long relays addressed to a user's old id still reach it after a rename. */
const RENAME_ALIAS_MS = 30_000;

/** `extra-data-updated(extra)`: stores it and tells the rest of the room. */
export async function updateExtra(
  ctx: HubContext,
  socket: SignalingSocket,
  extra: unknown,
  undo: Undo,
): Promise<void> {
  const parsed = parseExtra(extra);
  if (!parsed) return ctx.drop(socket, 'extra-data-updated', 'not an object, or too large');
  const data = socket.data;
  const before = data.extra;
  if (JSON.stringify(before) === JSON.stringify(parsed)) return;
  await ctx.store.setUserExtra(data.userId, socket.id, parsed);
  undo.push('store the extra', () => ctx.store.setUserExtra(data.userId, socket.id, before));
  data.extra = parsed;
  undo.push('socket extra', () => (data.extra = before));
  if (!data.roomId) return;
  const room = await ctx.store.get(data.roomId);
  if (room?.owner === data.userId) {
    await ctx.store.update(room.id, { extra: parsed });
    undo.push("the room's extra", () => ctx.store.update(room.id, { extra: room.extra }));
  }
  socket.to(roomChannel(data.roomId)).emit('extra-data-updated', data.userId, parsed);
}

/** `get-remote-user-extra-data(userid)`: the extra of a user in the caller's room. */
export async function remoteExtra(
  ctx: HubContext,
  socket: SignalingSocket,
  userId: unknown,
  ack: AckFn,
): Promise<void> {
  const id = typeof userId === 'string' ? userId : '';
  const roomId = socket.data.roomId;
  // Only users who share a room with the caller are visible (on any node).
  const target =
    roomId && id && id !== socket.data.userId ? await ctx.store.getUser(id) : undefined;
  if (!target || target.room !== roomId) {
    ack(LEGACY_ERRORS.USERID_NOT_AVAILABLE, id, LEGACY_ERRORS.USERID_NOT_AVAILABLE);
    return;
  }
  ack(target.extra, id);
}

/**
 * `changed-uuid(newId)`: renames the caller everywhere (registry, room, ownership). Refused when
 * the id is taken: nobody can take over another user's id, and with it their messages or room.
 */
export async function changeUserId(
  ctx: HubContext,
  socket: SignalingSocket,
  newUserId: unknown,
  ack: AckFn,
  undo: Undo,
): Promise<void> {
  const data = socket.data;
  const from = data.userId;
  const refusal = renameRefusal(newUserId, data);
  if (refusal === LEGACY_ERRORS.USERID_NOT_AVAILABLE) {
    ctx.drop(socket, 'changed-uuid', 'invalid user id');
    ack(false, refusal);
    return;
  }
  if (refusal === true) {
    ack(true);
    return;
  }
  // On a server with room tokens the token's subject is the only id a socket can have.
  if (ctx.options.authSecret) {
    ack(false, ROOM_ERRORS.UNAUTHORIZED);
    return;
  }
  if (typeof newUserId !== 'string' || refusal || ctx.users.has(newUserId)) {
    ack(false, ROOM_ERRORS.USERID_TAKEN);
    return;
  }
  // Hold the new id while the store renames: a socket asking for it meanwhile finds it taken.
  ctx.users.set(newUserId, socket);
  undo.push('hold the new id', () => {
    if (ctx.users.get(newUserId) === socket) ctx.users.delete(newUserId);
  });
  if (!(await ctx.store.renameUser(from, newUserId, socket.id, RENAME_ALIAS_MS))) {
    ctx.users.delete(newUserId);
    ack(false, ROOM_ERRORS.USERID_TAKEN);
    return;
  }
  // Renaming back (with no alias) also drops the alias the rename left.
  undo.push('rename in the store', () => ctx.store.renameUser(newUserId, from, socket.id, 0));
  ctx.users.delete(from);
  ctx.users.set(newUserId, socket);
  data.userId = newUserId;
  undo.push('socket id', () => {
    data.userId = from;
    ctx.users.set(from, socket);
  });
  if (data.roomId) {
    const roomId = data.roomId;
    await renameInTree(ctx, roomId, from, newUserId);
    undo.push('rename in the tree', () => renameInTree(ctx, roomId, newUserId, from));
  }
  await socket.join(userChannel(newUserId));
  undo.push('user channel', async () => {
    await socket.leave(userChannel(newUserId));
    await socket.join(userChannel(from));
  });
  await socket.leave(userChannel(from));
  if (data.roomId) {
    // v3's own notice, sent by the server (so it cannot be forged): peers rename their entry.
    const room = await ctx.store.get(data.roomId);
    for (const member of room?.participants ?? []) {
      if (member === newUserId) continue;
      const envelope: RelayEnvelope<unknown> = {
        remoteUserId: member,
        sender: newUserId,
        message: { changedUUID: true, oldUUID: from, newUUID: newUserId },
        extra: data.extra,
      };
      await ctx.deliver(member, envelope);
    }
  }
  ack(true);
}
