import {
  LEGACY_ERRORS,
  kickRefusal,
  otherMember,
  ownerRefusal,
  type RelayEnvelope,
} from '../../src/protocol/index.js';
import { administers } from '../access.js';
import { roomChannel } from '../channels.js';
import type { AckFn, SignalingSocket } from '../types.js';
import type { HubContext } from '../context.js';
import { evict, forgetRoom, removeFromRoom } from '../leaving.js';

/** The caller's room when the caller owns it; otherwise acks the v3 error and returns undefined. */
async function ownedRoom(ctx: HubContext, socket: SignalingSocket, ack: AckFn, event: string) {
  const roomId = socket.data.roomId;
  const room = roomId ? await ctx.store.get(roomId) : undefined;
  const refusal = ownerRefusal(roomId, room, !!room && administers(ctx, socket, room));
  if (refusal === LEGACY_ERRORS.ROOM_PERMISSION_DENIED)
    ctx.logger.warn(`refused "${event}" from a non-owner`, { userId: socket.data.userId, roomId });
  if (refusal || !room) {
    ack(false, refusal);
    return undefined;
  }
  return room;
}

/**
 * `close-entire-session` (owner only): everyone else gets `closed-entire-session` and is out of
 * the room; the owner gets `user-disconnected` for each of them (v3 waits for its peers to go),
 * then the room is gone.
 */
export async function closeEntireSession(
  ctx: HubContext,
  socket: SignalingSocket,
  ack: AckFn,
): Promise<void> {
  const room = await ownedRoom(ctx, socket, ack, 'close-entire-session');
  if (!room) return;
  await ctx.store.delete(room.id);
  const others = room.participants.filter((p) => p !== socket.data.userId);
  evict(ctx, room.id, others, socket.data.extra, room.relayLimit > 0);
  for (const userId of others) socket.emit('user-disconnected', userId);
  socket.data.roomId = undefined;
  await socket.leave(roomChannel(room.id));
  await forgetRoom(ctx, room.id);
  ack(true);
}

/** `kick-user(userid)` (owner only): takes a user out of the room for everyone. */
export async function kickUser(
  ctx: HubContext,
  socket: SignalingSocket,
  userId: unknown,
  ack: AckFn,
): Promise<void> {
  const room = await ownedRoom(ctx, socket, ack, 'kick-user');
  if (!room) return;
  const refusal = kickRefusal(room, socket.data.userId, userId);
  if (refusal || typeof userId !== 'string') {
    ack(false, refusal);
    return;
  }
  const target = userId;
  // The target's socket (on whichever node) leaves first and learns why; then the room hears.
  const kicked = { roomId: room.id, userId: target, by: socket.data.userId, extra: room.extra };
  ctx.send({ type: 'kicked', ...kicked });
  await removeFromRoom(ctx, room.id, target, {});
  ack(true);
}

/**
 * `disconnect-with(userid)`: both sides drop their peer connection (the target gets v3's
 * `dropPeerConnection` relay); nobody leaves the room.
 */
export async function disconnectWith(
  ctx: HubContext,
  socket: SignalingSocket,
  userId: unknown,
  ack: AckFn,
): Promise<void> {
  const roomId = socket.data.roomId;
  const room = roomId ? await ctx.store.get(roomId) : undefined;
  if (otherMember(room, socket.data.userId, userId)) {
    const envelope: RelayEnvelope<unknown> = {
      remoteUserId: userId,
      sender: socket.data.userId,
      message: 'dropPeerConnection',
      extra: socket.data.extra,
    };
    await ctx.deliver(userId, envelope);
  }
  ack();
}

/** `participation-decision(userid, accepted)` from the owner of an `approveJoins` room. */
export async function participationDecision(
  ctx: HubContext,
  socket: SignalingSocket,
  userId: unknown,
  accepted: unknown,
): Promise<void> {
  const roomId = socket.data.roomId;
  if (typeof userId !== 'string' || !roomId) {
    return ctx.drop(socket, 'participation-decision', 'no such pending join in the room');
  }
  const room = await ctx.store.get(roomId);
  if (!room || !administers(ctx, socket, room)) {
    return ctx.drop(socket, 'participation-decision', 'not the owner');
  }
  // The joiner waits on its own node: the node that has it decides.
  ctx.send({ type: 'decision', roomId, userId, accepted: accepted === true });
}
