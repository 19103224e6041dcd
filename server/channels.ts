/** The socket.io rooms ("channels") the server puts sockets in, by what they reach. */

export const userChannel = (userId: string) => `user:${userId}`;
/** Sockets in no room waiting at a room (see `SocketData.lobby`). */
export const lobbyChannel = (roomId: string) => sharedName('lobby:', roomId);
export const roomChannel = (roomId: string) => `room:${roomId}`;
/**
 * Every socket is in the channel of the relay event it listens to, on every node. A custom event
 * is broadcast to its room except that channel (see `custom`): whatever name a client picks, no
 * member ever receives a client's payload on its relay event, whose envelopes only the server
 * writes.
 */
export const relayEventChannel = (event: string) => sharedName('relay-event:', event);

/**
 * One string per channel name, shared by every socket that joins it: a fresh string per socket,
 * used as the key of a long-lived adapter room, was measured to keep about 10 KiB of heap per
 * connection that came and went (test/server/resume.test.ts, 2,000 join/leave cycles).
 */
function sharedName(prefix: string, name: string): string {
  const key = prefix + name;
  let shared = sharedNames.get(key);
  if (shared === undefined) {
    shared = key;
    if (sharedNames.size < 10_000) sharedNames.set(key, shared);
  }
  return shared;
}
const sharedNames = new Map<string, string>();
