/**
 * The signaling server's side of the SFU (server/sfu): VideoRooms created and destroyed on real
 * Janus instances (test/support/janus.ts), spread over several, with failover when one does not
 * answer and reconnection after a restart; the SFU settings. Janus runs inside the test network
 * namespace (`npm run test:server` runs there).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configFromEnv } from '../../server/config.js';
import { JanusPool, SfuUnavailableError } from '../../server/sfu/janus-pool.js';
import { sfuFromEnv } from '../../server/sfu/sfu-config.js';
import { janusInstalled, startJanus, type RunningJanus } from '../support/janus.js';

const skip =
  (!janusInstalled() && 'Janus is not installed (apt-get install -y janus)') ||
  (process.env['RTC_NETNS'] !== '1' && 'runs inside the test network namespace');

describe('SFU settings', () => {
  it('JANUS_URL (one or several), JANUS_API_SECRET, JANUS_ADMIN_KEY, SFU_THRESHOLD; clear errors', () => {
    assert.equal(configFromEnv({}).sfu, undefined);
    assert.deepEqual(
      sfuFromEnv({
        JANUS_URL: 'ws://10.0.0.5:8188  wss://janus.example.com/ws',
        SFU_THRESHOLD: '6',
      }),
      {
        janusUrls: ['ws://10.0.0.5:8188', 'wss://janus.example.com/ws'],
        apiSecret: undefined,
        adminKey: undefined,
        threshold: 6,
      },
    );
    assert.equal(sfuFromEnv({ JANUS_URL: 'ws://j:8188' })?.threshold, 4);
    for (const [env, message] of [
      [{ JANUS_URL: 'http://j:8088/janus' }, /JANUS_URL must use ws:\/\/ or wss:\/\//],
      [{ JANUS_URL: 'not a url' }, /JANUS_URL must list URLs/],
      [{ JANUS_URL: 'ws://j:1 ws://j:1' }, /the same URL twice/],
      [{ JANUS_API_SECRET: 'x' }, /JANUS_API_SECRET is set but JANUS_URL is not/],
      [{ JANUS_URL: 'ws://j:1', SFU_THRESHOLD: '0' }, /SFU_THRESHOLD must be a whole number/],
    ] as const) {
      assert.throws(() => sfuFromEnv(env), message);
    }
  });
});

describe('VideoRooms on real Janus instances', { skip, timeout: 120_000 }, () => {
  let first: RunningJanus;
  let second: RunningJanus;
  before(async () => {
    first = await startJanus({ rtpPorts: [21000, 21999], apiSecret: 'api-1', adminKey: 'key-1' });
    second = await startJanus({ rtpPorts: [22000, 22999], apiSecret: 'api-1', adminKey: 'key-1' });
  });
  after(async () => {
    await first.close();
    await second.close();
  });
  const pool = (urls: string[]) =>
    new JanusPool({ janusUrls: urls, apiSecret: 'api-1', adminKey: 'key-1', threshold: 4 });

  it('creates a private VideoRoom with its own secret and pin, and destroys it', async () => {
    const janus = pool([first.url]);
    try {
      const room = await janus.createRoom('team', 8);
      assert.equal(room.instance, first.url);
      assert.ok(room.secret.length >= 32 && room.pin.length >= 32 && room.secret !== room.pin);
      assert.equal(await janus.exists(room), true);
      await janus.destroyRoom(room);
      assert.equal(await janus.exists(room), false);
      // Destroying one that is already gone (a restarted Janus forgot it) is not an error.
      await janus.destroyRoom(room);
    } finally {
      await janus.close();
    }
  });

  it('spreads rooms over the instances, and skips one that does not answer', async () => {
    const janus = pool([first.url, second.url]);
    try {
      const rooms = await Promise.all([1, 2, 3, 4].map((n) => janus.createRoom(`r${n}`, 4)));
      const on = (url: string) => rooms.filter((room) => room.instance === url).length;
      assert.ok(on(first.url) >= 1 && on(second.url) >= 1, JSON.stringify(rooms));
      await Promise.all(rooms.map((room) => janus.destroyRoom(room)));
    } finally {
      await janus.close();
    }
    const withDead = pool(['ws://127.0.0.1:9', first.url]);
    try {
      const room = await withDead.createRoom('failover', 4);
      assert.equal(room.instance, first.url);
      await withDead.destroyRoom(room);
    } finally {
      await withDead.close();
    }
  });

  it('SFU_UNAVAILABLE when no instance answers or Janus refuses our credentials', async () => {
    const dead = pool(['ws://127.0.0.1:9']);
    await assert.rejects(dead.createRoom('x', 4), (error: unknown) => {
      assert.ok(error instanceof SfuUnavailableError);
      assert.equal(error.code, 'SFU_UNAVAILABLE');
      return true;
    });
    await dead.close();
    const wrong = new JanusPool({
      janusUrls: [first.url],
      apiSecret: 'wrong',
      adminKey: 'key-1',
      threshold: 4,
    });
    await assert.rejects(wrong.createRoom('x', 4), SfuUnavailableError);
    await wrong.close();
    const noKey = new JanusPool({
      janusUrls: [first.url],
      apiSecret: 'api-1',
      adminKey: undefined,
      threshold: 4,
    });
    await assert.rejects(noKey.createRoom('x', 4), SfuUnavailableError);
    await noKey.close();
  });

  it('after Janus restarts, the pool connects again and creates rooms', async () => {
    const port = Number(new URL(second.url).port);
    const janus = pool([second.url]);
    try {
      await janus.destroyRoom(await janus.createRoom('before', 4));
      await second.close({ kill: true });
      await assert.rejects(janus.createRoom('down', 4), SfuUnavailableError);
      second = await startJanus({
        rtpPorts: [22000, 22999],
        apiSecret: 'api-1',
        adminKey: 'key-1',
        port,
      });
      const room = await janus.createRoom('after', 4);
      assert.equal(await janus.exists(room), true);
      await janus.destroyRoom(room);
    } finally {
      await janus.close();
    }
  });
});
