import type { HubContext } from './context.js';
import type { UserRecord } from './store/types.js';
import { healTree, rejoinTree } from './handlers/broadcast.js';
import { removeFromRoom } from './leaving.js';

/**
 * Keeps a user whose connection dropped in its room (`user.room`) until `until`, then removes it
 * (unless it resumed meanwhile). This node ends the grace period (it adopts users of a dead
 * node). In a broadcast the user leaves the relay tree at once (see `leaveTree`).
 */
export async function startGrace(
  ctx: HubContext,
  user: Pick<UserRecord, 'userId' | 'sid' | 'room'>,
  until: number,
): Promise<boolean> {
  if (!(await ctx.store.setGrace(user.userId, user.sid, until, ctx.options.node))) return false;
  clearTimeout(ctx.graceTimers.get(user.userId));
  const timer = setTimeout(
    () => {
      if (ctx.graceTimers.get(user.userId) === timer) ctx.graceTimers.delete(user.userId);
      void endGrace(ctx, user.userId, user.sid);
    },
    Math.max(0, until - Date.now()),
  );
  timer.unref();
  ctx.graceTimers.set(user.userId, timer);
  if (user.room) await leaveTree(ctx, user.room, user);
  return true;
}

/**
 * A broadcast member whose connection dropped: the viewers below it would get nothing for the
 * whole grace period (its browser is probably gone), so the tree heals now; the user stays in
 * the room, and goes back into the tree if it resumes (`rejoinTree`, from the resumed socket).
 * A resume that got in between the grace period starting and this heal found the user still
 * in the tree and left it there: it is placed again here.
 */
async function leaveTree(
  ctx: HubContext,
  roomId: string,
  user: Pick<UserRecord, 'userId' | 'sid'>,
): Promise<void> {
  try {
    const room = await ctx.store.get(roomId);
    if (!room || room.relayLimit <= 0) return;
    await healTree(ctx, roomId, user.userId);
    const now = await ctx.store.getUser(user.userId);
    if (now && now.sid !== user.sid && now.room === roomId)
      await rejoinTree(ctx, roomId, user.userId);
  } catch (error) {
    ctx.logger.error('cannot heal a relay tree', { userId: user.userId, error: String(error) });
  }
}

export async function endGrace(ctx: HubContext, userId: string, sid: string): Promise<void> {
  try {
    const user = await ctx.store.endGrace(userId, sid);
    if (user?.room) await removeFromRoom(ctx, user.room, userId, user.extra);
    if (user) ctx.logger.debug('grace period over', { userId });
  } catch (error) {
    ctx.logger.error('cannot end a grace period', { userId, error: String(error) });
  }
}
