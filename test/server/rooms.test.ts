import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { assertLive, cleanup, room, startTestServer, uid, user, type Client } from './helpers.js';

const ABSENT = { _room: { isFull: false, isPasswordProtected: false } };

/** Waits until `client` has seen its socket close. */
function closed(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!client.connected) resolve();
    else client.socket.once('disconnect', () => resolve());
  });
}

describe('open-room / join-room / check-presence', () => {
  afterEach(cleanup);

  it('acks open-room (true), then (false, "Room not available") for an existing room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'o-a');
    const b = await user(server, 'o-b');
    const roomid = uid('room');
    assert.deepEqual(await a.openRoom(roomid), [true]);
    assert.deepEqual(await b.openRoom(roomid), [false, 'Room not available']);
    // b did not take the room over: a is still its owner and b is in no room.
    assert.equal(
      (await b.request('get-remote-user-extra-data', 'o-a'))[0],
      'User ID does not exist',
    );
  });

  it('lets anyone open a room again once everyone left it', async () => {
    const server = await startTestServer();
    const a = await user(server, 'r-a');
    const roomid = uid('room');
    assert.deepEqual(await a.openRoom(roomid), [true]);
    a.close();
    const b = await user(server, 'r-b');
    const deadline = Date.now() + 3000;
    while ((await b.checkPresence(roomid))[0] !== false)
      assert.ok(Date.now() < deadline, 'the room never went away');
    assert.deepEqual(await b.openRoom(roomid), [true]);
  });

  it('acks join-room (true) and (false, "Room not available") for a missing room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'j-a');
    const b = await user(server, 'j-b');
    assert.deepEqual(await b.joinRoom(uid('missing')), [false, 'Room not available']);
    const roomid = uid('room');
    await a.openRoom(roomid);
    assert.deepEqual(await b.joinRoom(roomid), [true]);
    // Joining the room one is already in is a no-op success.
    assert.deepEqual(await b.joinRoom(roomid), [true]);
    await a.barrier();
    assert.equal(a.count('user-connected'), 1);
  });

  it('maxParticipantsAllowed=1 is one-to-one: the second joiner gets "Room full"', async () => {
    const server = await startTestServer();
    const a = await user(server, 'f-a', undefined, { maxParticipantsAllowed: '1' });
    const b = await user(server, 'f-b');
    const c = await user(server, 'f-c');
    const roomid = uid('room');
    await a.openRoom(roomid);
    assert.deepEqual(await c.checkPresence(roomid), [
      true,
      roomid,
      { _room: { isFull: false, isPasswordProtected: false } },
    ]);
    assert.deepEqual(await b.joinRoom(roomid), [true]);
    assert.deepEqual(await c.joinRoom(roomid), [false, 'Room full']);
    assert.deepEqual(await c.checkPresence(roomid), [
      true,
      roomid,
      { _room: { isFull: true, isPasswordProtected: false } },
    ]);
    // A seat frees up when the joiner leaves.
    b.close();
    await a.waitFor('user-disconnected');
    assert.deepEqual(await c.joinRoom(roomid), [true]);
  });

  it('maxParticipantsAllowed=N from rtc-elements admits N joiners besides the opener', async () => {
    const server = await startTestServer();
    const a = await user(server, 'n-a', undefined, {
      maxParticipantsAllowed: '3',
      rtcElements: '1',
    });
    const joiners = await Promise.all([1, 2, 3, 4].map((i) => user(server, `n-${i}`)));
    const roomid = uid('room');
    await a.openRoom(roomid);
    const acks = [];
    for (const joiner of joiners) acks.push(await joiner.joinRoom(roomid));
    assert.deepEqual(acks, [[true], [true], [true], [false, 'Room full']]);
  });

  it("maxParticipantsAllowed=N from an RTCMultiConnection page is the room's total (1 too is one-to-one)", async () => {
    const server = await startTestServer();
    for (const [limit, admitted] of [
      ['2', 1],
      ['1', 1],
      ['4', 3],
    ] as const) {
      const opener = await user(server, uid('v3-open'), undefined, {
        maxParticipantsAllowed: limit,
      });
      const roomid = uid('v3-room');
      assert.deepEqual(await opener.openRoom(roomid), [true]);
      const acks = [];
      for (let i = 0; i <= admitted; i++)
        acks.push(await (await user(server, uid('v3-join'))).joinRoom(roomid));
      assert.deepEqual(
        acks,
        [...Array.from({ length: admitted }, () => [true]), [false, 'Room full']],
        `maxParticipantsAllowed=${limit}`,
      );
    }
  });

  it('admits exactly one of two simultaneous joiners to a one-to-one room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'race-a', undefined, { maxParticipantsAllowed: '1' });
    const b = await user(server, 'race-b');
    const c = await user(server, 'race-c');
    const roomid = uid('room');
    await a.openRoom(roomid);
    const acks = await Promise.all([b.joinRoom(roomid), c.joinRoom(roomid)]);
    assert.deepEqual(acks.map((ack) => JSON.stringify(ack)).sort(), [
      '[false,"Room full"]',
      '[true]',
    ]);
  });

  it('caps maxParticipantsAllowed at the maxParticipantsLimit option', async () => {
    const server = await startTestServer({ maxParticipantsLimit: 1 });
    const a = await user(server, 'cap-a', undefined, { maxParticipantsAllowed: '50' });
    const b = await user(server, 'cap-b');
    const c = await user(server, 'cap-c');
    const roomid = uid('room');
    await room(roomid, a, [b]);
    assert.deepEqual(await c.joinRoom(roomid), [false, 'Room full']);
  });

  it('applies the maxParticipantsLimit option when the handshake gives no limit', async () => {
    const server = await startTestServer({ maxParticipantsLimit: 1 });
    const a = await user(server, 'cap2-a', undefined, { maxParticipantsAllowed: 'not a number' });
    const b = await user(server, 'cap2-b');
    const c = await user(server, 'cap2-c');
    const roomid = uid('room');
    await room(roomid, a, [b]);
    assert.deepEqual(await c.joinRoom(roomid), [false, 'Room full']);
  });

  it('a refused open-room or join-room does not cost the user its current room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'keep-a');
    const b = await user(server, 'keep-b');
    const other = await user(server, 'keep-other');
    const roomid = uid('room');
    const taken = uid('taken');
    await room(roomid, a, [b]);
    assert.deepEqual(await other.openRoom(taken), [true]);
    assert.deepEqual(await b.openRoom(taken), [false, 'Room not available']);
    assert.deepEqual(await b.joinRoom(uid('missing')), [false, 'Room not available']);
    assert.equal(a.count('user-disconnected'), 0);
    b.relay('keep-a', { stillHere: true });
    assert.equal((await a.waitForRelay()).sender, 'keep-b');
  });

  it('acks check-presence (exists, roomid, owner extra + _room) and the absent shape', async () => {
    const server = await startTestServer();
    const a = await user(server, 'p-a', { handshake: true });
    const b = await user(server, 'p-b');
    const roomid = uid('room');
    assert.deepEqual(await b.checkPresence(roomid), [false, roomid, ABSENT]);
    await a.openRoom(roomid, { extra: { name: 'Alice' } });
    assert.deepEqual(await b.checkPresence(roomid), [
      true,
      roomid,
      { name: 'Alice', _room: { isFull: false, isPasswordProtected: false } },
    ]);
    // A socket in no room may ask; the room's members are not listed.
    const [, , extra] = await b.checkPresence(roomid);
    assert.deepEqual(Object.keys(extra as object).sort(), ['_room', 'name']);
  });

  it('uses the join-room payload extra as the joiner’s extra', async () => {
    const server = await startTestServer();
    const a = await user(server, 'je-a', { name: 'A' });
    const b = await user(server, 'je-b', { name: 'old' });
    const roomid = uid('room');
    await a.openRoom(roomid);
    assert.deepEqual(await b.joinRoom(roomid, { extra: { name: 'B' } }), [true]);
    assert.deepEqual(await a.waitFor('user-connected'), ['je-b', { name: 'B' }]);
  });
});

describe('room passwords', () => {
  afterEach(cleanup);
  const PASSWORD = 'pw-Sup3r-s3cret-value';

  it('admits the right password and refuses a missing or wrong one', async () => {
    const server = await startTestServer();
    const a = await user(server, 'pw-a');
    const b = await user(server, 'pw-b');
    const roomid = uid('room');
    assert.deepEqual(await a.openRoom(roomid, { password: PASSWORD }), [true]);
    assert.deepEqual(await b.checkPresence(roomid), [
      true,
      roomid,
      { _room: { isFull: false, isPasswordProtected: true } },
    ]);
    assert.deepEqual(await b.joinRoom(roomid), [false, 'Invalid password']);
    assert.deepEqual(await b.joinRoom(roomid, { password: '' }), [false, 'Invalid password']);
    assert.deepEqual(await b.joinRoom(roomid, { password: 'nope' }), [false, 'Invalid password']);
    assert.deepEqual(await b.joinRoom(roomid, { password: PASSWORD }), [true]);
    assert.deepEqual(await a.waitFor('user-connected'), ['pw-b', {}]);
  });

  it('refuses even the right password after maxPasswordFailures (default 10) wrong tries', async () => {
    const server = await startTestServer();
    const a = await user(server, 'mf-a');
    const b = await user(server, 'mf-b');
    const c = await user(server, 'mf-c');
    const roomid = uid('room');
    await a.openRoom(roomid, { password: PASSWORD });
    for (let i = 0; i < 9; i++)
      assert.deepEqual(await b.joinRoom(roomid, { password: `wrong-${i}` }), [
        false,
        'Invalid password',
      ]);
    // Nine failures: the right password still works for this socket.
    assert.deepEqual(await c.joinRoom(roomid, { password: 'wrong' }), [false, 'Invalid password']);
    for (let i = 0; i < 9; i++) await c.joinRoom(roomid, { password: `wrong-${i}` });
    assert.deepEqual(await c.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
    assert.deepEqual(await b.joinRoom(roomid, { password: PASSWORD }), [true]);
    // The lock-out is per socket: a fresh one gets in.
    const d = await user(server, 'mf-d');
    assert.deepEqual(await d.joinRoom(roomid, { password: PASSWORD }), [true]);
  });

  it('honours the maxPasswordFailures option', async () => {
    const server = await startTestServer({ maxPasswordFailures: 2 });
    const a = await user(server, 'mo-a');
    const b = await user(server, 'mo-b');
    const roomid = uid('room');
    await a.openRoom(roomid, { password: PASSWORD });
    await b.joinRoom(roomid, { password: 'x' });
    await b.joinRoom(roomid, { password: 'y' });
    assert.deepEqual(await b.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
  });

  it('never sends the password in any ack or event', async () => {
    const server = await startTestServer();
    const a = await user(server, 'leak-a', { name: 'A' });
    const b = await user(server, 'leak-b');
    const c = await user(server, 'leak-c');
    const roomid = uid('room');
    await a.openRoom(roomid, { password: PASSWORD, extra: { name: 'A' } });
    await c.checkPresence(roomid);
    await b.joinRoom(roomid, { password: 'wrong' });
    await b.joinRoom(roomid, { password: PASSWORD });
    await c.joinRoom(roomid, { password: PASSWORD });
    await b.request('get-remote-user-extra-data', 'leak-a');
    await c.checkPresence(roomid);
    a.relay('leak-b', { hello: true });
    await b.waitForRelay();
    a.emit('extra-data-updated', { name: 'A2' });
    await c.waitFor('extra-data-updated');
    await c.checkPresence(roomid);
    a.close();
    await b.waitFor('set-isInitiator-true');
    await c.checkPresence(roomid);
    for (const client of [a, b, c]) {
      const seen = JSON.stringify([client.received, client.acks]);
      assert.ok(!seen.includes(PASSWORD), `the password leaked to ${seen}`);
      assert.ok(!seen.includes('scrypt'), `the password hash leaked to ${seen}`);
    }
  });
});

describe('presence events', () => {
  afterEach(cleanup);

  it('tells owner and joiner about each other exactly once, with extras', async () => {
    const server = await startTestServer();
    const a = await user(server, 'pe-a', { name: 'A' });
    const b = await user(server, 'pe-b', { name: 'B' });
    await room(uid('room'), a, [b]);
    assert.deepEqual(await a.waitFor('user-connected'), ['pe-b', { name: 'B' }]);
    assert.deepEqual(await b.waitFor('user-connected'), ['pe-a', { name: 'A' }]);
    // Relaying (which made v3 emit user-connected) adds no more presence events.
    a.relay('pe-b', { one: 1 });
    b.relay('pe-a', { two: 2 });
    await a.waitForRelay();
    await b.waitForRelay();
    await a.barrier();
    await b.barrier();
    assert.deepEqual(a.all('user-connected'), [['pe-b', { name: 'B' }]]);
    assert.deepEqual(b.all('user-connected'), [['pe-a', { name: 'A' }]]);
  });

  it('tells a third member about both and both about the third, once each', async () => {
    const server = await startTestServer();
    const a = await user(server, 'pt-a', { n: 'a' });
    const b = await user(server, 'pt-b', { n: 'b' });
    const c = await user(server, 'pt-c', { n: 'c' });
    await room(uid('room'), a, [b, c]);
    await a.waitFor('user-connected', (id) => id === 'pt-c');
    await b.waitFor('user-connected', (id) => id === 'pt-c');
    for (const client of [a, b, c]) await client.barrier();
    assert.deepEqual(a.all('user-connected'), [
      ['pt-b', { n: 'b' }],
      ['pt-c', { n: 'c' }],
    ]);
    assert.deepEqual(b.all('user-connected'), [
      ['pt-a', { n: 'a' }],
      ['pt-c', { n: 'c' }],
    ]);
    assert.deepEqual(
      c.all('user-connected').sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        ['pt-a', { n: 'a' }],
        ['pt-b', { n: 'b' }],
      ],
    );
  });

  it('sends user-disconnected when a member disconnects or moves to another room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ud-a');
    const b = await user(server, 'ud-b');
    const c = await user(server, 'ud-c');
    const roomid = uid('room');
    await room(roomid, a, [b, c]);
    b.close();
    assert.deepEqual(await a.waitFor('user-disconnected'), ['ud-b']);
    assert.deepEqual(await c.waitFor('user-disconnected'), ['ud-b']);
    assert.deepEqual(await c.openRoom(uid('other-room')), [true]);
    assert.deepEqual(await a.waitFor('user-disconnected', (id) => id === 'ud-c'), ['ud-c']);
    // c no longer counts as a member of the first room.
    assert.equal(
      (await a.request('get-remote-user-extra-data', 'ud-c'))[0],
      'User ID does not exist',
    );
  });

  it('relays extra-data-updated to the others; only the owner’s changes the room extra', async () => {
    const server = await startTestServer();
    const a = await user(server, 'xe-a', { v: 0 });
    const b = await user(server, 'xe-b');
    const c = await user(server, 'xe-c');
    const outsider = await user(server, 'xe-out');
    const roomid = uid('room');
    await room(roomid, a, [b, c]);
    await outsider.openRoom(uid('elsewhere'));

    b.emit('extra-data-updated', { v: 'b1' });
    assert.deepEqual(await a.waitFor('extra-data-updated'), ['xe-b', { v: 'b1' }]);
    assert.deepEqual(await c.waitFor('extra-data-updated'), ['xe-b', { v: 'b1' }]);
    assert.deepEqual((await outsider.checkPresence(roomid))[2], {
      v: 0,
      _room: { isFull: false, isPasswordProtected: false },
    });
    assert.deepEqual(await c.request('get-remote-user-extra-data', 'xe-b'), [{ v: 'b1' }, 'xe-b']);

    a.emit('extra-data-updated', { v: 'a1' });
    assert.deepEqual(await b.waitFor('extra-data-updated', (id) => id === 'xe-a'), [
      'xe-a',
      { v: 'a1' },
    ]);
    assert.deepEqual((await outsider.checkPresence(roomid))[2], {
      v: 'a1',
      _room: { isFull: false, isPasswordProtected: false },
    });
    // Nobody hears their own update, nobody outside the room hears anything.
    for (const client of [a, b, outsider]) await client.barrier();
    assert.deepEqual(
      a.all('extra-data-updated').map(([id]) => id),
      ['xe-b'],
    );
    assert.deepEqual(
      b.all('extra-data-updated').map(([id]) => id),
      ['xe-a'],
    );
    assert.equal(outsider.count('extra-data-updated'), 0);
  });

  it('answers get-remote-user-extra-data only for users in the same room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ge-a', { name: 'A' });
    const b = await user(server, 'ge-b', { name: 'B' });
    const x = await user(server, 'ge-x', { name: 'X' });
    const lonely = await user(server, 'ge-lonely', { name: 'L' });
    await room(uid('room'), a, [b]);
    await x.openRoom(uid('room-x'));
    assert.deepEqual(await a.request('get-remote-user-extra-data', 'ge-b'), [
      { name: 'B' },
      'ge-b',
    ]);
    assert.deepEqual(await b.request('get-remote-user-extra-data', 'ge-a'), [
      { name: 'A' },
      'ge-a',
    ]);
    for (const [asker, target] of [
      [a, 'ge-x'],
      [x, 'ge-a'],
      [a, 'ge-lonely'],
      [lonely, 'ge-a'],
      [a, 'ge-nobody'],
    ] as const)
      assert.equal(
        (await asker.request('get-remote-user-extra-data', target))[0],
        'User ID does not exist',
      );
  });
});

describe('owner leaves', () => {
  afterEach(cleanup);

  it('makes the longest-present participant the owner (set-isInitiator-true)', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ol-a', { owner: 'a' });
    const b = await user(server, 'ol-b', { owner: 'b' });
    const c = await user(server, 'ol-c');
    const roomid = uid('room');
    await room(roomid, a, [b, c]);
    a.close();
    assert.deepEqual(await b.waitFor('set-isInitiator-true'), [roomid]);
    assert.deepEqual(await c.waitFor('user-disconnected'), ['ol-a']);
    assert.deepEqual(await b.waitFor('user-disconnected'), ['ol-a']);
    // c was not made owner: anything sent to c before b's later relay would be seen first.
    b.relay('ol-c', { after: 'handover' });
    await c.waitForRelay();
    assert.equal(c.count('set-isInitiator-true'), 0);
    // The room lives on; its extra stays the old owner's until the new owner updates it.
    const d = await user(server, 'ol-d');
    assert.deepEqual((await d.checkPresence(roomid))[2], {
      owner: 'a',
      _room: { isFull: false, isPasswordProtected: false },
    });
    b.emit('extra-data-updated', { owner: 'b2' });
    await c.waitFor('extra-data-updated');
    assert.deepEqual((await d.checkPresence(roomid))[2], {
      owner: 'b2',
      _room: { isFull: false, isPasswordProtected: false },
    });
    assert.deepEqual(await d.joinRoom(roomid), [true]);
    // Next in line after b is c (then d).
    b.close();
    assert.deepEqual(await c.waitFor('set-isInitiator-true'), [roomid]);
    await d.waitFor('user-disconnected', (id) => id === 'ol-b');
    c.relay('ol-d', { after: 'second handover' });
    await d.waitForRelay();
    assert.equal(d.count('set-isInitiator-true'), 0);
  });

  it('does not move ownership when a non-owner leaves', async () => {
    const server = await startTestServer();
    const a = await user(server, 'no-a');
    const b = await user(server, 'no-b');
    const c = await user(server, 'no-c');
    await room(uid('room'), a, [b, c]);
    b.close();
    await c.waitFor('user-disconnected');
    await a.waitFor('user-disconnected');
    a.relay('no-c', { marker: true });
    await c.waitForRelay();
    await a.barrier();
    assert.equal(a.count('set-isInitiator-true') + c.count('set-isInitiator-true'), 0);
  });

  const closers: [string, Record<string, string>, Record<string, unknown>][] = [
    ['autoCloseEntireSession=true', { autoCloseEntireSession: 'true' }, {}],
    ['a oneway session', {}, { session: { audio: true, video: true, oneway: true } }],
    ['a broadcast session', {}, { session: { audio: true, video: true, broadcast: true } }],
  ];
  for (const [label, query, openPayload] of closers) {
    it(`closes the room for everyone with ${label}`, async () => {
      const server = await startTestServer();
      const a = await user(server, 'ac-a', { owner: true }, query);
      const b = await user(server, 'ac-b');
      const c = await user(server, 'ac-c');
      const roomid = uid('room');
      await room(roomid, a, [b, c], openPayload);
      a.close();
      assert.deepEqual(await b.waitFor('closed-entire-session'), [roomid, { owner: true }]);
      assert.deepEqual(await c.waitFor('closed-entire-session'), [roomid, { owner: true }]);
      assert.deepEqual(await b.checkPresence(roomid), [false, roomid, ABSENT]);
      assert.equal(b.count('set-isInitiator-true') + c.count('set-isInitiator-true'), 0);
      // The remaining members are in no room any more: they cannot relay to each other.
      b.relay('ac-c', { stale: true });
      await b.barrier();
      await c.barrier();
      assert.equal(c.relays().length, 0);
      // And the room id is free again.
      assert.deepEqual(await c.openRoom(roomid), [true]);
      assert.deepEqual(await b.joinRoom(roomid), [true]);
    });
  }

  it('keeps an autoClose room open when a non-owner leaves', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ak-a', undefined, { autoCloseEntireSession: 'true' });
    const b = await user(server, 'ak-b');
    const c = await user(server, 'ak-c');
    const roomid = uid('room');
    await room(roomid, a, [b, c]);
    b.close();
    await closed(b);
    assert.deepEqual(await a.waitFor('user-disconnected'), ['ak-b']);
    assert.equal((await c.checkPresence(roomid))[0], true);
    assert.equal(c.count('closed-entire-session'), 0);
    await assertLive(server);
  });
});
