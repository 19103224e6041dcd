import type { HubContext } from './context.js';
import { roomChannel, userChannel } from './channels.js';
import type { NodeCommand, SignalingSocket } from './types.js';

/** What a command from any node (see `HubContext.send`) does to this node's sockets and waiting joins. */
export function applyCommand(ctx: HubContext, command: NodeCommand): void {
  switch (command.type) {
    case 'kicked': {
      const target = takeOut(ctx, command.userId, command.roomId);
      if (!target) return;
      // rtc-elements pages learn they were removed; v3 pages only understand a closed session.
      if (target.data.modern) target.emit('kicked', command.roomId, command.by);
      else target.emit('closed-entire-session', command.roomId, command.extra);
      return;
    }
    case 'closed':
      for (const userId of command.members) {
        const member = takeOut(ctx, userId, command.roomId);
        member?.emit('closed-entire-session', command.roomId, command.extra);
        // v3's scalable-broadcast pages wait for this one.
        if (command.broadcast) member?.emit('broadcast-stopped', command.roomId);
      }
      ctx.endPendingJoins(command.roomId);
      return;
    case 'decision': {
      const pending = ctx.pendingJoins.get(command.userId);
      if (pending?.roomId === command.roomId) pending.decide(command.accepted);
      return;
    }
    case 'owner':
      // Joins that were waiting for the old owner now wait for the new one.
      for (const pending of ctx.pendingJoins.values()) {
        if (pending.roomId === command.roomId) {
          ctx.io
            .to(userChannel(command.owner))
            .emit('participation-request', pending.userId, pending.extra);
        }
      }
      return;
    case 'gone':
      ctx.endPendingJoins(command.roomId);
      return;
    case 'replaced': {
      const socket = ctx.users.get(command.userId);
      if (socket?.id !== command.sid) return;
      // Not a leave: the user lives on in the new socket.
      ctx.users.delete(command.userId);
      socket.data.roomId = undefined;
      socket.disconnect(true);
      return;
    }
  }
}

/** A socket of this node in that room, taken out of it (undefined when there is none). */
function takeOut(ctx: HubContext, userId: string, roomId: string): SignalingSocket | undefined {
  const socket = ctx.users.get(userId);
  if (socket?.data.roomId !== roomId) return undefined;
  socket.data.roomId = undefined;
  void socket.leave(roomChannel(roomId));
  return socket;
}
