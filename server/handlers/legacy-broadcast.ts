/**
 * RTCMultiConnection 3.7's scalable broadcast (its Scalable-Broadcast.js events), served on the
 * relay tree rtc-elements uses (broadcast.ts), so that its demo pages work unchanged:
 *
 * - `check-broadcast-presence(id)`: whether the broadcast has its broadcaster;
 * - `join-broadcast({broadcastId, userid, typeOfStreams})`: without a broadcast, the caller
 *   starts it (`start-broadcasting`; its page opens the room under the broadcast's id, and names
 *   itself after it: the server renames the socket as `changed-uuid` would, never onto a taken
 *   id); otherwise the caller is placed in the tree now and told whom to receive from
 *   (`join-broadcaster`), and its page joins (`open-room`/`join-room` of a socket whose handshake
 *   has `enableScalableBroadcast` go to the room of `extra.broadcastId`, as v3's server did);
 * - when a relay goes, the viewers below it get `rejoin-broadcast` and ask again (the tree has
 *   already healed: they learn their new parent); when the broadcaster goes, `broadcast-stopped`;
 * - `can-relay-broadcast` is accepted (the tree places viewers under anyone with room; v3 pages
 *   that get a child before their stream renegotiate when it comes, as in v3);
 * - `scalable-broadcast-message` is a custom event of the sender's room (never server-wide).
 */
import { isValidId, parseSession, type RoomRequest } from '../../src/protocol/index.js';
import { mayAskAbout } from '../access.js';
import { userChannel } from '../channels.js';
import type { HubContext } from '../context.js';
import type { SignalingSocket } from '../types.js';
import type { Undo } from '../undo.js';
import { healTree, place } from './broadcast.js';
import { changeUserId } from './users.js';

/** How long a viewer that came before the broadcast's room exists waits before asking again. */
const NOT_READY_RETRY_MS = 500;

/** `check-broadcast-presence(broadcastId)`: the broadcast exists (or its broadcaster is starting it). */
export async function checkBroadcastPresence(
  ctx: HubContext,
  socket: SignalingSocket,
  broadcastId: unknown,
  ack: (exists: boolean) => void,
): Promise<void> {
  const id = isValidId(broadcastId) ? broadcastId : '';
  if (!id || !mayAskAbout(ctx, socket, id)) return ack(false);
  const room = await ctx.store.get(id);
  if (room && room.participants.length > 0) return ack(room.relayLimit > 0);
  // Its broadcaster took the broadcast's id and is opening the room.
  ack(id !== socket.data.userId && !!(await ctx.store.getUser(id)));
}

/** `join-broadcast({broadcastId, userid, typeOfStreams})`. */
export async function joinBroadcast(
  ctx: HubContext,
  socket: SignalingSocket,
  payload: unknown,
  undo: Undo,
): Promise<void> {
  const request = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<
    string,
    unknown
  >;
  const broadcastId = request['broadcastId'];
  const streams = parseSession(request['typeOfStreams'] ?? { audio: true, video: true });
  if (!isValidId(broadcastId) || !streams || !mayAskAbout(ctx, socket, broadcastId))
    return ctx.drop(socket, 'join-broadcast', 'invalid broadcast id or streams');
  const data = socket.data;
  const room = await ctx.store.get(broadcastId);
  if (room && room.participants.length > 0) {
    if (room.relayLimit <= 0) return ctx.drop(socket, 'join-broadcast', 'not a broadcast');
    if (room.participants.includes(data.userId) && room.owner === data.userId) return;
    // Placed now (v3 places at this request); its join then keeps this place.
    const placed = await place(ctx, broadcastId, data.userId);
    if (!placed) return;
    if (placed.added) {
      data.pendingBroadcast = broadcastId;
      undo.push('placed in the tree', () => healTree(ctx, broadcastId, data.userId));
    }
    socket.emit('join-broadcaster', {
      userid: placed.parent,
      broadcastId,
      typeOfStreams: room.session,
    });
    return;
  }
  // No broadcast yet. Its broadcaster names itself after it (v3's demos do, before asking).
  const claimed = request['userid'];
  if (claimed === broadcastId && data.userId !== broadcastId) {
    const answer: unknown[] = [];
    await changeUserId(ctx, socket, broadcastId, (...args) => answer.push(...args), undo);
    if (answer[0] !== true) return retryLater(ctx, socket, broadcastId);
  }
  if (data.userId !== broadcastId && (await ctx.store.getUser(broadcastId)))
    return retryLater(ctx, socket, broadcastId);
  socket.emit('start-broadcasting', streams);
}

/** A viewer that asked before the broadcaster opened the room asks again in a moment. */
function retryLater(ctx: HubContext, socket: SignalingSocket, broadcastId: string): void {
  const timer = setTimeout(() => {
    if (socket.connected)
      ctx.io.to(userChannel(socket.data.userId)).emit('rejoin-broadcast', broadcastId);
  }, NOT_READY_RETRY_MS);
  timer.unref();
}

/**
 * The room an `open-room`/`join-room` goes to: a v3 scalable-broadcast page (handshake
 * `enableScalableBroadcast`) opens and joins `extra.broadcastId`'s room whatever id it names (it
 * joins "the user it receives from"; v3's server did the same).
 */
export function roomOf(socket: SignalingSocket, request: RoomRequest): string {
  const query = socket.handshake.query as Record<string, unknown>;
  const broadcastId = request.extra?.['broadcastId'];
  return query['enableScalableBroadcast'] === 'true' && isValidId(broadcastId)
    ? broadcastId
    : request.sessionid;
}

/** A viewer placed by `join-broadcast` that never joined leaves the tree with its socket. */
export async function leavePendingBroadcast(
  ctx: HubContext,
  socket: SignalingSocket,
): Promise<void> {
  const broadcastId = socket.data.pendingBroadcast;
  if (!broadcastId || socket.data.roomId === broadcastId) return;
  socket.data.pendingBroadcast = undefined;
  const room = await ctx.store.get(broadcastId);
  if (!room?.participants.includes(socket.data.userId))
    await healTree(ctx, broadcastId, socket.data.userId);
}
