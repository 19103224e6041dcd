import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_CUSTOM_EVENT, DEFAULT_MESSAGE_EVENT } from '../../src/protocol/index.js';
import { assertLive, cleanup, connect, room, startTestServer, uid, user } from './helpers.js';

const RANDOM_ID = /^[0-9a-f]{20}$/;

describe('handshake', () => {
  afterEach(cleanup);

  it('sends an empty ice-servers list on connection by default', async () => {
    const server = await startTestServer();
    const client = await connect(server, { query: { userid: uid('u') } });
    const [servers] = await client.waitFor('ice-servers');
    assert.deepEqual(servers, []);
  });

  it('sends the configured ice-servers list (array or function)', async () => {
    const list = [
      { urls: 'stun:stun.test:3478' },
      { urls: ['turn:turn.test:3478'], username: 'u', credential: 'c' },
    ];
    const server = await startTestServer({ iceServers: list });
    const client = await connect(server, { query: { userid: uid('u') } });
    assert.deepEqual((await client.waitFor('ice-servers'))[0], list);

    const dynamic = await startTestServer({ iceServers: async () => [{ urls: 'stun:dyn.test' }] });
    const other = await connect(dynamic, { query: { userid: uid('u') } });
    assert.deepEqual((await other.waitFor('ice-servers'))[0], [{ urls: 'stun:dyn.test' }]);
  });

  it('uses config.json-style default relay and custom events for clients that name none', async () => {
    const server = await startTestServer({
      messageEvent: 'legacy-message',
      customEvent: 'legacy-custom',
    });
    const roomid = uid('room');
    const aId = uid('de-a');
    const a = await user(server, aId);
    const b = await user(server, uid('de-b'));
    assert.deepEqual(await a.openRoom(roomid), [true]);
    assert.deepEqual(await b.joinRoom(roomid), [true]);
    b.socket.emit('legacy-message', { remoteUserId: aId, sender: 'x', message: { hi: 1 } });
    const [envelope] = await a.waitFor('legacy-message');
    assert.deepEqual((envelope as { message: unknown }).message, { hi: 1 });
    b.socket.emit('legacy-custom', { note: 'to the room' });
    assert.deepEqual(await a.waitFor('legacy-custom'), [{ note: 'to the room' }]);
  });

  it("refuses the id 'system' (v3's presence-probe address) as taken, with a fresh id", async () => {
    const server = await startTestServer();
    const client = await connect(server, { query: { userid: 'system' } });
    const [taken, suggested] = await client.waitFor('userid-already-taken');
    assert.equal(taken, 'system');
    assert.match(String(suggested), RANDOM_ID);
  });

  it('honours the whole v3 handshake query', async () => {
    const server = await startTestServer();
    const roomid = uid('room');
    const query = {
      sessionid: roomid,
      msgEvent: 'v3-relay',
      socketCustomEvent: 'v3-custom',
      autoCloseEntireSession: 'false',
      maxParticipantsAllowed: '1',
    };
    const a = await user(server, 'hs-a', { name: 'A' }, query);
    const b = await user(server, 'hs-b', { name: 'B' }, query);
    const c = await user(server, 'hs-c', { name: 'C' }, query);
    await room(roomid, a, [b]);
    // extra: the joiner sees the opener's handshake extra and vice versa.
    assert.deepEqual(await b.waitFor('user-connected'), ['hs-a', { name: 'A' }]);
    assert.deepEqual(await a.waitFor('user-connected'), ['hs-b', { name: 'B' }]);
    // maxParticipantsAllowed=1: one-to-one.
    assert.deepEqual(await c.joinRoom(roomid), [false, 'Room full']);
    // msgEvent: relays use the custom event name.
    a.relay('hs-b', { hello: 1 });
    const envelope = await b.waitForRelay();
    assert.equal(envelope.sender, 'hs-a');
    assert.equal(b.count(DEFAULT_MESSAGE_EVENT), 0);
    // socketCustomEvent: rebroadcast on the custom name.
    a.emit('v3-custom', { custom: true });
    assert.deepEqual(await b.waitFor('v3-custom'), [{ custom: true }]);
    assert.equal(b.count(DEFAULT_CUSTOM_EVENT), 0);
  });

  it('refuses a duplicate userid with userid-already-taken, then disconnects it', async () => {
    const server = await startTestServer();
    const first = await user(server, 'dup-user');
    const second = await connect(server, { query: { userid: 'dup-user' } });
    const disconnected = new Promise<string>((resolve) =>
      second.socket.once('disconnect', (reason) => resolve(reason)),
    );
    const [takenId, suggestedId] = await second.waitFor('userid-already-taken');
    assert.equal(takenId, 'dup-user');
    assert.equal(typeof suggestedId, 'string');
    assert.notEqual(suggestedId, 'dup-user');
    assert.match(suggestedId as string, RANDOM_ID);
    assert.equal(await disconnected, 'io server disconnect');
    assert.equal(second.count('ice-servers'), 0);
    // The first socket keeps its identity and keeps working.
    const peer = await user(server, uid('peer'));
    const roomid = uid('room');
    await room(roomid, first, [peer]);
    assert.deepEqual(await peer.waitFor('user-connected'), ['dup-user', {}]);
    await assertLive(server);
  });

  it('frees the userid when its socket disconnects', async () => {
    const server = await startTestServer();
    const first = await user(server, 'reused-id');
    const gone = new Promise<void>((resolve) => first.socket.once('disconnect', () => resolve()));
    first.close();
    await gone;
    // The server handles the disconnect asynchronously: retry until the id is free.
    const deadline = Date.now() + 3000;
    for (;;) {
      const again = await user(server, 'reused-id');
      await again.barrier();
      if (again.count('userid-already-taken') === 0) break;
      assert.ok(Date.now() < deadline, 'the user id was never freed');
    }
  });

  for (const [label, query] of [
    ['missing', {}],
    ['empty', { userid: '' }],
    ['control-character', { userid: 'bad\u0001id' }],
    ['300-character', { userid: 'x'.repeat(300) }],
  ] as const) {
    it(`replaces a ${label} userid with a random one`, async () => {
      const server = await startTestServer();
      const owner = await user(server, 'owner-of-random');
      const anonymous = await connect(server, { query });
      const roomid = uid('room');
      await room(roomid, owner, [anonymous]);
      const [id] = await owner.waitFor('user-connected');
      assert.match(id as string, RANDOM_ID);
      // And the random id is a working identity.
      owner.relay(id, { to: 'random' });
      assert.equal((await anonymous.waitForRelay()).remoteUserId, id);
    });
  }

  it('delivers relays on each socket’s own msgEvent', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ev-a', undefined, { msgEvent: 'custom-a' });
    const b = await user(server, 'ev-b');
    await room(uid('room'), a, [b]);
    a.relay('ev-b', { from: 'a' });
    assert.deepEqual((await b.waitFor(DEFAULT_MESSAGE_EVENT))[0], {
      remoteUserId: 'ev-b',
      sender: 'ev-a',
      message: { from: 'a' },
      extra: {},
    });
    b.relay('ev-a', { from: 'b' });
    const [envelope] = await a.waitFor('custom-a');
    assert.equal((envelope as { sender: string }).sender, 'ev-b');
    // The default name is not a relay event for a socket with a custom one.
    a.emit(DEFAULT_MESSAGE_EVENT, { remoteUserId: 'ev-b', message: { wrongEvent: true } });
    await a.barrier();
    b.relay('ev-a', { marker: 1 });
    await a.waitForRelay((e) => (e.message as { marker?: number }).marker === 1);
    await b.barrier();
    assert.equal(b.count(DEFAULT_MESSAGE_EVENT), 1);
  });

  for (const reserved of [
    'open-room',
    'join-room',
    'disconnect',
    'user-connected',
    'ice-servers',
  ]) {
    it(`falls back to the default msgEvent for the reserved name "${reserved}"`, async () => {
      const server = await startTestServer();
      const a = await connect(server, { query: { userid: 'res-a', msgEvent: reserved } });
      const b = await connect(server, { query: { userid: 'res-b', msgEvent: reserved } });
      const roomid = uid('room');
      // The protocol event keeps its meaning.
      assert.deepEqual(await a.request('open-room', { sessionid: roomid }), [true]);
      assert.deepEqual(await b.request('join-room', { sessionid: roomid }), [true]);
      a.emit(DEFAULT_MESSAGE_EVENT, { remoteUserId: 'res-b', sender: 'x', message: { m: 1 } });
      const [envelope] = await b.waitFor(DEFAULT_MESSAGE_EVENT);
      assert.deepEqual(envelope, {
        remoteUserId: 'res-b',
        sender: 'res-a',
        message: { m: 1 },
        extra: {},
      });
    });
  }

  it('falls back to the default custom event when it is reserved or equals msgEvent', async () => {
    const server = await startTestServer();
    const query = { msgEvent: 'same-name', socketCustomEvent: 'same-name' };
    const a = await user(server, 'cu-a', undefined, query);
    const b = await user(server, 'cu-b', undefined, { socketCustomEvent: 'check-presence' });
    await room(uid('room'), a, [b]);
    a.emit(DEFAULT_CUSTOM_EVENT, { from: 'a' });
    assert.deepEqual(await b.waitFor(DEFAULT_CUSTOM_EVENT), [{ from: 'a' }]);
    b.emit(DEFAULT_CUSTOM_EVENT, { from: 'b' });
    assert.deepEqual(await a.waitFor(DEFAULT_CUSTOM_EVENT), [{ from: 'b' }]);
    // 'same-name' is still a relay event for a.
    a.emit('same-name', { remoteUserId: 'cu-b', message: { relay: true } });
    assert.equal((await b.waitForRelay()).sender, 'cu-a');
  });

  it('has no custom event when the relay event takes the default custom name', async () => {
    const server = await startTestServer();
    const query = { msgEvent: DEFAULT_CUSTOM_EVENT };
    const a = await user(server, 'cc-a', undefined, query);
    const b = await user(server, 'cc-b', undefined, query);
    await room(uid('room'), a, [b]);
    // A relay is delivered once, as a relay, never also rebroadcast as a custom event.
    a.emit(DEFAULT_CUSTOM_EVENT, { remoteUserId: 'cc-b', message: { once: true } });
    assert.equal((await b.waitForRelay()).sender, 'cc-a');
    await b.barrier();
    assert.equal(b.count(DEFAULT_CUSTOM_EVENT), 1);
  });

  it('treats an invalid handshake extra as {}', async () => {
    const server = await startTestServer();
    const owner = await user(server, 'ex-owner');
    const bad = ['not json', '[1,2]', '"text"', 'null', JSON.stringify({ big: 'x'.repeat(9000) })];
    const roomid = uid('room');
    assert.deepEqual(await owner.openRoom(roomid), [true]);
    for (const [i, extra] of bad.entries()) {
      const joiner = await connect(server, { query: { userid: `ex-${i}`, extra } });
      assert.deepEqual(await joiner.joinRoom(roomid), [true]);
      assert.deepEqual(await owner.waitFor('user-connected', (id) => id === `ex-${i}`), [
        `ex-${i}`,
        {},
      ]);
    }
  });
});
