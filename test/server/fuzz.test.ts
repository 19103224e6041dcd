/**
 * Bounded fuzzing: random and malformed payloads (wrong types, deep nesting, long strings,
 * missing, extra or non-function acks, prototype keys) for every client event. The server must
 * stay up, keep answering, keep other rooms working, and not grow its memory with the garbage.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_CUSTOM_EVENT, DEFAULT_MESSAGE_EVENT } from '../../src/protocol/index.js';
import { connectRedis } from '../../server/store/redis.js';
import { startRedis } from '../support/redis.js';
import { assertLive, cleanup, room, startTestServer, uid, user } from './helpers.js';

const EVENTS = [
  'open-room',
  'join-room',
  'check-presence',
  'extra-data-updated',
  'get-remote-user-extra-data',
  'set-password',
  'is-valid-password',
  'get-public-rooms',
  'close-entire-session',
  'changed-uuid',
  'disconnect-with',
  'kick-user',
  'participation-decision',
  DEFAULT_MESSAGE_EVENT,
  DEFAULT_CUSTOM_EVENT,
];

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 3 ? 7 : 11));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return Math.floor(rand() * 2 ** 53) * (rand() < 0.5 ? -1 : 1);
    case 3:
      return rand() * 1e308;
    case 4:
      return 'x'.repeat(Math.floor(rand() * (rand() < 0.1 ? 200_000 : 300)));
    case 5:
      return ['', 'system', '__proto__', 'constructor', '../../etc', '<img src=x>', '\u0000'][
        Math.floor(rand() * 7)
      ];
    case 6:
      return undefined;
    case 7:
    case 8: {
      const out: Record<string, unknown> = {};
      const keys = [
        'sessionid',
        'password',
        'extra',
        'session',
        'remoteUserId',
        'message',
        '__proto__',
        'streams',
        'identifier',
        'constructor',
      ];
      for (let i = Math.floor(rand() * 5); i > 0; i--) {
        out[keys[Math.floor(rand() * keys.length)]!] = randomValue(rand, depth + 1);
      }
      return out;
    }
    default:
      return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
  }
}

/** The socket answers a request in order, unless the server cut it off (oversized payload). */
async function answers(client: Awaited<ReturnType<typeof user>>): Promise<void> {
  if (!client.connected) return;
  const cut = new Promise<void>((resolve) => client.socket.once('disconnect', () => resolve()));
  await Promise.race([
    client.barrier().catch((error: unknown) => {
      if (client.connected) throw error;
    }),
    cut,
  ]);
}

/** Runs `count` random payloads against `server`; asserts it stays up and its heap bounded. */
async function fuzz(server: { url: string }, count: number, seed: number): Promise<void> {
  // A healthy room that must keep working throughout.
  const [aId, bId] = [uid('fz-a'), uid('fz-b')];
  const a = await user(server, aId);
  const b = await user(server, bId);
  await room(uid('fz-room'), a, [b]);

  const fuzzers = await Promise.all([1, 2, 3, 4].map(() => user(server, uid('fz'))));
  const rand = prng(seed);
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let cutOff = 0;
  for (let i = 0; i < count; i++) {
    const slot = i % fuzzers.length;
    if (!fuzzers[slot]!.connected) {
      // Oversized payloads get a socket cut off (socket.io's maxHttpBufferSize): replace it.
      cutOff++;
      fuzzers[slot] = await user(server, uid('fz'));
    }
    const fuzzer = fuzzers[slot]!;
    const event = EVENTS[Math.floor(rand() * EVENTS.length)]!;
    const args = Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand));
    const ack = rand() < 0.7 ? [() => undefined] : rand() < 0.5 ? [] : [randomValue(rand)];
    fuzzer.socket.emit(event, ...args, ...ack);
    // Every socket still connected keeps answering, in order: no handler wedges its queue.
    if (i % 100 === 99) for (const f of fuzzers) await answers(f);
  }
  for (const fuzzer of fuzzers) await answers(fuzzer);
  console.log(`fuzz: ${cutOff} sockets cut off for oversized payloads`);
  global.gc?.();
  const grown = process.memoryUsage().heapUsed - before;

  // Still up, still answering new sockets, and the healthy room still relays both ways.
  await assertLive(server);
  const marker = uid('marker');
  b.relay(aId, { marker });
  const got = await a.waitForRelay((e) => (e.message as { marker?: string }).marker === marker);
  assert.equal(got.sender, bId);
  const fresh = await user(server, uid('fz-fresh'));
  assert.deepEqual(await fresh.openRoom(uid('fz-new-room')), [true]);
  assert.ok(grown < 64 * 1024 * 1024, `heap grew by ${grown} bytes`);
}

describe('fuzzing every client event', () => {
  afterEach(cleanup);

  it(
    '2,000 random payloads: server up, other rooms unaffected, memory bounded',
    { timeout: 60_000 },
    async () => {
      await fuzz(await startTestServer(), 2000, 20261129);
    },
  );

  it(
    '1,000 random payloads against a node on Redis: same, and Redis holds only live users and rooms',
    { timeout: 60_000 },
    async () => {
      const redis = await startRedis();
      try {
        const server = await startTestServer({ redisUrl: redis.url });
        await fuzz(server, 1000, 20261130);
        await cleanup();
        // Every socket is gone and the node has shut down: no user, room or node key is left;
        // only rename aliases, which expire by themselves within 30 s.
        const probe = await connectRedis(redis.url);
        const keys = await probe.pub.sendCommand<string[]>(['KEYS', 'rtc:*']);
        const ttls = await Promise.all(
          keys.map((key) => probe.pub.sendCommand<number>(['PTTL', key])),
        );
        await probe.close();
        assert.deepEqual(
          keys.filter((_key, i) => !(ttls[i]! > 0 && ttls[i]! <= 30_000)),
          [],
        );
      } finally {
        await redis.close();
      }
    },
  );
});
