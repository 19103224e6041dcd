import type { Extra } from '../src/protocol/index.js';
import type { HubContext } from './context.js';
import { roomChannel, userChannel } from './channels.js';
import { healTree } from './handlers/broadcast.js';
import type { SignalingSocket } from './types.js';

/** Takes the socket out of its room (see `removeFromRoom`). */
export async function leaveRoom(ctx: HubContext, socket: SignalingSocket): Promise<void> {
  const data = socket.data;
  const roomId = data.roomId;
  if (!roomId) return;
  data.roomId = undefined;
  await socket.leave(roomChannel(roomId));
  await removeFromRoom(ctx, roomId, data.userId, data.extra);
}

/** Takes the socket out of a room it was in besides its current one (see `removeFromRoom`). */
export async function exitRoom(
  ctx: HubContext,
  socket: SignalingSocket,
  roomId: string,
): Promise<void> {
  await socket.leave(roomChannel(roomId));
  await removeFromRoom(ctx, roomId, socket.data.userId, socket.data.extra);
}

/**
 * Takes a user (of any node, or of a node that died) out of a room: tells the others, moves
 * ownership (announced to everyone) or closes the room for everyone.
 */
export async function removeFromRoom(
  ctx: HubContext,
  roomId: string,
  userId: string,
  extra: Extra,
): Promise<void> {
  const outcome = await ctx.store.leave(roomId, userId);
  if (!outcome.left) return;
  ctx.io.to(roomChannel(roomId)).emit('user-disconnected', userId);
  if (outcome.room && outcome.room.relayLimit > 0) await healTree(ctx, roomId, userId);
  if (outcome.newOwner) announceOwner(ctx, roomId, outcome.newOwner);
  if (outcome.closed) evict(ctx, roomId, outcome.remaining, extra, outcome.broadcast);
  if (!outcome.room) await forgetRoom(ctx, roomId);
}

/** A room is gone: waiting joins are refused and its wrong-guess count is dropped. */
export async function forgetRoom(ctx: HubContext, roomId: string): Promise<void> {
  ctx.send({ type: 'gone', roomId });
  await ctx.store.clearGuesses(roomId);
}

/** Tells a room its new owner: `owner-changed` to everyone, v3's `set-isInitiator-true` to it. */
export function announceOwner(ctx: HubContext, roomId: string, owner: string): void {
  ctx.io.to(roomChannel(roomId)).emit('owner-changed', roomId, owner);
  ctx.io.to(userChannel(owner)).emit('set-isInitiator-true', roomId);
  ctx.send({ type: 'owner', roomId, owner });
}

/** Everyone still in a closed room gets `closed-entire-session` and is taken out of it. */
export function evict(
  ctx: HubContext,
  roomId: string,
  members: string[],
  ownerExtra: Extra,
  broadcast: boolean,
): void {
  ctx.send({ type: 'closed', roomId, members, extra: ownerExtra, broadcast });
}
