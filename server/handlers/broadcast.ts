/**
 * Scalable broadcast (`relayLimit` rooms): the server keeps each broadcast's relay tree in the
 * store, places every viewer under the shallowest member with room, tells it whom to receive from
 * (`broadcast-parent`), heals the tree when someone leaves, and keeps the broadcaster's viewer
 * count current (`number-of-broadcast-viewers-updated`).
 */
import { BroadcastTree, type Move } from '../broadcast/tree.js';
import { userChannel, type AckFn, type HubContext } from '../context.js';
import type { RoomRecord } from '../rooms.js';

/** A new broadcast: the owner alone at the root. */
export async function startTree(ctx: HubContext, room: RoomRecord): Promise<void> {
  if (room.relayLimit <= 0) return;
  const tree = new BroadcastTree(room.owner, room.relayLimit);
  await ctx.store.updateTree(room.id, () => ({ tree: tree.toState(), result: undefined }));
  announceViewers(ctx, room.id, room.owner, 0);
}

/** Places a viewer that joined; returns its parent (undefined when the room has no tree). */
export async function placeViewer(
  ctx: HubContext,
  room: RoomRecord,
  viewer: string,
): Promise<string | undefined> {
  const placed = await ctx.store.updateTree(room.id, (state) => {
    if (!state) return { tree: state, result: undefined };
    const tree = BroadcastTree.fromState(state);
    const parent = tree.add(viewer);
    return {
      tree: tree.toState(),
      result: { parent, count: tree.viewerCount, owner: tree.broadcaster },
    };
  });
  if (!placed) return undefined;
  ctx.io.to(userChannel(viewer)).emit('broadcast-parent', room.id, placed.parent);
  announceViewers(ctx, room.id, placed.owner, placed.count);
  return placed.parent;
}

/** A member left a broadcast: its children move (with their subtrees) and learn their new parent. */
export async function healTree(ctx: HubContext, roomId: string, userId: string): Promise<void> {
  const healed = await ctx.store.updateTree(roomId, (state) => {
    if (!state) return { tree: state, result: undefined };
    const tree = BroadcastTree.fromState(state);
    if (!tree.has(userId) || userId === tree.broadcaster) return { tree: state, result: undefined };
    const moves: Move[] = tree.remove(userId);
    return {
      tree: tree.toState(),
      result: { moves, count: tree.viewerCount, owner: tree.broadcaster },
    };
  });
  if (!healed) return;
  for (const move of healed.moves) {
    ctx.io.to(userChannel(move.userId)).emit('broadcast-parent', roomId, move.parent);
  }
  announceViewers(ctx, roomId, healed.owner, healed.count);
}

/** A member of a broadcast took a new id. */
export async function renameInTree(
  ctx: HubContext,
  roomId: string,
  from: string,
  to: string,
): Promise<void> {
  await ctx.store.updateTree(roomId, (state) => {
    if (!state) return { tree: state, result: undefined };
    const tree = BroadcastTree.fromState(state);
    tree.rename(from, to);
    return { tree: tree.toState(), result: undefined };
  });
}

/** The parent a viewer receives from (undefined outside a broadcast). */
export async function parentOf(
  ctx: HubContext,
  roomId: string,
  userId: string,
): Promise<string | undefined> {
  const state = await ctx.store.getTree(roomId);
  return state ? BroadcastTree.fromState(state).parentOf(userId) : undefined;
}

/** `get-number-of-users-in-specific-broadcast(broadcastId)`: v3's viewer count (0 for none). */
export async function viewerCount(
  ctx: HubContext,
  broadcastId: unknown,
  ack: AckFn,
): Promise<void> {
  const state = typeof broadcastId === 'string' ? await ctx.store.getTree(broadcastId) : undefined;
  ack(state ? state.members.length - 1 : 0);
}

function announceViewers(ctx: HubContext, roomId: string, owner: string, count: number): void {
  ctx.io.to(userChannel(owner)).emit('number-of-broadcast-viewers-updated', {
    broadcastId: roomId,
    numberOfBroadcastViewers: count,
  });
}
