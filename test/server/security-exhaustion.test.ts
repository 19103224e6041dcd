/**
 * Security, classes 4 and 5: a client cannot exhaust what other users need. Every packet counts
 * against its socket's budget (handled event or not); what a socket has waiting is bounded in
 * requests and bytes; per-address limits apply to every transport's handshake, half-open ones
 * included; password hashing is bounded. Limits follow the client address, which comes from
 * X-Forwarded-For only through a trusted proxy.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  cleanup,
  onCleanup,
  room,
  startTestServer,
  uid,
  user,
  waitUntil,
  withTimeout,
  type Client,
} from './helpers.js';

/** Opens a raw engine.io WebSocket that never asks for a namespace (half-open). */
async function halfOpen(url: string): Promise<WebSocket | undefined> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  onCleanup(() => ws.close());
  return new Promise((resolve) => {
    ws.onmessage = () => resolve(ws);
    ws.onerror = () => resolve(undefined);
    ws.onclose = () => resolve(undefined);
  });
}

/** A long-polling handshake's status (200: a session was made). */
async function pollingHandshake(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers });
  await response.text();
  return response.status;
}

describe('security: resource exhaustion', () => {
  afterEach(cleanup);

  it('events the server does not handle count too: a flood of them is cut off', async () => {
    const server = await startTestServer({
      rateLimits: { messagesPerSecond: 20, messageBurst: 50, disconnectAfter: 200 },
    });
    const [a, b, flooder] = [
      await user(server, uid('a')),
      await user(server, uid('b')),
      await user(server, uid('f')),
    ];
    await room(uid('room'), a, [b, flooder]);
    const closed = withTimeout(
      new Promise<void>((resolve) => flooder.socket.once('disconnect', () => resolve())),
      'the flooder to be cut off',
    );
    for (let i = 0; i < 1000; i++) flooder.emit('not-an-event', { i });
    await closed;
    const marker = uid('m');
    a.relay(String((b.socket.io.opts.query as Record<string, string>)['userid']), { marker });
    await b.waitForRelay((e) => (e.message as { marker?: string }).marker === marker);
  });

  it("what a socket has waiting is bounded: requests behind an owner's approval", async () => {
    const server = await startTestServer({
      rateLimits: { messagesPerSecond: 100_000, messageBurst: 100_000, disconnectAfter: 0 },
      queueLimits: { events: 16, bytes: 64 * 1024 },
    });
    const owner = await user(server, uid('owner'));
    const roomid = uid('room');
    assert.deepEqual(await owner.openRoom(roomid, { approveJoins: true }), [true]);
    const joiner = await user(server, uid('joiner'));
    const joined = joiner.joinRoom(roomid);
    await owner.waitFor('participation-request');
    // 200 more requests while the join waits: 15 fit behind it, the rest are refused at once.
    const acks: unknown[][] = [];
    for (let i = 0; i < 200; i++)
      joiner.socket.emit('check-presence', roomid, (...args: unknown[]) => acks.push(args));
    await waitUntil(
      async () => acks.length,
      (n) => n >= 185,
      'the refusals',
    );
    assert.equal(acks.length, 185);
    assert.ok(acks.every((ack) => ack[1] === 'Rate limited'));
    owner.emit('participation-decision', String(joiner.socket.io.opts.query?.['userid']), true);
    assert.deepEqual(await joined, [true]);
    await waitUntil(
      async () => acks.length,
      (n) => n === 200,
      'the queued answers',
    );
    // Bytes count too: 8 KiB payloads fill 64 KiB long before 16 requests.
    const secondId = uid('second');
    const second = await user(server, secondId);
    const waiting = second.joinRoom(roomid);
    await owner.waitFor('participation-request', (id) => id === secondId);
    const big = { remoteUserId: 'nobody', message: { pad: 'x'.repeat(8 * 1024) } };
    const bigAcks: unknown[][] = [];
    for (let i = 0; i < 12; i++)
      second.socket.emit(second.messageEvent, big, (...args: unknown[]) => bigAcks.push(args));
    await waitUntil(
      async () => bigAcks.length,
      (n) => n >= 5,
      'refusals by size',
    );
    assert.ok(bigAcks.every((ack) => ack[1] === 'Rate limited'));
    owner.emit('participation-decision', secondId, true);
    assert.deepEqual(await waiting, [true]);
  });

  it('per-address limits apply to every transport before anything is allocated, half-open too', async () => {
    const server = await startTestServer({
      rateLimits: { connectionsPerAddress: 5, connectionsPerMinute: 0 },
    });
    const open: WebSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const ws = await halfOpen(server.url);
      assert.ok(ws, `half-open connection ${i + 1} was refused`);
      open.push(ws);
    }
    assert.equal(await halfOpen(server.url), undefined, 'a sixth WebSocket was accepted');
    assert.equal(await pollingHandshake(server.url), 403, 'a polling session was made');
    // Closed connections give their place back.
    open[0]!.close();
    open[1]!.close();
    await waitUntil(
      async () => (await halfOpen(server.url)) !== undefined,
      Boolean,
      'a free place',
    );
  });

  it('password hashing is bounded: past its queue, requests are refused at once ("Server busy")', async () => {
    const server = await startTestServer({
      hashLimits: { concurrency: 1, perKey: 2, total: 100 },
    });
    const owners: Client[] = [];
    for (let i = 0; i < 6; i++) {
      const owner = await user(server, uid('owner'));
      assert.deepEqual(await owner.openRoom(uid('room')), [true]);
      owners.push(owner);
    }
    // All from one address: one hashes, two wait, three are told the server is busy.
    const acks = await Promise.all(owners.map((owner) => owner.request('set-password', 'pw')));
    const busy = acks.filter((ack) => ack[2] === 'Server busy');
    const done = acks.filter((ack) => ack[0] === true);
    assert.equal(done.length + busy.length, 6, JSON.stringify(acks));
    assert.ok(busy.length >= 1 && done.length >= 3, JSON.stringify(acks));
  });

  it('limits follow the client address: X-Forwarded-For only from a trusted proxy', async () => {
    const trusting = await startTestServer({
      trustProxy: ['loopback'],
      rateLimits: { connectionsPerMinute: 3 },
    });
    for (let i = 0; i < 3; i++)
      assert.equal(await pollingHandshake(trusting.url, { 'x-forwarded-for': '203.0.113.1' }), 200);
    assert.equal(await pollingHandshake(trusting.url, { 'x-forwarded-for': '203.0.113.1' }), 403);
    // Another client behind the same proxy is not held back.
    assert.equal(await pollingHandshake(trusting.url, { 'x-forwarded-for': '203.0.113.2' }), 200);
    // Without TRUST_PROXY the header is ignored: a client cannot spoof its way past a limit.
    const plain = await startTestServer({ rateLimits: { connectionsPerMinute: 3 } });
    for (let i = 0; i < 3; i++)
      assert.equal(
        await pollingHandshake(plain.url, { 'x-forwarded-for': `198.51.100.${i}` }),
        200,
      );
    assert.equal(await pollingHandshake(plain.url, { 'x-forwarded-for': '198.51.100.9' }), 403);
  });
});
