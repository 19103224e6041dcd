import {
  SYSTEM_USER,
  isCustomMessage,
  isRecord,
  isRenameNotice,
  isRoomRequest,
  isUserLeft,
  parseRelayRequest,
  requestTargets,
  type RelayEnvelope,
} from '../../src/protocol/index.js';
import type { Socket } from 'socket.io';
import { lobbyChannel, relayEventChannel, roomChannel } from '../channels.js';
import { mayAskAbout } from '../access.js';
import type { AckFn, SignalingSocket } from '../types.js';
import type { HubContext } from '../context.js';
import { neighbours, parentOf } from './broadcast.js';

/**
 * The relay event: `{remoteUserId, sender, message}`. The sender is the socket's own identity,
 * never the client's claim; messages only reach members of the sender's room. A join request
 * addressed to the room fans out to its members (only to the owner in one-way rooms).
 */
export async function relay(
  ctx: HubContext,
  socket: SignalingSocket,
  payload: unknown,
  ack: AckFn,
): Promise<void> {
  const parsed = parseRelayRequest(payload);
  if (!parsed) return ctx.drop(socket, 'relay', 'not an envelope, or too large');
  const { remoteUserId, message } = parsed;
  const data = socket.data;
  // v3's presence probe (`remoteUserId: 'system'`), limited to the caller's room.
  if (remoteUserId === SYSTEM_USER && isRecord(message) && message['detectPresence']) {
    const who = typeof message['userid'] === 'string' ? message['userid'] : '';
    const room = data.roomId && who !== data.userId ? await ctx.store.get(data.roomId) : undefined;
    ack(!!room?.participants.includes(who), who);
    return;
  }
  // Rename notices come from the server alone (see `changed-uuid`): a member sending its own
  // `{changedUUID, oldUUID: <owner>, newUUID: <itself>}` would take over another user's id and
  // ownership on every receiver. v3.7 clients never send one.
  if (isRenameNotice(message))
    return ctx.drop(socket, 'relay', 'rename notices come from the server only');
  if (!data.roomId) return ctx.drop(socket, 'relay', 'sender is in no room');
  // The room and the addressed user in one lookup (one round trip to Redis).
  const [room, addressed] = await ctx.store.getRoomAndUser(data.roomId, remoteUserId);
  if (!room || !room.participants.includes(data.userId))
    return ctx.drop(socket, 'relay', 'sender left');
  const envelope = (target: string): RelayEnvelope<unknown> => ({
    remoteUserId: target,
    sender: data.userId,
    message,
    extra: data.extra,
  });
  if (isRoomRequest(room, remoteUserId, message)) {
    // In a scalable broadcast the request goes to the viewer's parent in the tree.
    const parent = room.relayLimit > 0 ? await parentOf(ctx, room.id, data.userId) : undefined;
    const targets = parent ? [parent] : requestTargets(room, data.userId);
    for (const target of targets)
      if (target !== data.userId) await ctx.deliver(target, envelope(target));
    return;
  }
  // A peer may still address someone by the id it had a moment ago.
  const target = room.participants.includes(remoteUserId)
    ? remoteUserId
    : await ctx.currentId(remoteUserId);
  if (target === data.userId || !room.participants.includes(target)) {
    socket.emit('user-not-found', remoteUserId);
    return ctx.drop(socket, 'relay', 'target is not in the room');
  }
  // In a scalable broadcast only neighbours in the tree (parent and child) negotiate; anyone may
  // still end a connection with anyone (a former parent, after the tree healed).
  if (
    room.relayLimit > 0 &&
    !ending(message) &&
    !(await neighbours(ctx, room.id, data.userId, target))
  )
    return ctx.drop(socket, 'relay', 'not a neighbour in the relay tree');
  await ctx.deliver(
    target,
    envelope(target),
    target === remoteUserId ? { user: addressed } : undefined,
  );
}

/** A message that only ends a connection. */
function ending(message: unknown): boolean {
  return message === 'dropPeerConnection' || isUserLeft(message);
}

/**
 * The custom event (v3's `socketCustomEvent`), never server-wide as v3's server sent it, and
 * never to a member whose relay event has that name (on any node: only the server writes what
 * arrives on a relay event, so a custom message can never pass for a relay envelope). From a
 * member of a room: to the room; from a member that speaks RTCMultiConnection (a 3.7 page or our
 * compat class), to the room's lobby as well. From a socket in no room: to the room it waits at
 * (named in its handshake or asked about) and that room's lobby, as RTCMultiConnection pages
 * message a room before joining it. Never into or out of a password-protected room's lobby, nor,
 * with room tokens, outside a token's room.
 */
export async function custom(
  ctx: HubContext,
  socket: SignalingSocket,
  event: string,
  message: unknown,
): Promise<void> {
  const data = socket.data;
  const roomId = data.roomId ?? data.lobby;
  if (!roomId) return ctx.drop(socket, event, 'sender is in no room');
  if (!isCustomMessage(message)) return ctx.drop(socket, event, 'message too large');
  const channels = [roomChannel(roomId)];
  if (!data.roomId || data.legacyCustom) {
    const room = mayAskAbout(ctx, socket, roomId) ? await ctx.store.get(roomId) : undefined;
    const open = !!room && room.participants.length > 0 && !room.passwordHash;
    if (!data.roomId && !open) return ctx.drop(socket, event, 'its lobby is closed to it');
    if (open) channels.push(lobbyChannel(roomId));
  }
  (socket as unknown as Socket).to(channels).except(relayEventChannel(event)).emit(event, message);
}
