import type { RoomConnection, Unsubscribe } from '../../engine/index.js';
import { fire } from '../events/events.js';
import { fireError } from '../shared/errors.js';

/**
 * Re-fires a room connection's engine events as the DOM events of its `<rtc-room>` (the room's
 * RoomController runs it for each connection), and returns the unsubscribe functions.
 * `rtc-user-status` is derived from presence: one per change.
 */
export function bindRoomEvents(
  host: HTMLElement & { joined: boolean; connectionState: string },
  connection: RoomConnection,
): Unsubscribe[] {
  const reflect = () => (host.connectionState = connection.connectionState);
  return [
    connection.on('joined', (detail) => {
      host.joined = true;
      fire(host, 'rtc-joined', detail);
    }),
    connection.on('left', (detail) => {
      host.joined = false;
      fire(host, 'rtc-left', detail);
    }),
    connection.on('state', ({ state }) => {
      host.joined = state === 'joined';
      reflect();
    }),
    connection.on('reconnecting', (detail) => {
      reflect();
      fire(host, 'rtc-reconnecting', detail);
    }),
    connection.on('reconnected', (detail) => {
      reflect();
      fire(host, 'rtc-reconnected', detail);
    }),
    connection.on('participant-joined', ({ userId, extra }) => {
      fire(host, 'rtc-participant-joined', { userId, extra });
      fire(host, 'rtc-user-status', { userId, status: 'online', extra });
    }),
    connection.on('participant-left', ({ userId, extra }) => {
      fire(host, 'rtc-participant-left', { userId, extra });
      fire(host, 'rtc-user-status', { userId, status: 'offline', extra });
    }),
    connection.on('participant-updated', ({ userId, extra }) =>
      fire(host, 'rtc-extra-updated', { userId, extra }),
    ),
    connection.on('participant-renamed', ({ userId, previous }) =>
      fire(host, 'rtc-participant-renamed', { userId, previousUserId: previous }),
    ),
    connection.on('user-id', ({ userId, previous }) =>
      fire(host, 'rtc-user-id-changed', { userId, previousUserId: previous }),
    ),
    // Events whose detail is the engine's payload as it is.
    ...(
      [
        'owner-changed',
        'kicked',
        'mute',
        'unmute',
        'custom-message',
        'message',
        'room-full',
        'session-closed',
        'broadcast-viewers',
        'broadcast-ended',
      ] as const
    ).map((name) => connection.on(name, (detail) => fire(host, `rtc-${name}`, detail as never))),
    connection.on('participation-request', ({ userId, extra }) => {
      // Cancelable: preventDefault() turns the user away now; otherwise accept()/reject() decide.
      if (!fire(host, 'rtc-participation-request', { userId, extra }, { cancelable: true })) {
        connection.reject(userId);
      }
    }),
    connection.on('stream', (info) => fire(host, 'rtc-stream', { ...info })),
    connection.on('stream-ended', (info) => fire(host, 'rtc-stream-ended', { ...info })),
    connection.on('error', (e) => fireError(host, e)),
    ...bindFileEvents(host, connection),
  ];
}

/** File transfer events of the room, as `rtc-file-*` DOM events (failures as `rtc-error`). */
function bindFileEvents(host: HTMLElement, connection: RoomConnection): Unsubscribe[] {
  const files = connection.files;
  return [
    files.on('file-offer', (offer) => {
      const detail = { ...offer };
      if (!fire(host, 'rtc-file-offer', detail, { cancelable: true })) offer.respondWith(false);
    }),
    ...(['file-start', 'file-progress', 'file-end', 'file-cancel'] as const).map((name) =>
      files.on(name, (detail) => fire(host, `rtc-${name}`, detail as never)),
    ),
    files.on('error', (e) => fireError(host, e, e.code, e.transfer)),
  ];
}
