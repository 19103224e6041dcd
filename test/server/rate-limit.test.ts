/** Abuse limits: a flooding socket is refused then cut off; connection bursts per address; others unaffected. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup, connect, room, startTestServer, uid, user, withTimeout } from './helpers.js';

describe('rate limits', () => {
  afterEach(cleanup);

  it('a socket over its message rate gets "Rate limited", then is cut off; its room-mates carry on', async () => {
    const server = await startTestServer({
      rateLimits: { messagesPerSecond: 20, messageBurst: 50, disconnectAfter: 200 },
    });
    const [aId, bId, cId] = [uid('rl-a'), uid('rl-b'), uid('rl-c')];
    const a = await user(server, aId);
    const b = await user(server, bId);
    const flooder = await user(server, cId);
    await room(uid('rl-room'), a, [b, flooder]);

    const acks: unknown[][] = [];
    for (let i = 0; i < 400; i++) {
      flooder.socket.emit('check-presence', 'some-room', (...args: unknown[]) => acks.push(args));
    }
    await withTimeout(
      new Promise<void>((resolve) => flooder.socket.once('disconnect', () => resolve())),
      'the flooder to be cut off',
    );
    assert.ok(acks.filter((x) => x[1] === 'Rate limited').length >= 1, 'told why');
    assert.ok(acks.filter((x) => x[1] !== 'Rate limited').length <= 60, 'served only its burst');

    // The others still relay to each other at once.
    const marker = uid('m');
    a.relay(bId, { marker });
    const got = await b.waitForRelay((e) => (e.message as { marker?: string }).marker === marker);
    assert.equal(got.sender, aId);
  });

  it('new connections per address are limited per minute, on every transport', async () => {
    const server = await startTestServer({ rateLimits: { connectionsPerMinute: 5 } });
    for (let i = 0; i < 5; i++) await connect(server, { query: { userid: uid('cl') } });
    // Refused at the WebSocket handshake (a browser WebSocket reads no reason from it).
    await assert.rejects(
      connect(server, { query: { userid: uid('cl') } }),
      /Too many connections|connect_error|timed out|websocket error/,
    );
    // A long-polling handshake from that address is refused too, before any session exists.
    const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(response.status, 403);
    assert.match(await response.text(), /Too many connections/);
  });
});
