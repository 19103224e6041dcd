/**
 * The `broadcast-channel:` hub and the server run the same parsers and room rules: one script of
 * requests (opens, joins refused for each reason, presence, public rooms, renames, owner-only
 * requests, approvals, relays, kicks, leaving owners, malformed payloads) is played against a real
 * server and against the hub, and every client must get the same acks and the same events from
 * both (except `session` and `ice-servers`, whose content is the server's own). The hub runs here
 * on Node's BroadcastChannel, with a small in-process Web Locks.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { ChannelSocket } from '../../src/engine/signaling/broadcast-channel.js';
import { cleanup, startTestServer, waitUntil, withTimeout } from '../server/helpers.js';

/** Web Locks as the hub and its clients use them: exclusive, granted in request order. */
class Locks {
  readonly #queues = new Map<string, (() => void)[]>();

  request(name: string, callback: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const run = () => {
        Promise.resolve()
          .then(callback)
          .then(resolve, reject)
          .finally(() => {
            const queue = this.#queues.get(name) ?? [];
            queue.shift();
            if (queue.length) queue[0]?.();
            else this.#queues.delete(name);
          });
      };
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(run);
      if (queue.length === 1) run();
    });
  }
}

// Node's channels keep the process alive; the hub never closes its own.
const NodeChannel = globalThis.BroadcastChannel;
globalThis.BroadcastChannel = class extends NodeChannel {
  constructor(name: string) {
    super(name);
    (this as unknown as { unref(): void }).unref();
  }
};
Object.defineProperty(globalThis, 'navigator', {
  value: { locks: new Locks() },
  configurable: true,
});

/** What a client got: acks of its requests and the events it received, in order. */
interface Connection {
  request(event: string, ...args: unknown[]): Promise<unknown[]>;
  send(event: string, ...args: unknown[]): void;
  events: [string, ...unknown[]][];
  close(): void;
}

/** Events whose content is the server's own (a resume secret, ICE servers). */
const OWN = new Set(['session', 'ice-servers']);

function record(events: [string, ...unknown[]][], event: string, args: unknown[]): void {
  if (!OWN.has(event)) events.push([event, ...(JSON.parse(JSON.stringify(args)) as unknown[])]);
}

/** A client over either socket (socket.io's or the hub's): requests with acks, sends, events. */
function connection(
  socket: {
    emit(event: string, ...args: unknown[]): unknown;
    disconnect(): unknown;
  },
  events: Connection['events'],
): Connection {
  return {
    request: (event, ...args) =>
      withTimeout(
        new Promise<unknown[]>((resolve) =>
          socket.emit(event, ...args, (...a: unknown[]) => resolve(a)),
        ),
        `ack of ${event}`,
      ),
    send: (event, ...args) => void socket.emit(event, ...args),
    events,
    close: () => void socket.disconnect(),
  };
}

async function serverConnection(url: string, query: Record<string, string>): Promise<Connection> {
  const socket = io(url, { query, transports: ['websocket'], forceNew: true, reconnection: false });
  const events: Connection['events'] = [];
  socket.onAny((event: string, ...args: unknown[]) => record(events, event, args));
  await withTimeout(
    new Promise((resolve) => socket.once('connect', () => resolve(true))),
    'connect',
  );
  return connection(socket, events);
}

async function hubConnection(url: string, query: Record<string, string>): Promise<Connection> {
  const socket = new ChannelSocket(url, { query: query as never, timeout: 3000 });
  const events: Connection['events'] = [];
  const dispatch = socket.dispatch.bind(socket);
  socket.dispatch = (event: string, ...args: unknown[]) => {
    if (event !== 'connect') record(events, event, args);
    dispatch(event, ...args);
  };
  const connected = new Promise((resolve) => socket.on('connect', () => resolve(true)));
  socket.connect();
  await withTimeout(connected, 'connect to the hub');
  return connection(socket, events);
}

type Open = (query: Record<string, string>) => Promise<Connection>;

/** The script: returns every ack, and every client's events once they have settled. */
async function play(open: Open) {
  const modern = (userid: string, more: Record<string, string> = {}) =>
    open({ userid, rtcElements: '1', extra: JSON.stringify({ name: userid }), ...more });
  const ann = await modern('ann', { maxParticipantsAllowed: '3' });
  const bob = await modern('bob');
  const cid = await modern('cid');
  const dan = await open({ userid: 'dan' }); // an RTCMultiConnection page
  const eve = await modern('eve');
  const all = [ann, bob, cid, dan, eve];
  const acks: unknown[][] = [];
  const ask = async (who: Connection, event: string, ...args: unknown[]) => {
    acks.push([event, ...(await who.request(event, ...args))]);
  };
  // A round trip: what the client sent before is handled, and what it was sent has come.
  const settle = (who: Connection) => who.request('check-presence', 'nowhere');

  await ask(ann, 'open-room', {
    sessionid: 'room',
    extra: { name: 'ann', topic: 'parity' },
    identifier: 'lobby',
    password: 'pw',
  });
  await ask(bob, 'join-room', { sessionid: 'room' });
  await ask(bob, 'join-room', { sessionid: 'room', password: 'nope' });
  await ask(bob, 'join-room', { sessionid: 'room', password: 'pw' });
  await ask(bob, 'join-room', { sessionid: 'room', password: 'pw' });
  await ask(cid, 'join-room', { sessionid: 'room', password: 'pw' });
  await ask(dan, 'join-room', { sessionid: 'room', password: 'pw' });
  await ask(eve, 'join-room', { sessionid: 'room', password: 'pw' });
  await ask(eve, 'join-room', { sessionid: 'missing' });
  await ask(eve, 'join-room', { sessionid: 'eve' });
  await ask(eve, 'check-presence', 'room');
  await ask(eve, 'check-presence', 42);
  await ask(eve, 'get-public-rooms', 'lobby');
  await ask(eve, 'get-public-rooms', '  ');
  await ask(bob, 'open-room', { sessionid: 'room' });
  // Malformed requests.
  await ask(ann, 'open-room', null);
  await ask(eve, 'join-room', { sessionid: 'room', session: { audio: 'yes' } });
  await ask(eve, 'join-room', { sessionid: 'room', approveJoins: 1 });
  await ask(eve, 'open-room', { sessionid: 'x', identifier: 7 });
  await ask(eve, 'open-room', { sessionid: 'x', extra: { big: 'é'.repeat(5000) } });
  // Owner-only requests from members, and from someone in no room.
  await ask(eve, 'set-password', 'x');
  await ask(bob, 'set-password', 'x');
  await ask(bob, 'kick-user', 'ann');
  await ask(eve, 'kick-user', 'ann');
  await ask(bob, 'close-entire-session');
  await ask(ann, 'set-password', 5);
  await ask(ann, 'kick-user', 'nobody');
  await ask(ann, 'kick-user', 'ann');
  // Renames.
  await ask(bob, 'changed-uuid', 'system');
  await ask(bob, 'changed-uuid', 'room');
  await ask(bob, 'changed-uuid', 'ann');
  await ask(bob, 'changed-uuid', '');
  await ask(bob, 'changed-uuid', 'bob');
  await ask(bob, 'changed-uuid', 'bob2');
  await ask(eve, 'get-remote-user-extra-data', 'bob2');
  await ask(cid, 'get-remote-user-extra-data', 'bob2');
  await ask(cid, 'get-remote-user-extra-data', 'cid');
  // Extra, relays and custom events.
  bob.send('extra-data-updated', { name: 'Bob' });
  bob.send('extra-data-updated', 'not an object');
  await settle(bob);
  ann.send('RTCMultiConnection-Message', { remoteUserId: 'bob2', message: { hello: 1 } });
  ann.send('RTCMultiConnection-Message', { remoteUserId: 'nobody', message: 'hi' });
  ann.send('RTCMultiConnection-Message', {
    remoteUserId: 'cid',
    message: { changedUUID: true, oldUUID: 'cid', newUUID: 'ann' },
  });
  ann.send('RTCMultiConnection-Message', {
    remoteUserId: 'room',
    message: { newParticipationRequest: true },
  });
  ann.send('RTCMultiConnection-Custom-Message', { note: 1 });
  await settle(ann);
  await ask(bob, 'disconnect-with', 'cid');
  await ask(bob, 'disconnect-with', 'eve');
  // The owner removes a v3 page, then leaves for another room: ownership moves on.
  await ask(ann, 'kick-user', 'dan');
  await ask(ann, 'open-room', { sessionid: 'elsewhere' });
  await ask(eve, 'check-presence', 'room');
  await ask(bob, 'set-password', '');
  await ask(eve, 'join-room', { sessionid: 'room' });
  await ask(eve, 'join-room', { sessionid: 'room' });
  // A one-way room that approves joins: one approved; then its owner closes it.
  await ask(ann, 'open-room', {
    sessionid: 'gate',
    approveJoins: true,
    session: { data: true, oneway: true },
  });
  const joining = dan.request('join-room', { sessionid: 'gate' });
  await waitUntil(
    () => settle(ann),
    () => ann.events.some(([event]) => event === 'participation-request'),
    'the participation request',
  );
  ann.send('participation-decision', 'dan', true);
  acks.push(['join-room (approved)', ...(await joining)]);
  dan.send('RTCMultiConnection-Message', {
    remoteUserId: 'gate',
    message: { newParticipationRequest: true },
  });
  await settle(dan);
  await ask(ann, 'close-entire-session');
  await ask(ann, 'open-room', { sessionid: 'gate' });
  for (const who of all) await settle(who);
  const events = all.map((who) => [...who.events]);
  for (const who of all) who.close();
  return { acks, events };
}

describe('the broadcast-channel hub runs the server’s rules', () => {
  after(cleanup);

  it('same acks and events for one script of requests', async () => {
    const server = await startTestServer();
    const onServer = await play((query) => serverConnection(server.url, query));
    const onHub = await play((query) => hubConnection('broadcast-channel:parity', query));
    assert.deepEqual(onHub.acks, onServer.acks);
    assert.deepEqual(onHub.events, onServer.events);
  });
});
