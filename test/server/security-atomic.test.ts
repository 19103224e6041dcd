/**
 * Security, class 2: a refused or failed request changes nothing. Payloads are checked (depth
 * and size) before any change, so a deep `extra` leaves no ghost; and when a handler fails after
 * changing something (a store error, here injected), what it changed is undone, on the memory and
 * the Redis store.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { LIMITS } from '../../src/protocol/index.js';
import { MemoryRoomStore } from '../../server/store/memory.js';
import type { RoomStore } from '../../server/store/types.js';
import { connectRedis, type RedisConnection } from '../../server/store/redis.js';
import type { AppOptions, RunningServer } from '../../server/index.js';
import { startRedis, type RunningRedis } from '../support/redis.js';
import {
  cleanup,
  onCleanup,
  publicRoom,
  serverSawDisconnect,
  startTestServer,
  uid,
  user,
  waitUntil,
  type Client,
} from './helpers.js';
import { useTopologies } from './topologies.js';

/** `{d: [[[...]]]}`: 2 bytes a level, so thousands of levels fit in the 8 KiB extra limit. */
function deepExtra(levels: number): Record<string, unknown> {
  let value: unknown = [];
  for (let i = 1; i < levels; i++) value = [value];
  return { d: value };
}

const idOf = (client: Client) =>
  String((client.socket.io.opts.query as Record<string, string>)['userid']);

describe('security: refused requests leave nothing behind', () => {
  const topologies = useTopologies();
  afterEach(cleanup);

  for (const [name, start] of topologies) {
    describe(name, () => {
      it('a join with a 3,500-level extra is refused and leaves no ghost', async () => {
        const nodes = await start();
        const at = (i: number) => nodes[i % nodes.length]!;
        const identifier = uid('lobby');
        const roomid = uid('one-seat');
        const owner = await user(at(0), uid('owner'), undefined, { maxParticipantsAllowed: '1' });
        assert.deepEqual(await owner.openRoom(roomid, { identifier }), [true]);
        const extra = deepExtra(3500);
        assert.ok(JSON.stringify(extra).length < LIMITS.extraBytes);
        const attacker = await user(at(1), uid('ghost'));
        assert.deepEqual(await attacker.joinRoom(roomid, { extra }), [false, 'Invalid payload']);
        assert.deepEqual((await publicRoom(owner, identifier, roomid))?.participants, [
          idOf(owner),
        ]);
        const gone = serverSawDisconnect(at(1), idOf(attacker));
        attacker.close();
        await gone;
        // The seat is free, the owner's successor is a real member, and the room goes with them.
        const guest = await user(at(1), uid('guest'));
        assert.deepEqual(await guest.joinRoom(roomid), [true]);
        owner.close();
        await guest.waitFor('set-isInitiator-true');
        guest.close();
        await waitUntil(
          () => at(0).hub.roomCount(),
          (n) => n === 0,
          'no room left',
        );
      });

      it('a 2,000-level extra-data-updated changes nothing: later joins and public lists work', async () => {
        const nodes = await start();
        const at = (i: number) => nodes[i % nodes.length]!;
        const identifier = uid('lobby');
        const roomid = uid('room');
        const owner = await user(at(0), uid('owner'), { name: 'O' });
        const member = await user(at(1), uid('member'), { name: 'M' });
        assert.deepEqual(await owner.openRoom(roomid, { identifier }), [true]);
        assert.deepEqual(await member.joinRoom(roomid), [true]);
        const deep = { name: 'deep', ...deepExtra(2000) };
        assert.ok(JSON.stringify(deep).length < LIMITS.extraBytes);
        member.emit('extra-data-updated', deep);
        owner.emit('extra-data-updated', deep);
        await member.barrier();
        await owner.barrier();
        const late = await user(at(0), uid('late'));
        assert.deepEqual(await late.joinRoom(roomid), [true]);
        assert.deepEqual(await late.waitFor('user-connected', (id) => id === idOf(member)), [
          idOf(member),
          { name: 'M' },
        ]);
        assert.deepEqual((await publicRoom(late, identifier, roomid))?.extra, { name: 'O' });
        assert.equal(owner.count('extra-data-updated'), 0);
      });

      it('a payload at the depth limit goes through, across nodes', async () => {
        const nodes = await start();
        const at = (i: number) => nodes[i % nodes.length]!;
        const roomid = uid('room');
        const owner = await user(at(0), uid('owner'));
        const member = await user(at(1), uid('member'));
        assert.deepEqual(await owner.openRoom(roomid), [true]);
        // The extra is the payload's second level: `{extra: {d: [...]}}`.
        const extra = deepExtra(LIMITS.jsonDepth - 2);
        assert.deepEqual(await member.joinRoom(roomid, { extra }), [true]);
        const [, seen] = await owner.waitFor('user-connected', (id) => id === idOf(member));
        assert.deepEqual(seen, extra);
      });
    });
  }
});

/** A store whose `method` throws (once) on its `nth` call from now on. */
function failOnce<S extends RoomStore>(
  store: S,
  method: keyof RoomStore,
): { store: S; arm: (nth?: number) => void } {
  let countdown = 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (property !== method) return bound;
      return (...args: unknown[]) => {
        if (countdown > 0 && --countdown === 0)
          return Promise.reject(new Error('injected failure'));
        return bound(...args);
      };
    },
  });
  return { store: proxy, arm: (nth = 1) => (countdown = nth) };
}

describe('security: a handler that fails part-way undoes what it changed', () => {
  let redis: RunningRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.close();
  });
  afterEach(cleanup);

  const stores: [
    string,
    (method: keyof RoomStore) => Promise<{ options: AppOptions; arm: (nth?: number) => void }>,
  ][] = [
    [
      'memory store',
      async (method) => {
        const { store, arm } = failOnce(new MemoryRoomStore(), method);
        return { options: { store }, arm };
      },
    ],
    [
      'Redis store',
      async (method) => {
        const connection: RedisConnection = await connectRedis(redis.url, {
          prefix: `${uid('t')}:`,
        });
        onCleanup(() => connection.close());
        const { store, arm } = failOnce(connection.store, method);
        return { options: { redis: { ...connection, store } }, arm };
      },
    ],
  ];

  for (const [name, make] of stores) {
    describe(name, () => {
      it('join: fails after the store took the joiner in, and the room is as before', async () => {
        const { options, arm } = await make('getUsers');
        const server: RunningServer = await startTestServer(options);
        const identifier = uid('lobby');
        const roomid = uid('room');
        const owner = await user(server, uid('owner'), undefined, { maxParticipantsAllowed: '1' });
        assert.deepEqual(await owner.openRoom(roomid, { identifier }), [true]);
        const joiner = await user(server, uid('joiner'), { name: 'J' });
        arm();
        assert.deepEqual(await joiner.joinRoom(roomid), [false, 'Invalid payload']);
        assert.deepEqual((await publicRoom(owner, identifier, roomid))?.participants, [
          idOf(owner),
        ]);
        // It can join now (the seat is free); the owner heard it leave, if it heard it join.
        assert.deepEqual(await joiner.joinRoom(roomid), [true]);
        assert.deepEqual((await publicRoom(owner, identifier, roomid))?.participants, [
          idOf(owner),
          idOf(joiner),
        ]);
      });

      it('rename: fails after the store renamed, and the old id is back everywhere', async () => {
        const { options, arm } = await make('get');
        const server = await startTestServer(options);
        const identifier = uid('lobby');
        const roomid = uid('room');
        const owner = await user(server, uid('owner'));
        const member = await user(server, uid('member'), { name: 'M' });
        assert.deepEqual(await owner.openRoom(roomid, { identifier }), [true]);
        assert.deepEqual(await member.joinRoom(roomid), [true]);
        const newId = uid('renamed');
        arm();
        assert.deepEqual(await member.request('changed-uuid', newId), [false, 'Invalid payload']);
        assert.deepEqual((await publicRoom(owner, identifier, roomid))?.participants, [
          idOf(owner),
          idOf(member),
        ]);
        assert.deepEqual(await owner.request('get-remote-user-extra-data', idOf(member)), [
          { name: 'M' },
          idOf(member),
        ]);
        // No alias was left: a relay to the new id finds nobody; one to the old id arrives.
        owner.relay(newId, { to: 'new' });
        await owner.waitFor('user-not-found', (id) => id === newId);
        owner.relay(idOf(member), { to: 'old' });
        assert.deepEqual((await member.waitForRelay()).message, { to: 'old' });
        // And the new id is free for anyone.
        const other = await user(server, newId);
        assert.ok(other.connected);
      });

      it('extra: fails after the user record changed, and both extras are as before', async () => {
        const { options, arm } = await make('update');
        const server = await startTestServer(options);
        const roomid = uid('room');
        const owner = await user(server, uid('owner'), { name: 'O' });
        const member = await user(server, uid('member'));
        assert.deepEqual(await owner.openRoom(roomid), [true]);
        assert.deepEqual(await member.joinRoom(roomid), [true]);
        arm();
        owner.emit('extra-data-updated', { name: 'changed' });
        await owner.barrier();
        assert.equal(member.count('extra-data-updated'), 0);
        assert.deepEqual(await member.request('get-remote-user-extra-data', idOf(owner)), [
          { name: 'O' },
          idOf(owner),
        ]);
        const [, , presence] = await member.checkPresence(roomid);
        assert.equal((presence as { name?: string }).name, 'O');
        // The next change goes through as usual.
        owner.emit('extra-data-updated', { name: 'next' });
        assert.deepEqual(await member.waitFor('extra-data-updated'), [
          idOf(owner),
          { name: 'next' },
        ]);
      });
    });
  }
});
