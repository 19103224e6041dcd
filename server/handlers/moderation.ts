import { LEGACY_ERRORS, type RelayEnvelope } from '../../src/engine/signaling/protocol.js';
import { roomChannel, type AckFn, type HubContext, type SignalingSocket } from '../context.js';

/** The caller's room when the caller owns it; otherwise acks the v3 error and returns undefined. */
async function ownedRoom(ctx: HubContext, socket: SignalingSocket, ack: AckFn, event: string) {
  const roomId = socket.data.roomId;
  if (!roomId) {
    ack(false, LEGACY_ERRORS.DID_NOT_JOIN_ANY_ROOM);
    return undefined;
  }
  const room = await ctx.store.get(roomId);
  if (!room) {
    ack(false, LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
    return undefined;
  }
  if (room.owner !== socket.data.userId) {
    ctx.logger.warn(`refused "${event}" from a non-owner`, { userId: socket.data.userId, roomId });
    ack(false, LEGACY_ERRORS.ROOM_PERMISSION_DENIED);
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
  await ctx.evict(room.id, others, socket.data.extra);
  for (const userId of others) socket.emit('user-disconnected', userId);
  socket.data.roomId = undefined;
  await socket.leave(roomChannel(room.id));
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
  const target = typeof userId === 'string' ? ctx.users.get(userId) : undefined;
  if (!target || target === socket || target.data.roomId !== room.id) {
    ack(false, LEGACY_ERRORS.USERID_NOT_AVAILABLE);
    return;
  }
  await ctx.leaveRoom(target);
  // rtc-elements pages learn they were removed; v3 pages only understand a closed session.
  if (target.data.modern) target.emit('kicked', room.id, socket.data.userId);
  else target.emit('closed-entire-session', room.id, room.extra);
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
  const target = typeof userId === 'string' ? ctx.users.get(userId) : undefined;
  if (roomId && target && target !== socket && target.data.roomId === roomId) {
    const envelope: RelayEnvelope<unknown> = {
      remoteUserId: target.data.userId,
      sender: socket.data.userId,
      message: 'dropPeerConnection',
      extra: socket.data.extra,
    };
    ctx.deliver(target.data.userId, envelope);
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
  const pending = typeof userId === 'string' ? ctx.pendingJoins.get(userId) : undefined;
  if (!pending || pending.roomId !== socket.data.roomId) {
    return ctx.drop(socket, 'participation-decision', 'no such pending join in the room');
  }
  const room = await ctx.store.get(pending.roomId);
  if (room?.owner !== socket.data.userId) {
    return ctx.drop(socket, 'participation-decision', 'not the owner');
  }
  pending.decide(accepted === true);
}
