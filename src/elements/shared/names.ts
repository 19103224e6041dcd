import type { Extra, RoomConnection } from '../../engine/index.js';

/** The display name in a user's extra data, if any. */
export function displayName(extra: Extra | undefined): string | undefined {
  for (const key of ['name', 'fullName', 'userName', 'username', 'displayName']) {
    const value = extra?.[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

/** What the elements call another user of the room: the name in its extra data, else its id. */
export function nameOf(connection: RoomConnection | undefined, userId: string): string {
  return displayName(connection?.participants.find((p) => p.userId === userId)?.extra) ?? userId;
}
