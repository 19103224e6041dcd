import type { MuteKind, RoomConnection, Unsubscribe } from '../../engine/index.js';
import { displayName, nameOf } from '../shared/names.js';
import type { ROOM } from './strings.js';

type Say = (key: keyof typeof ROOM, name: string) => void;

/**
 * What a room tells screen readers, once each: who joins and who leaves after this page joined
 * (not everyone already there as it joins, nor again after a reconnection), and others' mutes (a
 * page's own mutes are announced by the `<rtc-media-controls>` that made them).
 */
export function bindAnnouncements(connection: RoomConnection, say: Say): Unsubscribe[] {
  let present = new Set<string>();
  // The mute states of the people found at the join arrive right after it: not news.
  let settling = false;
  const mute =
    (state: 'Off' | 'On') =>
    ({ userId, kind }: { userId: string; kind: MuteKind }) => {
      if (!settling && userId !== connection.userId)
        say(`${kind}${state}`, nameOf(connection, userId));
    };
  return [
    connection.on('joined', () => {
      present = new Set(connection.participants.map((p) => p.userId));
      settling = true;
      setTimeout(() => (settling = false));
    }),
    connection.on('participant-joined', ({ userId, extra }) => {
      if (!present.delete(userId)) say('joined', displayName(extra) ?? userId);
    }),
    connection.on('participant-left', ({ userId, extra }) =>
      say('left', displayName(extra) ?? userId),
    ),
    connection.on('mute', mute('Off')),
    connection.on('unmute', mute('On')),
  ];
}
