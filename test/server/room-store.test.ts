import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectRedis, type RedisConnection } from '../../server/store/redis.js';
import {
  isFull,
  type RoomRecord,
  type RoomStore,
  type UserRecord,
} from '../../server/store/types.js';
import { MemoryRoomStore } from '../../server/store/memory.js';
import { startRedis, type RunningRedis } from '../support/redis.js';

function record(patch: Partial<RoomRecord> = {}): RoomRecord {
  return {
    id: 'room',
    owner: 'a',
    participants: ['a'],
    maxParticipants: 1000,
    extra: { name: 'A' },
    session: { audio: true, video: true },
    passwordHash: undefined,
    identifier: '',
    autoClose: false,
    approveJoins: false,
    relayLimit: 0,
    createdAt: 0,
    ...patch,
  };
}

function user(userId: string, patch: Partial<UserRecord> = {}): UserRecord {
  return {
    userId,
    node: 'n1',
    sid: `sid-${userId}`,
    event: 'RTCMultiConnection-Message',
    extra: { name: userId },
    room: '',
    modern: true,
    token: '',
    graceUntil: 0,
    role: '',
    ...patch,
  };
}

let redis: RunningRedis;
const connections: RedisConnection[] = [];
let prefixes = 0;

before(async () => {
  redis = await startRedis();
});
after(async () => {
  for (const connection of connections) await connection.close();
  await redis.close();
});

/** A Redis store in its own key space (a fresh prefix), as node `node`. */
async function redisStore(node = 'n1', prefix = `t${++prefixes}:`): Promise<RoomStore> {
  const connection = await connectRedis(redis.url, { node, prefix });
  connections.push(connection);
  return connection.store;
}

const STORES: [string, () => Promise<RoomStore>][] = [
  ['MemoryRoomStore', async () => new MemoryRoomStore()],
  ['RedisRoomStore', () => redisStore()],
];

for (const [name, makeStore] of STORES)
  describe(name, () => {
    it('creates a room once; a room with participants cannot be created again', async () => {
      const store = await makeStore();
      assert.equal(await store.create(record()), true);
      assert.equal(await store.create(record({ owner: 'b', participants: ['b'] })), false);
      assert.equal((await store.get('room'))?.owner, 'a');
      assert.equal(await store.size(), 1);
      assert.equal(await store.get('missing'), undefined);
    });

    it('hands out copies: mutating a result does not change the store', async () => {
      const store = await makeStore();
      const input = record();
      await store.create(input);
      input.participants.push('intruder');
      const room = (await store.get('room'))!;
      room.participants.push('intruder');
      room.extra['name'] = 'changed';
      assert.deepEqual((await store.get('room'))?.participants, ['a']);
      assert.deepEqual((await store.get('room'))?.extra, { name: 'A' });
    });

    it('joins up to maxParticipants besides the opener, then reports full', async () => {
      const store = await makeStore();
      await store.create(record({ maxParticipants: 2 }));
      assert.equal((await store.join('room', 'b')).ok, true);
      const second = await store.join('room', 'c');
      assert.ok(second.ok);
      assert.deepEqual(second.room.participants, ['a', 'b', 'c']);
      assert.deepEqual(await store.join('room', 'd'), { ok: false, reason: 'full' });
      // Joining again is idempotent, even when full.
      const again = await store.join('room', 'b');
      assert.ok(again.ok);
      assert.deepEqual(again.room.participants, ['a', 'b', 'c']);
      assert.deepEqual(await store.join('missing', 'b'), { ok: false, reason: 'not-found' });
    });

    it('never over-fills a room under simultaneous joins', async () => {
      const store = await makeStore();
      await store.create(record({ maxParticipants: 3 }));
      const joiners = Array.from({ length: 20 }, (_, i) => `u${i}`);
      const outcomes = await Promise.all(joiners.map((id) => store.join('room', id)));
      assert.equal(outcomes.filter((o) => o.ok).length, 3);
      assert.deepEqual(
        outcomes.filter((o) => !o.ok),
        Array.from({ length: 17 }, () => ({ ok: false, reason: 'full' })),
      );
      assert.deepEqual((await store.get('room'))?.participants, ['a', 'u0', 'u1', 'u2']);
    });

    it('moves ownership to the longest-present participant, in join order', async () => {
      const store = await makeStore();
      await store.create(record());
      for (const id of ['b', 'c', 'd']) await store.join('room', id);
      // A non-owner leaving moves nothing.
      const c = await store.leave('room', 'c');
      assert.equal(c.newOwner, undefined);
      assert.equal(c.closed, false);
      assert.deepEqual(c.room?.participants, ['a', 'b', 'd']);
      const a = await store.leave('room', 'a');
      assert.equal(a.newOwner, 'b');
      assert.equal(a.room?.owner, 'b');
      // The room extra stays the old owner's until the new owner updates it.
      assert.deepEqual(a.room.extra, { name: 'A' });
      const b = await store.leave('room', 'b');
      assert.equal(b.newOwner, 'd');
      assert.deepEqual(b.room?.participants, ['d']);
      // The last one out deletes the room.
      const d = await store.leave('room', 'd');
      assert.deepEqual(d, {
        left: true,
        room: undefined,
        newOwner: undefined,
        closed: false,
        remaining: [],
        broadcast: false,
      });
      assert.equal(await store.size(), 0);
      assert.equal(await store.create(record({ owner: 'z', participants: ['z'] })), true);
    });

    it('closes an autoClose room when the owner leaves, reporting who remained', async () => {
      const store = await makeStore();
      await store.create(record({ autoClose: true }));
      await store.join('room', 'b');
      await store.join('room', 'c');
      const b = await store.leave('room', 'b');
      assert.equal(b.closed, false);
      const a = await store.leave('room', 'a');
      assert.deepEqual(a, {
        left: true,
        room: undefined,
        newOwner: undefined,
        closed: true,
        remaining: ['c'],
        broadcast: false,
      });
      assert.equal(await store.get('room'), undefined);
      assert.equal(await store.size(), 0);
    });

    it('ignores leaves by non-members and for missing rooms', async () => {
      const store = await makeStore();
      await store.create(record());
      const stranger = await store.leave('room', 'stranger');
      assert.equal(stranger.closed, false);
      assert.equal(stranger.newOwner, undefined);
      assert.deepEqual(stranger.room?.participants, ['a']);
      assert.equal(stranger.left, false);
      assert.deepEqual(await store.leave('missing', 'a'), {
        left: false,
        room: undefined,
        newOwner: undefined,
        closed: false,
        remaining: [],
        broadcast: false,
      });
    });

    it('updates fields of existing rooms only', async () => {
      const store = await makeStore();
      await store.create(record());
      const extra = { name: 'A2' };
      assert.deepEqual((await store.update('room', { extra }))?.extra, { name: 'A2' });
      extra.name = 'mutated later';
      assert.deepEqual((await store.get('room'))?.extra, { name: 'A2' });
      assert.equal(await store.update('missing', { extra }), undefined);
    });

    it('lists public rooms by identifier', async () => {
      const store = await makeStore();
      await store.create(record({ id: 'r1', identifier: 'lobby' }));
      await store.create(record({ id: 'r2', identifier: 'lobby' }));
      await store.create(record({ id: 'r3', identifier: 'other' }));
      await store.create(record({ id: 'r4' }));
      assert.deepEqual((await store.listPublic('lobby')).map((r) => r.id).sort(), ['r1', 'r2']);
      assert.deepEqual(await store.listPublic(''), []);
      await store.leave('r1', 'a');
      assert.deepEqual(
        (await store.listPublic('lobby')).map((r) => r.id),
        ['r2'],
      );
    });
  });

for (const [name, makeStore] of STORES)
  describe(`${name}: users and guesses`, () => {
    it('claims a user id once; only the holding socket releases it or changes its extra', async () => {
      const store = await makeStore();
      assert.equal(await store.claimUser(user('a')), true);
      assert.equal(await store.claimUser(user('a', { sid: 'other', node: 'n2' })), false);
      assert.deepEqual(await store.getUser('a'), user('a'));
      await store.setUserExtra('a', 'other', { name: 'evil' });
      await store.releaseUser('a', 'other');
      assert.deepEqual((await store.getUser('a'))?.extra, { name: 'a' });
      await store.setUserExtra('a', 'sid-a', { name: 'A', tags: [], deep: { list: [] } });
      assert.deepEqual((await store.getUser('a'))?.extra, {
        name: 'A',
        tags: [],
        deep: { list: [] },
      });
      await store.releaseUser('a', 'sid-a');
      assert.equal(await store.getUser('a'), undefined);
      assert.deepEqual(await store.getUsers(['a', 'missing']), [undefined, undefined]);
      assert.equal(await store.claimUser(user('a', { sid: 'again' })), true);
    });

    it("keeps each user's room through create, join and leave (leaving an old room keeps the new one)", async () => {
      const store = await makeStore();
      for (const id of ['a', 'b']) await store.claimUser(user(id));
      await store.create(record({ id: 'r1' }));
      await store.create(record({ id: 'r2', owner: 'b', participants: ['b'] }));
      assert.equal((await store.getUser('a'))?.room, 'r1');
      await store.join('r2', 'a');
      assert.equal((await store.getUser('a'))?.room, 'r2');
      await store.leave('r1', 'a');
      assert.equal((await store.getUser('a'))?.room, 'r2');
      await store.delete('r2');
      assert.deepEqual(
        (await store.getUsers(['a', 'b'])).map((u) => u?.room),
        ['', ''],
      );
    });

    it('renames a user in its room and ownership, remembers the old id, refuses taken ids', async () => {
      const store = await makeStore();
      for (const id of ['a', 'b', 'c']) await store.claimUser(user(id));
      await store.create(record());
      await store.join('room', 'b');
      assert.equal(await store.renameUser('a', 'c', 'sid-a', 30_000), false);
      assert.equal(await store.renameUser('a', 'a2', 'wrong-sid', 30_000), false);
      assert.equal(await store.renameUser('a', 'a2', 'sid-a', 30_000), true);
      const room = await store.get('room');
      assert.equal(room?.owner, 'a2');
      assert.deepEqual(room.participants, ['a2', 'b']);
      assert.equal(await store.getUser('a'), undefined);
      assert.equal((await store.getUser('a2'))?.room, 'room');
      assert.equal(await store.aliasOf('a'), 'a2');
      assert.equal(await store.aliasOf('b'), undefined);
      // The alias expires.
      assert.equal(await store.renameUser('b', 'b2', 'sid-b', 30), true);
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(await store.aliasOf('b'), undefined);
      // The old id is free again.
      assert.equal(await store.claimUser(user('a')), true);
    });

    it('reads a room and a user in one call', async () => {
      const store = await makeStore();
      await store.claimUser(user('a'));
      await store.create(record());
      const [room, a] = await store.getRoomAndUser('room', 'a');
      assert.deepEqual(room?.participants, ['a']);
      assert.deepEqual(a, user('a', { room: 'room' }));
      assert.deepEqual(await store.getRoomAndUser('missing', 'nobody'), [undefined, undefined]);
    });

    it('counts password guesses per room within a window, never below zero', async () => {
      const store = await makeStore();
      assert.equal(await store.addGuesses('room', 1, 60_000), 1);
      assert.equal(await store.addGuesses('room', 1, 60_000), 2);
      assert.equal(await store.addGuesses('other', 1, 60_000), 1);
      assert.equal(await store.addGuesses('room', -5, 60_000), 0);
      await store.addGuesses('room', 3, 60_000);
      await store.clearGuesses('room');
      assert.equal(await store.addGuesses('room', 1, 40), 1);
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(await store.addGuesses('room', 1, 40), 1);
    });

    it('keeps ids with unicode, slashes and quotes intact', async () => {
      const store = await makeStore();
      const ids = ['ünï/cødé', 'quote"d', 'sp ace'];
      await store.create(record({ owner: ids[0], participants: [ids[0]!] }));
      for (const id of ids.slice(1)) assert.equal((await store.join('room', id)).ok, true);
      assert.deepEqual((await store.get('room'))?.participants, ids);
    });
  });

describe('RedisRoomStore across nodes', () => {
  it('never over-fills a room when joiners race on two nodes', async () => {
    const prefix = `race${++prefixes}:`;
    const [one, two] = [await redisStore('n1', prefix), await redisStore('n2', prefix)];
    await one.create(record({ maxParticipants: 5 }));
    const joins = Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).join('room', `u${i}`));
    const outcomes = await Promise.all(joins);
    assert.equal(outcomes.filter((o) => o.ok).length, 5);
    assert.equal((await two.get('room'))?.participants.length, 6);
  });

  it('lets two nodes claim one user id only once', async () => {
    const prefix = `claim${++prefixes}:`;
    const [one, two] = [await redisStore('n1', prefix), await redisStore('n2', prefix)];
    const claims = await Promise.all([
      one.claimUser(user('x', { node: 'n1', sid: 's1' })),
      two.claimUser(user('x', { node: 'n2', sid: 's2' })),
    ]);
    assert.deepEqual(claims.sort(), [false, true]);
  });

  it('hands a node whose heartbeat expired to exactly one live node, with its users', async () => {
    const prefix = `nodes${++prefixes}:`;
    const connect = async (node: string) => {
      const connection = await connectRedis(redis.url, { node, prefix });
      connections.push(connection);
      return connection.store;
    };
    const [dead, live1, live2] = [await connect('dead'), await connect('l1'), await connect('l2')];
    assert.equal(await dead.heartbeat(100), true);
    await dead.claimUser(user('d1', { node: 'dead' }));
    await dead.claimUser(user('d2', { node: 'dead' }));
    await live1.claimUser(user('l', { node: 'l1' }));
    await live1.heartbeat(10_000);
    await live2.heartbeat(10_000);
    assert.deepEqual(await live1.claimDeadNodes(60_000), []);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const claims = await Promise.all([live1.claimDeadNodes(60_000), live2.claimDeadNodes(60_000)]);
    assert.deepEqual(claims.flat(), ['dead']);
    assert.deepEqual((await live1.nodeUsers('dead')).map((u) => u.userId).sort(), ['d1', 'd2']);
    // A node that comes back after being declared dead learns it from its heartbeat.
    assert.equal(await dead.heartbeat(100), false);
    await live1.forgetNode('dead');
    assert.deepEqual(await live1.nodeUsers('dead'), []);
    assert.deepEqual(await live2.claimDeadNodes(60_000), []);
  });
});

describe('isFull', () => {
  it('counts maxParticipants joiners besides the opener', () => {
    assert.equal(isFull(record({ maxParticipants: 1, participants: ['a'] })), false);
    assert.equal(isFull(record({ maxParticipants: 1, participants: ['a', 'b'] })), true);
    assert.equal(isFull(record({ maxParticipants: 2, participants: ['a', 'b'] })), false);
    assert.equal(isFull(record({ maxParticipants: 2, participants: ['a', 'b', 'c'] })), true);
  });
});
