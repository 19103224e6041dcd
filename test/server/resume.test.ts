/**
 * Signaling loss is not a call loss: an rtc-elements user whose connection drops keeps its room
 * and id for the grace period and resumes with the secret from its `session` event; nobody sees
 * it leave. Leaving on purpose, v3 clients and `reconnectGraceMs: 0` leave at once.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { io } from 'socket.io-client';
import { cleanup, connect, room, startTestServer, uid, user, type Client } from './helpers.js';

interface Session {
  resumeToken: string;
  resumed: boolean;
  roomId: string;
  graceMs: number;
}

const modern = { rtcElements: '1' };
const sessionOf = async (client: Client) => ((await client.waitFor('session')) as [Session])[0];
/** Drops the connection the way a network does: no disconnect packet. */
const drop = (client: Client) => client.socket.io.engine.close();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('resuming after a dropped connection', () => {
  afterEach(cleanup);

  it('keeps the room for the grace period; the same client resumes unseen, with a fresh secret', async () => {
    const server = await startTestServer({ reconnectGraceMs: 2000 });
    const [aId, bId, roomid] = [uid('a'), uid('b'), uid('room')];
    const a = await user(server, aId, { name: 'A' }, modern);
    const b = await user(server, bId, undefined, modern);
    const first = await sessionOf(a);
    assert.deepEqual(
      { ...first, resumeToken: typeof first.resumeToken },
      { resumeToken: 'string', resumed: false, roomId: '', graceMs: 2000 },
    );
    await room(roomid, a, [b]);
    drop(a);
    await sleep(300);
    // Meanwhile the id is protected: without the secret it is taken.
    const thief = await user(server, aId, undefined, modern);
    assert.equal((await thief.waitFor('userid-already-taken'))[0], aId);
    const wrong = await user(server, aId, undefined, { ...modern, resume: 'not-the-secret' });
    assert.equal((await wrong.waitFor('userid-already-taken'))[0], aId);

    const back = await user(server, aId, { name: 'A' }, { ...modern, resume: first.resumeToken });
    const second = await sessionOf(back);
    assert.deepEqual([second.resumed, second.roomId], [true, roomid]);
    assert.notEqual(second.resumeToken, first.resumeToken);
    // Still in the room, still the owner; relays flow both ways.
    b.relay(aId, { hello: 'again' });
    assert.equal((await back.waitForRelay()).sender, bId);
    back.relay(bId, { hi: 'back' });
    assert.equal((await b.waitForRelay()).sender, aId);
    assert.deepEqual(await back.request('kick-user', 'nobody'), [false, 'User ID does not exist']);
    await sleep(2300);
    assert.equal(b.count('user-disconnected'), 0);
    assert.equal(b.count('owner-changed'), 0);
    // A used secret does not work twice.
    drop(back);
    await sleep(100);
    const replay = await user(server, aId, undefined, { ...modern, resume: first.resumeToken });
    assert.equal((await replay.waitFor('userid-already-taken'))[0], aId);
  });

  it('removes the user when the grace period ends without a resume; ownership moves on', async () => {
    const server = await startTestServer({ reconnectGraceMs: 400 });
    const [aId, bId, roomid] = [uid('a'), uid('b'), uid('room')];
    const a = await user(server, aId, undefined, modern);
    const b = await user(server, bId, undefined, modern);
    const { resumeToken } = await sessionOf(a);
    await room(roomid, a, [b]);
    const dropped = Date.now();
    drop(a);
    await b.waitFor('user-disconnected', (id) => id === aId);
    assert.ok(Date.now() - dropped >= 350, `left after ${Date.now() - dropped} ms`);
    assert.deepEqual(await b.waitFor('owner-changed'), [roomid, bId]);
    // Too late: a fresh session under the same id (the id is free), outside the room.
    const late = await user(server, aId, undefined, { ...modern, resume: resumeToken });
    const session = await sessionOf(late);
    assert.deepEqual([session.resumed, session.roomId], [false, '']);
  });

  it('a new connection with the secret replaces one the server still thinks is open', async () => {
    const server = await startTestServer({ reconnectGraceMs: 2000 });
    const [aId, bId, roomid] = [uid('a'), uid('b'), uid('room')];
    const a = await user(server, aId, undefined, modern);
    const b = await user(server, bId, undefined, modern);
    const { resumeToken } = await sessionOf(a);
    await room(roomid, a, [b]);
    const old = new Promise((resolve) => a.socket.once('disconnect', resolve));
    const back = await user(server, aId, undefined, { ...modern, resume: resumeToken });
    assert.deepEqual((await sessionOf(back)).resumed, true);
    assert.equal(await old, 'io server disconnect');
    b.relay(aId, { to: 'the new socket' });
    assert.equal((await back.waitForRelay()).sender, bId);
    await b.barrier();
    assert.equal(b.count('user-disconnected'), 0);
  });

  it('leaves at once when the client leaves on purpose, for v3 clients, and with a grace of 0', async () => {
    for (const [grace, query, how] of [
      [2000, modern, 'close'],
      [2000, {}, 'drop'],
      [0, modern, 'drop'],
    ] as const) {
      const server = await startTestServer({ reconnectGraceMs: grace });
      const [aId, bId, roomid] = [uid('a'), uid('b'), uid('room')];
      const a = await connect(server, { query: { userid: aId, ...query } });
      const b = await user(server, bId, undefined, modern);
      await room(roomid, a, [b]);
      const started = Date.now();
      if (how === 'close') a.close();
      else drop(a);
      await b.waitFor('user-disconnected', (id) => id === aId, 1000);
      assert.ok(Date.now() - started < 1000, `${how} with grace ${grace}`);
      await cleanup();
    }
  });

  it(
    '2,000 join/leave cycles leave the server at its baseline (rooms, users, heap)',
    { timeout: 60_000 },
    async () => {
      // Every cycle is a new socket from 127.0.0.1: lift the per-address connection limit.
      const server = await startTestServer({ rateLimits: { connectionsPerMinute: 1e9 } });
      const host = await user(server, uid('host'), undefined, modern);
      const roomid = uid('cycle-room');
      assert.deepEqual(await host.openRoom(roomid), [true]);
      // Raw clients, dropped after each cycle (the helpers keep theirs until cleanup).
      const cycle = async (i: number) => {
        const guestId = `cycle-${i % 50}`;
        const guest = io(server.url, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          query: { userid: guestId, ...modern },
        });
        const [ok] = await new Promise<unknown[]>((resolve) =>
          guest.emit('join-room', { sessionid: roomid }, (...ack: unknown[]) => resolve(ack)),
        );
        assert.equal(ok, true);
        guest.disconnect();
        await host.waitFor('user-disconnected', (id) => id === guestId);
        host.received.length = 0;
      };
      for (let i = 0; i < 200; i++) await cycle(i);
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const usersBefore = server.hub.userCount;
      for (let i = 200; i < 2000; i++) await cycle(i);
      global.gc?.();
      const grown = process.memoryUsage().heapUsed - heapBefore;
      assert.equal(server.hub.userCount, usersBefore);
      assert.equal(await server.hub.roomCount(), 1);
      assert.equal(server.hub.graceCount, 0);
      console.log(`# 1,800 join/leave cycles: heap ${(grown / 1024).toFixed(0)} KiB`);
      assert.ok(grown < 8 * 1024 * 1024, `heap grew by ${grown} bytes`);
    },
  );
});
