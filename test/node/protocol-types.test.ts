/**
 * The protocol's event maps at the type level (checked by `npm run typecheck`, as socket.io tests
 * its typed events), and what is derived from them at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RESERVED_EVENTS,
  isValidEventName,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../src/protocol/index.js';

/** True when A and B are each assignable to the other (the same type, for these checks). */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(value: Equal<A, B>) => value;

type Arguments<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>;
type AckOf<E extends keyof ClientToServerEvents> =
  Arguments<E> extends [...unknown[], infer Last] ? Last : never;
type Emitted<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

// Requests and their acks.
same<AckOf<'join-room'>, (ok: boolean, error?: string) => void>(true);
same<AckOf<'open-room'>, (ok: boolean, error?: string) => void>(true);
same<Parameters<AckOf<'check-presence'>>[0], boolean>(true);
same<
  Parameters<AckOf<'set-password'>>,
  [ok: boolean | null, roomid: string | null, error: string | null]
>(true);
same<Parameters<AckOf<'get-number-of-users-in-specific-broadcast'>>, [count: number]>(true);
same<AckOf<'disconnect-with'>, () => void>(true);
// Fire-and-forget events take no ack.
same<Arguments<'participation-decision'>, [userid: string, accepted: boolean]>(true);
same<Arguments<'can-relay-broadcast'>, []>(true);
// What the server emits.
same<Emitted<'user-disconnected'>[0], string>(true);
same<Emitted<'kicked'>, [roomid: string, by: string]>(true);

// Names outside the maps are refused.
// @ts-expect-error: not a client event
type NoSuchRequest = ClientToServerEvents['no-such-event'];
// @ts-expect-error: not a server event
type NoSuchNotice = ServerToClientEvents['no-such-event'];
export type { NoSuchRequest, NoSuchNotice };

const CLIENT_EVENTS: Record<keyof ClientToServerEvents, true> = {
  'open-room': true,
  'get-number-of-users-in-specific-broadcast': true,
  'join-room': true,
  'check-broadcast-presence': true,
  'join-broadcast': true,
  'can-relay-broadcast': true,
  'can-not-relay-broadcast': true,
  'scalable-broadcast-message': true,
  'check-presence': true,
  'extra-data-updated': true,
  'get-remote-user-extra-data': true,
  'set-password': true,
  'is-valid-password': true,
  'get-public-rooms': true,
  'close-entire-session': true,
  'changed-uuid': true,
  'disconnect-with': true,
  'kick-user': true,
  'participation-decision': true,
};

test('every client event of the map is reserved: no relay or custom event may take its name', () => {
  for (const name of Object.keys(CLIENT_EVENTS)) {
    assert.ok(RESERVED_EVENTS.has(name), name);
    assert.equal(isValidEventName(name), false, name);
  }
  assert.equal(isValidEventName('my-app-event'), true);
});
