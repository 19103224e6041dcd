/**
 * Security, property: clients send every client event with generated payloads (valid requests
 * mixed with deep, wide, wrongly typed ones, prototype keys, control characters, huge strings),
 * and after every batch the room store holds exactly what the successful requests created: each
 * user where its acks put it, each room with exactly those members, no ghost, no orphan room, no
 * alias but those of renames that succeeded. When everyone has left, the store is empty. On the
 * memory store and on the Redis store.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DEFAULT_CUSTOM_EVENT } from '../../src/protocol/index.js';
import { MemoryRoomStore } from '../../server/store/memory.js';
import type { RoomStore } from '../../server/store/types.js';
import { connectRedis, type RedisConnection } from '../../server/store/redis.js';
import type { AppOptions, RunningServer } from '../../server/index.js';
import { startRedis, type RunningRedis } from '../support/redis.js';
import {
  cleanup,
  onCleanup,
  startTestServer,
  uid,
  user,
  waitUntil,
  type Client,
} from './helpers.js';

/** mulberry32: a failure replays from its seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROOMS = ['r0', 'r1', 'r2', 'r3'];
const NASTY_STRINGS = ['', '__proto__', 'constructor', 'a\u202eb', 'x\u0000', 'r0\u2028', '💥'];

/** A value meant to break something: deep, wide, wrong type, odd keys. */
function garbage(rand: () => number, depth = 0): unknown {
  const pick = (n: number) => Math.floor(rand() * n);
  switch (pick(depth > 2 ? 6 : 10)) {
    case 0:
      return null;
    case 1:
      return pick(2) === 0;
    case 2:
      return [0, -1, 1e308, Number.MAX_SAFE_INTEGER, 0.5][pick(5)];
    case 3:
      return NASTY_STRINGS[pick(NASTY_STRINGS.length)];
    case 4:
      // Longer than any field allows, yet a packet of three stays under the transport's limit.
      return 'x'.repeat(pick(2) === 0 ? 300 : 20_000);
    case 5: {
      // Deep enough to be refused (arrays: 2 bytes a level).
      let value: unknown = [];
      for (let i = pick(2) === 0 ? 1100 : 3000; i > 0; i--) value = [value];
      return { d: value };
    }
    case 6: {
      const wide: Record<string, unknown> = {};
      for (let i = 0; i < 500; i++) wide[`k${i}`] = i;
      return wide;
    }
    case 7:
      return JSON.parse('{"__proto__":{"polluted":true},"sessionid":"r1","name":"p"}') as unknown;
    default: {
      const keys = ['sessionid', 'extra', 'session', 'password', 'relayLimit', 'message'];
      const out: Record<string, unknown> = {};
      for (let i = pick(4); i >= 0; i--) out[keys[pick(keys.length)]!] = garbage(rand, depth + 1);
      return out;
    }
  }
}

interface Player {
  client: Client;
  /** The id the model says it has now. */
  id: string;
  /** The room the model says it is in ('' for none). */
  room: string;
}

/** A store that also records every user id it was ever asked to hold (the universe to check). */
function recording<S extends RoomStore>(store: S): { store: S; ids: Set<string> } {
  const ids = new Set<string>();
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (property === 'claimUser' || property === 'resumeUser')
        return (user: { userId: string }, ...rest: unknown[]) => {
          ids.add(user.userId);
          return bound(user, ...rest);
        };
      if (property === 'renameUser')
        return (from: string, to: string, ...rest: unknown[]) => {
          ids.add(to);
          return bound(from, to, ...rest);
        };
      return bound;
    },
  });
  return { store: proxy, ids };
}

/** Plays `count` operations; checks the store against the model after every batch. */
async function play(
  server: RunningServer,
  store: RoomStore,
  ids: Set<string>,
  count: number,
  seed: number,
): Promise<void> {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const players: Player[] = [];
  for (let i = 0; i < 6; i++) {
    const id = `p${i}-${uid('u')}`;
    const client = await user(server, id, { n: i }, i % 2 ? { rtcElements: '1' } : {});
    players.push({ client, id, room: '' });
  }
  const renamedFrom = new Set<string>();
  for (const player of players) {
    // Removed by the owner or a closed room: out of it.
    for (const event of ['kicked', 'closed-entire-session'])
      player.client.socket.on(event, (roomid: unknown) => {
        if (player.room === roomid) player.room = '';
      });
  }

  const step = async (player: Player): Promise<void> => {
    const { client } = player;
    const valid = rand() < 0.6;
    switch (Math.floor(rand() * 9)) {
      case 0: {
        const roomid = pick(ROOMS);
        const payload = valid
          ? {
              sessionid: roomid,
              identifier: 'lobby',
              ...(rand() < 0.2 ? { password: 'pw' } : {}),
              ...(rand() < 0.2 ? { session: { video: true, oneway: true } } : {}),
              ...(rand() < 0.1 ? { approveJoins: true } : {}),
            }
          : garbage(rand);
        const [ok] = await client.request('open-room', payload);
        if (ok === true) player.room = (payload as { sessionid: string }).sessionid;
        return;
      }
      case 1: {
        const roomid = pick(ROOMS);
        const payload = valid
          ? { sessionid: roomid, ...(rand() < 0.5 ? { password: 'pw' } : {}), extra: { n: 1 } }
          : garbage(rand);
        const [ok] = await client.request('join-room', payload);
        if (ok === true) player.room = (payload as { sessionid: string }).sessionid;
        return;
      }
      case 2: {
        const to = valid ? `${player.id.split('~')[0]}~${Math.floor(rand() * 3)}` : garbage(rand);
        const [ok] = await client.request('changed-uuid', to);
        if (ok === true && to !== player.id) {
          renamedFrom.add(player.id);
          player.id = to as string;
        }
        return;
      }
      case 3:
        client.emit(
          'extra-data-updated',
          valid ? { name: `n${Math.floor(rand() * 9)}` } : garbage(rand),
        );
        return;
      case 4:
        await client.request('set-password', valid ? pick(['pw', '', 'other']) : garbage(rand));
        return;
      case 5: {
        const target = valid ? pick(players).id : garbage(rand);
        await client.request(
          pick(['kick-user', 'disconnect-with', 'get-remote-user-extra-data']),
          target,
        );
        return;
      }
      case 6: {
        const [ok] = await client.request(
          'close-entire-session',
          ...(valid ? [] : [garbage(rand)]),
        );
        if (ok === true) player.room = '';
        client.emit('participation-decision', garbage(rand), garbage(rand));
        return;
      }
      case 7:
        client.emit(
          pick([client.messageEvent, DEFAULT_CUSTOM_EVENT, 'set-custom-socket-event-listener']),
          valid ? { remoteUserId: pick(players).id, message: { hi: 1 } } : garbage(rand),
        );
        return;
      default:
        await client.request(
          pick([
            'check-presence',
            'get-public-rooms',
            'is-valid-password',
            'get-number-of-users-in-specific-broadcast',
          ]),
          valid ? pick(ROOMS) : garbage(rand),
          garbage(rand),
        );
    }
  };

  const check = async (when: string): Promise<void> => {
    for (const player of players) await player.client.barrier();
    const live = new Map(players.map((p) => [p.id, p]));
    for (const player of players) {
      const record = await store.getUser(player.id);
      assert.ok(record, `${when}: ${player.id} is not in the store`);
      assert.equal(record.room, player.room, `${when}: ${player.id}'s room`);
    }
    for (const id of ids) {
      if (live.has(id)) continue;
      assert.equal(await store.getUser(id), undefined, `${when}: a ghost user ${id}`);
      if (!renamedFrom.has(id))
        assert.equal(await store.aliasOf(id), undefined, `${when}: an alias of ${id} was left`);
    }
    let rooms = 0;
    for (const roomid of ROOMS) {
      const room = await store.get(roomid);
      const members = players.filter((p) => p.room === roomid).map((p) => p.id);
      if (!room) {
        assert.deepEqual(members, [], `${when}: members of a room that is gone (${roomid})`);
        continue;
      }
      rooms++;
      assert.deepEqual(
        [...room.participants].sort(),
        members.sort(),
        `${when}: members of ${roomid}`,
      );
      assert.ok(room.participants.includes(room.owner), `${when}: ${roomid} has an owner outside`);
    }
    assert.equal(await store.size(), rooms, `${when}: rooms outside the model`);
  };

  for (let i = 0; i < count; i++) {
    await step(players[i % players.length]!);
    if (i % 40 === 39) await check(`after ${i + 1} steps (seed ${seed})`);
  }
  await check('at the end');
  for (const player of players) player.client.close();
  await waitUntil(
    async () => [
      await store.size(),
      ...(await Promise.all([...ids].map((id) => store.getUser(id)))),
    ],
    (state) => state[0] === 0 && state.slice(1).every((u) => u === undefined),
    'an empty store once everyone left',
  );
}

describe('security: the store holds exactly what successful requests created', () => {
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
    () => Promise<{
      options: AppOptions;
      store: RoomStore;
      ids: Set<string>;
      keys?: () => Promise<string[]>;
    }>,
  ][] = [
    [
      'memory store',
      async () => {
        const { store, ids } = recording(new MemoryRoomStore());
        return { options: { store }, store, ids };
      },
    ],
    [
      'Redis store',
      async () => {
        const prefix = `${uid('prop')}:`;
        const connection: RedisConnection = await connectRedis(redis.url, { prefix });
        onCleanup(() => connection.close());
        const { store, ids } = recording(connection.store);
        const keys = async () =>
          (await connection.pub.sendCommand<string[]>(['KEYS', `${prefix}*`])).filter(
            // The node's own registration, and aliases of renames that succeeded (they expire).
            (key) =>
              !/^(node:|nodes$|node-users:|node-dead:|alias:)/.test(key.slice(prefix.length)),
          );
        return { options: { redis: { ...connection, store } }, store, ids, keys };
      },
    ],
  ];

  for (const [name, make] of stores) {
    it(`${name}: 1,200 generated requests from 6 clients`, { timeout: 120_000 }, async () => {
      const { options, store, ids, keys } = await make();
      const server = await startTestServer({
        ...options,
        approvalTimeoutMs: 30,
        rateLimits: { messagesPerSecond: 10_000, messageBurst: 10_000 },
      });
      await play(server, store, ids, 1200, name === 'memory store' ? 20261207 : 20261208);
      if (keys) assert.deepEqual(await keys(), [], 'keys left in Redis');
    });
  }
});
