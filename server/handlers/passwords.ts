import {
  LEGACY_ERRORS,
  isOpen,
  isPassword,
  isValidId,
  passwordError,
  requestedRoomId,
  type PasswordCheck,
} from '../../src/protocol/index.js';
import { administers, mayAskAbout } from '../access.js';
import type { AckFn, SignalingSocket } from '../types.js';
import type { HubContext } from '../context.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import type { RoomRecord } from '../store/types.js';
import type { Undo } from '../undo.js';

/**
 * Checks a password against a room, counting wrong guesses per socket and per room. Past either
 * limit every try is refused (even a right one), so guessing does not pay. The per-room limit
 * stops guessing spread over many sockets, at the price of locking the room's password for the
 * rest of the window.
 */
export async function checkPassword(
  ctx: HubContext,
  socket: SignalingSocket,
  room: RoomRecord,
  password: string,
): Promise<PasswordCheck> {
  if (!room.passwordHash) return 'ok';
  const { maxPasswordFailures, maxRoomPasswordFailures, passwordWindowMs } = ctx.options;
  // 0 turns either limit off.
  if (maxPasswordFailures > 0 && socket.data.passwordFailures >= maxPasswordFailures)
    return limited(ctx, socket, room);
  // Count the guess as wrong while it is checked (in the shared store, so guesses spread over
  // sockets and nodes add up and simultaneous ones cannot all get past the limit); a right one
  // gives its count back.
  const count = await ctx.store.addGuesses(room.id, 1, passwordWindowMs);
  if (maxRoomPasswordFailures > 0 && count > maxRoomPasswordFailures) {
    await ctx.store.addGuesses(room.id, -1, passwordWindowMs);
    return limited(ctx, socket, room);
  }
  socket.data.passwordFailures++;
  const hash = room.passwordHash;
  // Hashing waits its turn (bounded and fair between clients); refused, the guess is given back.
  const right = await ctx.options.hashing
    .run(socket.data.address, () => verifyPassword(password, hash))
    .catch(async (error: unknown) => {
      socket.data.passwordFailures--;
      await ctx.store.addGuesses(room.id, -1, passwordWindowMs);
      throw error;
    });
  if (!right) return 'wrong';
  socket.data.passwordFailures--;
  await ctx.store.addGuesses(room.id, -1, passwordWindowMs);
  return 'ok';
}

function limited(ctx: HubContext, socket: SignalingSocket, room: RoomRecord): PasswordCheck {
  ctx.logger.warn('password tries refused', { userId: socket.data.userId, roomId: room.id });
  return 'limited';
}

/** `set-password` (owner only): v3 acks `(true, roomid, null)` / `(false, roomid, denied)`. */
export async function setPassword(
  ctx: HubContext,
  socket: SignalingSocket,
  password: unknown,
  ack: AckFn,
  undo: Undo,
): Promise<void> {
  const roomId = socket.data.roomId;
  if (!roomId) {
    ack(null, null, LEGACY_ERRORS.DID_NOT_JOIN_ANY_ROOM);
    return;
  }
  if (!isPassword(password)) {
    ctx.drop(socket, 'set-password', 'not a string or too long');
    ack(false, roomId, LEGACY_ERRORS.INVALID_PASSWORD);
    return;
  }
  const room = await ctx.store.get(roomId);
  if (!room || !administers(ctx, socket, room)) {
    ack(false, roomId, LEGACY_ERRORS.ROOM_PERMISSION_DENIED);
    return;
  }
  const passwordHash = password
    ? await ctx.options.hashing.run(socket.data.address, () => hashPassword(password))
    : undefined;
  await ctx.store.update(roomId, { passwordHash });
  undo.push('the password', () => ctx.store.update(roomId, { passwordHash: room.passwordHash }));
  // A new password is a new secret: guesses against the old one no longer lock the room.
  await ctx.store.clearGuesses(roomId);
  ack(true, roomId, null);
}

/** `is-valid-password(password, roomid)`: v3's acks, limited like joins. */
export async function isValidPassword(
  ctx: HubContext,
  socket: SignalingSocket,
  password: unknown,
  roomId: unknown,
  ack: AckFn,
): Promise<void> {
  // Room ids as check-presence and join-room take them (v3 pages may pass numbers).
  const id = requestedRoomId(roomId);
  if (typeof password !== 'string' || !password.trim()) {
    ack(false, id, 'You did not enter the password.');
    return;
  }
  if (!isPassword(password)) {
    // As join-room refuses it: never compared, never truncated into a match.
    ctx.drop(socket, 'is-valid-password', 'password too long');
    ack(false, id, LEGACY_ERRORS.INVALID_PASSWORD);
    return;
  }
  if (!isValidId(id)) {
    ack(false, id, 'You did not enter the room-id.');
    return;
  }
  const room = mayAskAbout(ctx, socket, id) ? await ctx.store.get(id) : undefined;
  if (!isOpen(room)) {
    ack(false, id, LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
    return;
  }
  if (!room.passwordHash) {
    ack(false, id, 'This room do not have any password.');
    return;
  }
  const check = await checkPassword(ctx, socket, room, password);
  if (check === 'ok') ack(true, id, false);
  else ack(false, id, passwordError(check));
}
