/**
 * Scalable broadcast (`relayLimit` rooms): the server keeps each broadcast's relay tree in the
 * store, places every viewer under the shallowest member with room, tells it whom to receive from
 * (`broadcast-parent`), heals the tree when someone leaves or its connection drops, places a
 * member that resumed again, and keeps the broadcaster's viewer count current
 * (`number-of-broadcast-viewers-updated`).
 *
 * Life of a member: in the tree from its join; out of it (its children moved, with their
 * subtrees) as soon as it leaves or its connection drops, even while it keeps its room for the
 * grace period (its browser is probably gone, and the viewers below it would get no media); back
 * in it, under whoever has room then, when it resumes within the grace period. The broadcaster
 * stays at the root throughout: the broadcast (a room that closes with its owner) ends with it,
 * and the room's tree goes with the room.
 */
import { BroadcastTree, type Move } from '../broadcast/tree.js';
import { mayAskAbout } from '../access.js';
import { userChannel } from '../channels.js';
import type { AckFn, SignalingSocket } from '../types.js';
import type { HubContext } from '../context.js';
import type { RoomRecord } from '../store/types.js';

/**
 * A new broadcast: the owner alone at the root. (A `relayLimit` room closes when its owner leaves
 * for good, see `openRoom`: the root never changes hands.)
 */
export async function startTree(ctx: HubContext, room: RoomRecord): Promise<void> {
  if (room.relayLimit <= 0) return;
  const tree = new BroadcastTree(room.owner, room.relayLimit);
  await ctx.store.updateTree(room.id, () => ({ tree: tree.toState(), result: undefined }));
  announceViewers(ctx, room.id, room.owner, 0);
}

/**
 * Places a viewer that joined: it gets `broadcast-parent`, the broadcaster the new count. Returns
 * its parent (undefined when the room has no tree). A viewer already in the tree keeps its place
 * (never a second entry): it is told its parent again, the count stays as it is.
 */
export async function placeViewer(
  ctx: HubContext,
  room: RoomRecord,
  viewer: string,
): Promise<string | undefined> {
  // A room that is no broadcast has no tree: not even a look at the store.
  if (room.relayLimit <= 0) return undefined;
  const placed = await place(ctx, room.id, viewer);
  if (!placed) return undefined;
  if (placed.parent !== viewer)
    ctx.io.to(userChannel(viewer)).emit('broadcast-parent', room.id, placed.parent);
  return placed.parent;
}

/**
 * A member that resumed its session (within the grace period) into a broadcast: when `healTree`
 * took it out of the tree as its connection dropped, it is placed again like a new viewer (under
 * the shallowest member with room now; `broadcast-parent`, a new count). A member still in the
 * tree (the broadcaster; a resume that came before the heal) keeps its place and hears nothing;
 * so two of these racing place it once.
 */
export async function rejoinTree(ctx: HubContext, roomId: string, userId: string): Promise<void> {
  const room = await ctx.store.get(roomId);
  if (!room || room.relayLimit <= 0 || !room.participants.includes(userId)) return;
  const placed = await place(ctx, roomId, userId);
  if (placed?.added) ctx.io.to(userChannel(userId)).emit('broadcast-parent', roomId, placed.parent);
}

/** Adds a viewer unless it is in the tree already; announces a changed count. */
export async function place(
  ctx: HubContext,
  roomId: string,
  viewer: string,
): Promise<{ parent: string; added: boolean } | undefined> {
  const placed = await ctx.store.updateTree(roomId, (state) => {
    if (!state) return { tree: state, result: undefined };
    const tree = BroadcastTree.fromState(state);
    const added = !tree.has(viewer);
    const parent = tree.add(viewer);
    return {
      tree: added ? tree.toState() : state,
      result: { parent, added, count: tree.viewerCount, owner: tree.broadcaster },
    };
  });
  if (placed?.added) announceViewers(ctx, roomId, placed.owner, placed.count);
  return placed;
}

/**
 * A member left a broadcast, or its connection dropped (it keeps its room for the grace period,
 * not its place in the tree): its children move (with their subtrees) and learn their new parent
 * (`broadcast-parent`), the broadcaster the new count. The broadcaster is never taken out (its
 * leaving ends the broadcast).
 */
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
    // RTCMultiConnection 3.7 pages ask again (`join-broadcast`) and learn the new parent.
    ctx.io.to(userChannel(move.userId)).emit('rejoin-broadcast', roomId);
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

/**
 * The parent a viewer receives from (undefined outside a broadcast, and for a member whose
 * connection dropped: it is out of the tree until it resumes).
 */
export async function parentOf(
  ctx: HubContext,
  roomId: string,
  userId: string,
): Promise<string | undefined> {
  const state = await ctx.store.getTree(roomId);
  return state ? BroadcastTree.fromState(state).parentOf(userId) : undefined;
}

/**
 * `get-number-of-users-in-specific-broadcast(broadcastId)`: v3's viewer count (0 for none). A
 * password-protected broadcast tells only its members; on a server with room tokens, a socket
 * asks only about its token's room.
 */
export async function viewerCount(
  ctx: HubContext,
  socket: SignalingSocket,
  broadcastId: unknown,
  ack: AckFn,
): Promise<void> {
  const id = typeof broadcastId === 'string' ? broadcastId : '';
  const room = id && mayAskAbout(ctx, socket, id) ? await ctx.store.get(id) : undefined;
  const visible = !!room && (!room.passwordHash || room.participants.includes(socket.data.userId));
  const state = visible ? await ctx.store.getTree(id) : undefined;
  ack(state ? state.members.length - 1 : 0);
}

/**
 * Whether two members of a scalable broadcast are neighbours in its tree (parent and child),
 * the only members that negotiate a connection with each other.
 */
export async function neighbours(
  ctx: HubContext,
  roomId: string,
  a: string,
  b: string,
): Promise<boolean> {
  const state = await ctx.store.getTree(roomId);
  if (!state) return false;
  const tree = BroadcastTree.fromState(state);
  return tree.parentOf(a) === b || tree.parentOf(b) === a;
}

function announceViewers(ctx: HubContext, roomId: string, owner: string, count: number): void {
  ctx.io.to(userChannel(owner)).emit('number-of-broadcast-viewers-updated', {
    broadcastId: roomId,
    numberOfBroadcastViewers: count,
  });
}
