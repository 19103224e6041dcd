import {
  LEGACY_ERRORS,
  ROOM_ERRORS,
  type RelayEnvelope,
} from '../../src/engine/signaling/protocol.js';
import {
  roomChannel,
  userChannel,
  type AckFn,
  type HubContext,
  type SignalingSocket,
} from '../context.js';
import { extraSchema, idSchema } from '../validation.js';
import { renameInTree } from './broadcast.js';

/** How long relays addressed to a user's old id still reach it after a rename. */
const RENAME_ALIAS_MS = 30_000;

/** `extra-data-updated(extra)`: stores it and tells the rest of the room. */
export async function updateExtra(
  ctx: HubContext,
  socket: SignalingSocket,
  extra: unknown,
): Promise<void> {
  const parsed = extraSchema.safeParse(extra);
  if (!parsed.success) return ctx.drop(socket, 'extra-data-updated', parsed.error.message);
  const data = socket.data;
  if (JSON.stringify(data.extra) === JSON.stringify(parsed.data)) return;
  data.extra = parsed.data;
  await ctx.store.setUserExtra(data.userId, socket.id, data.extra);
  if (!data.roomId) return;
  const room = await ctx.store.get(data.roomId);
  if (room?.owner === data.userId) await ctx.store.update(room.id, { extra: parsed.data });
  socket.to(roomChannel(data.roomId)).emit('extra-data-updated', data.userId, parsed.data);
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
): Promise<void> {
  const data = socket.data;
  const from = data.userId;
  if (typeof newUserId !== 'string' || !idSchema.safeParse(newUserId).success) {
    ctx.drop(socket, 'changed-uuid', 'invalid user id');
    ack(false, LEGACY_ERRORS.USERID_NOT_AVAILABLE);
    return;
  }
  if (newUserId === from) {
    ack(true);
    return;
  }
  if (ctx.users.has(newUserId) || newUserId === 'system' || newUserId === data.roomId) {
    ack(false, ROOM_ERRORS.USERID_TAKEN);
    return;
  }
  // Hold the new id while the store renames: a socket asking for it meanwhile finds it taken.
  ctx.users.set(newUserId, socket);
  if (!(await ctx.store.renameUser(from, newUserId, socket.id, RENAME_ALIAS_MS))) {
    ctx.users.delete(newUserId);
    ack(false, ROOM_ERRORS.USERID_TAKEN);
    return;
  }
  ctx.users.delete(from);
  data.userId = newUserId;
  if (data.roomId) await renameInTree(ctx, data.roomId, from, newUserId);
  await socket.leave(userChannel(from));
  await socket.join(userChannel(newUserId));
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
