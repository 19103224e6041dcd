import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_CUSTOM_EVENT, DEFAULT_MESSAGE_EVENT, LIMITS } from '../../src/protocol/index.js';
import {
  assertLive,
  cleanup,
  connect,
  room,
  startTestServer,
  uid,
  user,
  withTimeout,
  type Client,
} from './helpers.js';

const ABSENT = { _room: { isFull: false, isPasswordProtected: false } };
const INVALID = [false, 'Invalid payload'];

/** `{a:{a:{...}}}`, `depth` levels deep. */
function deep(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Raw JSON text of `[[[...1...]]]`, `depth` levels deep (too deep for the client's encoder). */
function deepArrayText(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** Raw JSON text of `{"a":{"a":...}}`, `depth` levels deep. */
function deepObjectText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const bigString = (bytes: number) => 'x'.repeat(bytes);

/** Wrong types that fit in the socket.io buffer, for any payload position. */
const WRONG_VALUES: [string, unknown][] = [
  ['a number', 42],
  ['zero', 0],
  ['a boolean', true],
  ['null', null],
  ['undefined', undefined],
  ['an empty array', []],
  ['an array', ['a', { b: 1 }]],
  ['an empty string', ''],
  ['a string', 'some-string'],
  ['a huge string', bigString(100_000)],
  ['an empty object', {}],
  ['a deeply nested object', deep(2000)],
  ['a Buffer', Buffer.from('binary payload')],
];

/** Room requests that must be refused with (false, 'Invalid payload'). */
function badRoomRequests(roomid: string): [string, unknown][] {
  return [
    ...WRONG_VALUES,
    ['a numeric sessionid', { sessionid: 42 }],
    ['a null sessionid', { sessionid: null }],
    ['an empty sessionid', { sessionid: '' }],
    ['an array sessionid', { sessionid: [roomid] }],
    ['an object sessionid', { sessionid: { id: roomid } }],
    ['a sessionid with NUL', { sessionid: `${roomid}\u0000` }],
    ['a sessionid with a newline', { sessionid: `${roomid}\nINFO: forged log line` }],
    ['a sessionid with DEL', { sessionid: `${roomid}\u007f` }],
    ['a sessionid over 256 chars', { sessionid: bigString(LIMITS.idLength + 1) }],
    ['a huge sessionid', { sessionid: bigString(100_000) }],
    ['a string session', { sessionid: roomid, session: 'audio' }],
    ['an array session', { sessionid: roomid, session: ['audio'] }],
    ['a session flag of a wrong type', { sessionid: roomid, session: { audio: 'yes' } }],
    ['a string extra', { sessionid: roomid, extra: '{"name":"x"}' }],
    ['an array extra', { sessionid: roomid, extra: [1, 2] }],
    ['a null extra', { sessionid: roomid, extra: null }],
    ['an extra over 8 KiB', { sessionid: roomid, extra: { big: bigString(LIMITS.extraBytes) } }],
    ['a deeply nested extra', { sessionid: roomid, extra: deep(2000) }],
    ['a numeric password', { sessionid: roomid, password: 1234 }],
    ['an object password', { sessionid: roomid, password: { $ne: '' } }],
    [
      'a password over 256 chars',
      { sessionid: roomid, password: bigString(LIMITS.passwordLength + 1) },
    ],
    ['a numeric identifier', { sessionid: roomid, identifier: 7 }],
    ['an identifier over 256 chars', { sessionid: roomid, identifier: bigString(300) }],
  ];
}

/** Two members of one room, so leaks to the other member can be checked. */
async function pair(server: { url: string }): Promise<[Client, Client, string]> {
  const a = await user(server, uid('va'), { name: 'A' });
  const b = await user(server, uid('vb'), { name: 'B' });
  const roomid = uid('vroom');
  await room(roomid, a, [b]);
  return [a, b, roomid];
}

const idOf = (client: Client) =>
  String((client.socket.io.opts.query as Record<string, string>)['userid']);

describe('malformed and oversized payloads', () => {
  afterEach(cleanup);

  for (const event of ['open-room', 'join-room'] as const) {
    it(`${event}: acks (false, "Invalid payload") for every malformed request`, async () => {
      const server = await startTestServer();
      const [a, b] = await pair(server);
      const c = await user(server, uid('vc'));
      const roomid = uid('target');
      if (event === 'join-room') assert.deepEqual(await c.openRoom(roomid), [true]);
      for (const [label, payload] of badRoomRequests(roomid))
        assert.deepEqual(await a.request(event, payload), INVALID, `${event} with ${label}`);
      // Missing or extra arguments: the ack still comes last and still gets an answer.
      assert.deepEqual(await a.request(event), INVALID, `${event} with no payload`);
      // A refused request leaves the sender where it was: b heard nothing at all.
      await b.barrier();
      assert.deepEqual(
        b.received.map((r) => r.event),
        ['ice-servers', 'user-connected'],
      );
      assert.deepEqual(
        await a.request(event, { sessionid: roomid }, 'surplus', 3),
        [true],
        `${event} with surplus arguments`,
      );
      // Without an ack the request is still handled (and nothing breaks).
      a.emit(event, { sessionid: uid('no-ack') });
      a.emit(event, null);
      await a.barrier();
      // b only heard that a (the owner) left, for the valid request with surplus arguments.
      await b.barrier();
      assert.deepEqual(
        b.received.map((r) => r.event),
        [
          'ice-servers',
          'user-connected',
          'user-disconnected',
          'owner-changed',
          'set-isInitiator-true',
        ],
      );
      await assertLive(server);
    });
  }

  it('open-room without an ack still opens the room', async () => {
    const server = await startTestServer();
    const a = await user(server, uid('na'));
    const roomid = uid('no-ack');
    a.emit('open-room', { sessionid: roomid });
    const b = await user(server, uid('nb'));
    await a.barrier();
    assert.deepEqual(await b.checkPresence(roomid), [
      true,
      roomid,
      { _room: { isFull: false, isPasswordProtected: false } },
    ]);
    await assertLive(server);
  });

  it('check-presence: answers "absent" for every malformed room id', async () => {
    const server = await startTestServer();
    const [a, , roomid] = await pair(server);
    for (const [label, value] of WRONG_VALUES) {
      const [exists, id, extra] = await a.checkPresence(value);
      assert.equal(exists, false, `check-presence with ${label}`);
      assert.equal(typeof id, 'string', `check-presence with ${label}`);
      assert.deepEqual(extra, ABSENT, `check-presence with ${label}`);
    }
    for (const id of [`${roomid}\u0000`, `\u001b[31m${roomid}`, bigString(300)])
      assert.deepEqual(await a.checkPresence(id), [false, id, ABSENT]);
    assert.deepEqual(await a.checkPresence(12345), [false, '12345', ABSENT]);
    // With no argument at all the ack still gets the absent shape.
    assert.deepEqual(await a.request('check-presence'), [false, '', ABSENT]);
    assert.equal((await a.request('check-presence', roomid, { surplus: true }))[0], true);
    a.emit('check-presence', roomid);
    await assertLive(server);
  });

  it('get-remote-user-extra-data: answers "User ID does not exist" for malformed ids', async () => {
    const server = await startTestServer();
    const [a, b] = await pair(server);
    for (const [label, value] of [
      ...WRONG_VALUES,
      ['an object naming the user', { userid: idOf(b) }],
      ['an array naming the user', [idOf(b)]],
      ['the user id with NUL', `${idOf(b)}\u0000`],
    ] as [string, unknown][])
      assert.equal(
        (await a.request('get-remote-user-extra-data', value))[0],
        'User ID does not exist',
        `get-remote-user-extra-data with ${label}`,
      );
    assert.equal((await a.request('get-remote-user-extra-data'))[0], 'User ID does not exist');
    a.emit('get-remote-user-extra-data', idOf(b));
    await assertLive(server);
  });

  it('extra-data-updated: drops malformed and oversized extras', async () => {
    const server = await startTestServer();
    const [a, b] = await pair(server);
    const invalid: unknown[] = [42, 0, true, null, undefined, [], ['a', { b: 1 }], '', 'text'];
    for (const value of [...invalid, bigString(100_000), '{"name":"json text"}'])
      a.emit('extra-data-updated', value);
    a.emit('extra-data-updated', { big: bigString(LIMITS.extraBytes) });
    a.emit('extra-data-updated', deep(3000));
    a.emit('extra-data-updated', { name: 'A2' }, 'surplus');
    a.emit('extra-data-updated');
    await a.barrier();
    await b.barrier();
    // Only the valid update (the one with a surplus argument) went out.
    assert.deepEqual(b.all('extra-data-updated'), [[idOf(a), { name: 'A2' }]]);
    assert.deepEqual(await b.request('get-remote-user-extra-data', idOf(a)), [
      { name: 'A2' },
      idOf(a),
    ]);
    await assertLive(server);
  });

  it('relay: drops malformed envelopes and messages over 64 KiB', async () => {
    const server = await startTestServer();
    const [a, b, roomid] = await pair(server);
    const to = idOf(b);
    const envelopes: unknown[] = [
      ...WRONG_VALUES.map(([, value]) => value),
      { message: { type: 'offer', sdp: 'x' } },
      { remoteUserId: 42, message: { hello: 1 } },
      { remoteUserId: null, message: { hello: 1 } },
      { remoteUserId: [to], message: { hello: 1 } },
      { remoteUserId: { id: to }, message: { hello: 1 } },
      { remoteUserId: `${to}\u0000`, message: { hello: 1 } },
      { remoteUserId: bigString(100_000), message: { hello: 1 } },
      { remoteUserId: to },
      { remoteUserId: to, message: null },
      { remoteUserId: to, message: 42 },
      { remoteUserId: to, message: true },
      { remoteUserId: to, message: [1, 2, 3] },
      { remoteUserId: to, message: bigString(LIMITS.relayBytes + 1) },
      { remoteUserId: to, message: { sdp: bigString(LIMITS.relayBytes) } },
      { remoteUserId: roomid, message: { newParticipationRequest: true, pad: bigString(70_000) } },
    ];
    for (const envelope of envelopes) a.emit(a.messageEvent, envelope);
    // Malformed system probes.
    for (const message of [{ detectPresence: true }, { detectPresence: true, userid: { x: 1 } }])
      assert.deepEqual(await a.request(a.messageEvent, { remoteUserId: 'system', message }), [
        false,
        '',
      ]);
    await a.barrier();
    await b.barrier();
    assert.equal(b.relays().length, 0, JSON.stringify(b.relays()).slice(0, 200));
    // A message just under the limit and a moderately nested one still go through.
    a.relay(to, { sdp: bigString(LIMITS.relayBytes - 100) });
    a.relay(to, deep(1000));
    await b.waitForRelay((e) => 'a' in (e.message as object));
    assert.equal(b.relays().length, 2);
    await assertLive(server);
  });

  it('custom event: drops messages over 64 KiB and survives odd payloads', async () => {
    const server = await startTestServer();
    const [a, b] = await pair(server);
    a.emit(DEFAULT_CUSTOM_EVENT, { big: bigString(LIMITS.relayBytes + 1) });
    a.emit(DEFAULT_CUSTOM_EVENT, deep(2000));
    a.emit(DEFAULT_CUSTOM_EVENT);
    a.emit(DEFAULT_CUSTOM_EVENT, null, (): void => undefined);
    a.emit(DEFAULT_CUSTOM_EVENT, { last: true });
    await b.waitFor(DEFAULT_CUSTOM_EVENT, (m) => (m as { last?: boolean } | null)?.last === true);
    assert.ok(
      b.all(DEFAULT_CUSTOM_EVENT).every(([m]) => JSON.stringify(m ?? null).length < 70_000),
    );
    await assertLive(server);
  });

  it('ignores unknown events and events other sockets use as their relay name', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ue-a', undefined, { msgEvent: 'private-relay' });
    const b = await user(server, 'ue-b');
    await room(uid('room'), a, [b]);
    // b's relay name is the default; 'private-relay' means nothing on b's socket.
    b.emit('private-relay', { remoteUserId: 'ue-a', message: { hi: 1 } });
    b.emit('not-an-event', { remoteUserId: 'ue-a', message: { hi: 1 } });
    b.emit('admin', { all: true });
    b.emit('set-password', 'x');
    b.emit('close-entire-session');
    b.emit('get-public-rooms', 'x');
    await b.barrier();
    await a.barrier();
    assert.equal(a.relays().length, 0);
    b.emit(DEFAULT_MESSAGE_EVENT, { remoteUserId: 'ue-a', message: { ok: 1 } });
    assert.equal((await a.waitForRelay()).sender, 'ue-b');
    await assertLive(server);
  });

  it('survives raw packets the client encoder would never produce', async () => {
    const server = await startTestServer();
    const [a, b] = await pair(server);
    const to = idOf(b);
    // Nesting far deeper than a JSON serialiser's recursion limit.
    a.sendRaw(`2["check-presence",${deepArrayText(60_000)}]`);
    a.sendRaw(`2["open-room",{"sessionid":"deep","extra":${deepObjectText(20_000)}}]`);
    a.sendRaw(`2["extra-data-updated",${deepObjectText(20_000)}]`);
    a.sendRaw(
      `2["${a.messageEvent}",{"remoteUserId":"${to}","message":${deepObjectText(20_000)}}]`,
    );
    a.sendRaw(`2["${a.messageEvent}",{"remoteUserId":"${to}","message":${deepObjectText(9_000)}}]`);
    a.sendRaw(`2["${DEFAULT_CUSTOM_EVENT}",${deepArrayText(20_000)}]`);
    // A prototype-polluting key in an extra stays plain data.
    a.sendRaw('2["extra-data-updated",{"__proto__":{"polluted":true},"name":"A2"}]');
    await a.barrier();
    await b.barrier();
    assert.ok(a.connected);
    // Everything too deep to measure was dropped; the room and a's extra are intact.
    assert.equal(b.relays().length, 0);
    assert.equal(b.count(DEFAULT_CUSTOM_EVENT), 0);
    assert.equal(b.count('user-disconnected'), 0);
    const updates = b.all('extra-data-updated');
    assert.equal(updates.length, 1);
    const [id, extra] = updates[0]!;
    assert.equal(id, idOf(a));
    assert.equal((extra as { name?: string }).name, 'A2');
    assert.equal((extra as { polluted?: boolean }).polluted, undefined);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    await assertLive(server);
  });

  it('survives garbage frames (the sender may be dropped, nobody else is)', async () => {
    const server = await startTestServer();
    const [a, b] = await pair(server);
    for (const frame of [
      '2not json',
      '2[]',
      '2[123,{}]',
      '2{"a":1}',
      '2["open-room"',
      '9',
      'garbage',
      '',
    ])
      a.sendRaw(frame);
    await b.barrier();
    assert.ok(b.connected);
    await assertLive(server);
  });

  it('disconnects a socket that sends more than maxHttpBufferSize, and only that one', async () => {
    const server = await startTestServer();
    const [a, b, roomid] = await pair(server);
    const payloads: [string, unknown[]][] = [
      ['open-room', [{ sessionid: 'huge', extra: { big: bigString(LIMITS.maxHttpBufferSize) } }]],
      [a.messageEvent, [{ remoteUserId: idOf(b), message: bigString(LIMITS.maxHttpBufferSize) }]],
    ];
    for (const [event, args] of payloads) {
      const sender = await user(server, uid('huge'));
      assert.deepEqual(await sender.joinRoom(roomid), [true]);
      const gone = new Promise<string>((resolve) =>
        sender.socket.once('disconnect', (reason) => resolve(reason)),
      );
      sender.emit(event, ...args);
      assert.equal(
        await withTimeout(gone, 'the oversized sender to be dropped'),
        'transport close',
      );
    }
    // Same-room member b got nothing but the senders' arrivals and departures.
    await b.waitFor('user-disconnected', () => b.count('user-disconnected') === 2);
    await b.barrier();
    assert.equal(b.relays().length, 0);
    assert.ok(a.connected && b.connected);
    await assertLive(server);
  });

  it('handles odd handshake values', async () => {
    const server = await startTestServer();
    for (const [i, max] of ['abc', '0', '-3', '', '1.5e3', bigString(5000)].entries()) {
      const owner = await connect(server, {
        query: {
          userid: `hq-${i}`,
          maxParticipantsAllowed: max,
          autoCloseEntireSession: 'yes',
          msgEvent: bigString(200),
          socketCustomEvent: '\u0000',
          extra: '{"__proto__":{"x":1}}',
        },
      });
      const joiner = await user(server, `hq-j-${i}`);
      const roomid = uid('room');
      assert.deepEqual(await owner.openRoom(roomid), [true]);
      assert.deepEqual(await joiner.joinRoom(roomid), [true]);
      owner.emit(DEFAULT_MESSAGE_EVENT, { remoteUserId: `hq-j-${i}`, message: { n: i } });
      assert.equal((await joiner.waitForRelay()).sender, `hq-${i}`);
    }
    await assertLive(server);
  });
});
