import type { HubContext } from './context.js';
import type { RoomRecord } from './store/types.js';
import type { SignalingSocket } from './types.js';

/**
 * Whether a socket may administer a room (passwords, kick, close, approvals): it owns the room
 * and, on a server with room tokens, its token's role is `owner` (a role bounds what a socket
 * may do even if ownership reached it).
 */
export function administers(ctx: HubContext, socket: SignalingSocket, room: RoomRecord): boolean {
  if (room.owner !== socket.data.userId) return false;
  return !ctx.options.authSecret || socket.data.auth?.role === 'owner';
}

/**
 * Whether a socket may ask about a room it is not in: on a server with room tokens, only about
 * the room its token is for.
 */
export function mayAskAbout(ctx: HubContext, socket: SignalingSocket, roomId: string): boolean {
  return !ctx.options.authSecret || socket.data.auth?.room === roomId;
}
