/**
 * Room API enforcement (issue 3): the participant limit under a join race, passwords (set by the
 * owner only, checked without joining, never shown), password guessing limits per socket and per
 * room, and public room lists.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { Logger } from '../../server/index.js';
import {
  cleanup,
  publicRoom,
  room,
  startTestServer,
  tally,
  uid,
  user,
  waitUntil,
} from './helpers.js';

const ABSENT = { _room: { isFull: false, isPasswordProtected: false } };
const PASSWORD = 'pw-Corr3ct-h0rse-battery';

/** check-presence's extra for a room opened without an extra. */
const presence = (isFull: boolean, isPasswordProtected: boolean) => ({
  _room: { isFull, isPasswordProtected },
});

/** A logger that keeps every line (to prove what the server never logs). */
function recordingLogger(): Logger & { lines: unknown[] } {
  const lines: unknown[] = [];
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) =>
    void lines.push([level, message, details]);
  return {
    lines,
    error: keep('error'),
    warn: keep('warn'),
    info: keep('info'),
    debug: keep('debug'),
  };
}

describe('participant limit', () => {
  afterEach(cleanup);

  it('admits exactly 5 of 30 simultaneous joiners when maxParticipantsAllowed is 5', async () => {
    const server = await startTestServer();
    const ownerId = uid('race-owner');
    // rtc-elements' meaning: 5 besides the opener.
    const owner = await user(server, ownerId, undefined, {
      maxParticipantsAllowed: '5',
      rtcElements: '1',
    });
    const ids = Array.from({ length: 30 }, () => uid('racer'));
    const joiners = await Promise.all(ids.map((id) => user(server, id)));
    const roomid = uid('race-room');
    await room(roomid, owner, []);

    // Every join-room leaves in the same tick.
    const acks = await Promise.all(joiners.map((joiner) => joiner.joinRoom(roomid)));
    assert.deepEqual(tally(acks), { '[true]': 5, '[false,"Room full"]': 25 });
    const admitted = ids.filter((_id, i) => acks[i]![0] === true);
    const refused = joiners.filter((_joiner, i) => acks[i]![0] !== true);

    const outsider = await user(server, uid('race-outsider'));
    assert.deepEqual(await outsider.checkPresence(roomid), [true, roomid, presence(true, false)]);
    // The owner met exactly the admitted five; the refused met nobody.
    await owner.barrier();
    assert.deepEqual(
      owner
        .all('user-connected')
        .map(([id]) => id)
        .sort(),
      [...admitted].sort(),
    );
    for (const loser of refused) await loser.barrier();
    for (const loser of refused) assert.equal(loser.count('user-connected'), 0);

    // A seat frees up when one leaves; exactly one more gets it.
    const leaver = joiners[ids.indexOf(admitted[0]!)]!;
    leaver.close();
    assert.deepEqual(await owner.waitFor('user-disconnected'), [admitted[0]]);
    assert.deepEqual(await outsider.checkPresence(roomid), [true, roomid, presence(false, false)]);
    assert.deepEqual(await refused[0]!.joinRoom(roomid), [true]);
    assert.deepEqual(await refused[1]!.joinRoom(roomid), [false, 'Room full']);
    assert.deepEqual(await outsider.checkPresence(roomid), [true, roomid, presence(true, false)]);
  });
});

describe('set-password', () => {
  afterEach(cleanup);

  it('is for the owner only; joins then need the password; an empty one removes it', async () => {
    const server = await startTestServer();
    const ownerId = uid('sp-owner');
    const owner = await user(server, ownerId);
    const memberId = uid('sp-member');
    const member = await user(server, memberId);
    const lonely = await user(server, uid('sp-lonely'));
    const joiner = await user(server, uid('sp-joiner'));
    const roomid = uid('sp-room');
    await room(roomid, owner, [member]);

    assert.deepEqual(await lonely.request('set-password', PASSWORD), [
      null,
      null,
      'Did not join any room yet',
    ]);
    assert.deepEqual(await member.request('set-password', PASSWORD), [
      false,
      roomid,
      'Room permission denied',
    ]);
    // The refused calls set nothing.
    assert.deepEqual(await joiner.checkPresence(roomid), [true, roomid, presence(false, false)]);

    assert.deepEqual(await owner.request('set-password', PASSWORD), [true, roomid, null]);
    assert.deepEqual(await joiner.checkPresence(roomid), [true, roomid, presence(false, true)]);
    assert.deepEqual(await joiner.joinRoom(roomid), [false, 'Invalid password']);
    assert.deepEqual(await joiner.joinRoom(roomid, { password: 'wrong' }), [
      false,
      'Invalid password',
    ]);
    assert.deepEqual(await joiner.joinRoom(roomid, { password: PASSWORD }), [true]);
    // Members already inside stay.
    member.relay(ownerId, { stillIn: true });
    assert.equal((await owner.waitForRelay()).sender, memberId);

    assert.deepEqual(await owner.request('set-password', ''), [true, roomid, null]);
    assert.deepEqual(await lonely.checkPresence(roomid), [true, roomid, presence(false, false)]);
    assert.deepEqual(await lonely.joinRoom(roomid), [true]);
  });

  it('never shows the password or its hash in any ack, event or log line', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ logger });
    const identifier = uid('sp-public');
    const ownerId = uid('leak-owner');
    const joinerId = uid('leak-joiner');
    const owner = await user(server, ownerId, { name: 'Owner' });
    const member = await user(server, uid('leak-member'), { name: 'Member' });
    const joiner = await user(server, joinerId, { name: 'Joiner' });
    const guesser = await user(server, uid('leak-guesser'));
    const roomid = uid('leak-room');
    await room(roomid, owner, [member], { identifier, extra: { name: 'Owner' } });

    await member.request('set-password', `${PASSWORD}-member`);
    assert.deepEqual(await owner.request('set-password', PASSWORD), [true, roomid, null]);
    await guesser.checkPresence(roomid);
    await guesser.request('get-public-rooms', identifier);
    await guesser.request('is-valid-password', 'wrong', roomid);
    await guesser.request('is-valid-password', PASSWORD, roomid);
    await guesser.joinRoom(roomid, { password: 'wrong' });
    // Refused payloads that carry the password are logged (without it).
    await guesser.joinRoom(roomid, { password: PASSWORD, extra: 'not an object' });
    await guesser.request('join-room', { sessionid: 'bad\u0000id', password: PASSWORD });
    await guesser.request('open-room', { sessionid: uid('leak-x'), password: PASSWORD.repeat(20) });
    assert.deepEqual(await joiner.joinRoom(roomid, { password: PASSWORD }), [true]);
    await owner.waitFor('user-connected', (id) => id === joinerId);
    await member.waitFor('user-connected', (id) => id === joinerId);
    await joiner.request('get-remote-user-extra-data', ownerId);
    owner.emit('extra-data-updated', { name: 'Owner 2' });
    await joiner.waitFor('extra-data-updated');
    await guesser.checkPresence(roomid);
    const listed = await publicRoom(guesser, identifier, roomid);
    assert.equal(listed?.isPasswordProtected, true);
    owner.close();
    await member.waitFor('owner-changed');
    await joiner.waitFor('owner-changed');
    await guesser.checkPresence(roomid);
    await guesser.request('get-public-rooms', identifier);
    for (const client of [member, joiner, guesser]) await client.barrier();

    for (const client of [owner, member, joiner, guesser]) {
      const seen = JSON.stringify([client.received, client.acks]);
      assert.ok(!seen.includes(PASSWORD), `the password leaked: ${seen}`);
      assert.ok(!seen.includes('scrypt'), `the password hash leaked: ${seen}`);
      assert.ok(!/"password(Hash)?"/.test(seen), `a password field was sent: ${seen}`);
    }
    const logged = JSON.stringify(logger.lines);
    assert.ok(logger.lines.length > 0, 'nothing was logged: the check below would prove nothing');
    assert.ok(!logged.includes(PASSWORD), `the password was logged: ${logged}`);
    assert.ok(!logged.includes('scrypt'), `the password hash was logged: ${logged}`);
  });
});

describe('is-valid-password', () => {
  afterEach(cleanup);

  it('answers with v3’s acks and counts wrong guesses toward the limits', async () => {
    const server = await startTestServer({ maxPasswordFailures: 3 });
    const owner = await user(server, uid('iv-owner'));
    const plainOwner = await user(server, uid('iv-plain'));
    const checker = await user(server, uid('iv-checker'));
    const roomid = uid('iv-room');
    const plain = uid('iv-plain-room');
    const missing = uid('iv-missing');
    assert.deepEqual(await owner.openRoom(roomid, { password: PASSWORD }), [true]);
    assert.deepEqual(await plainOwner.openRoom(plain), [true]);

    assert.deepEqual(await checker.request('is-valid-password', PASSWORD, roomid), [
      true,
      roomid,
      false,
    ]);
    assert.deepEqual(await checker.request('is-valid-password', 'wrong', roomid), [
      false,
      roomid,
      'Invalid password',
    ]);
    for (const empty of ['', '   '])
      assert.deepEqual(await checker.request('is-valid-password', empty, roomid), [
        false,
        roomid,
        'You did not enter the password.',
      ]);
    assert.deepEqual(await checker.request('is-valid-password', PASSWORD, ''), [
      false,
      '',
      'You did not enter the room-id.',
    ]);
    assert.deepEqual(await checker.request('is-valid-password', PASSWORD, missing), [
      false,
      missing,
      'Room not available',
    ]);
    assert.deepEqual(await checker.request('is-valid-password', PASSWORD, plain), [
      false,
      plain,
      'This room do not have any password.',
    ]);
    // A password longer than any join accepts is refused, never truncated into a match.
    assert.deepEqual(
      await checker.request('is-valid-password', PASSWORD + 'x'.repeat(300), roomid),
      [false, roomid, 'Invalid password'],
    );
    // Numeric room ids, as v3 pages may pass them, are the same room as their string.
    const numeric = String(Date.now());
    assert.deepEqual(await plainOwner.openRoom(numeric, { password: PASSWORD }), [true]);
    assert.deepEqual(await checker.request('is-valid-password', PASSWORD, Number(numeric)), [
      true,
      numeric,
      false,
    ]);
    // Checking joins nothing.
    await owner.barrier();
    assert.equal(owner.count('user-connected'), 0);

    // One wrong guess so far; two more reach maxPasswordFailures (3), for checks and joins alike.
    assert.deepEqual(await checker.joinRoom(roomid, { password: 'wrong-2' }), [
      false,
      'Invalid password',
    ]);
    assert.deepEqual(await checker.request('is-valid-password', 'wrong-3', roomid), [
      false,
      roomid,
      'Invalid password',
    ]);
    assert.deepEqual(await checker.request('is-valid-password', PASSWORD, roomid), [
      false,
      roomid,
      'Too many attempts',
    ]);
    assert.deepEqual(await checker.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
  });
});

describe('password guessing limits', () => {
  afterEach(() => {
    mock.timers.reset();
    return cleanup();
  });

  it('per socket: past maxPasswordFailures even the right password is refused', async () => {
    const server = await startTestServer({ maxPasswordFailures: 3 });
    const owner = await user(server, uid('ps-owner'));
    const otherOwner = await user(server, uid('ps-other-owner'));
    const guesser = await user(server, uid('ps-guesser'));
    const honest = await user(server, uid('ps-honest'));
    const roomid = uid('ps-room');
    const other = uid('ps-other-room');
    await owner.openRoom(roomid, { password: PASSWORD });
    await otherOwner.openRoom(other, { password: `${PASSWORD}-other` });
    for (const guess of ['a', 'b', 'c'])
      assert.deepEqual(await guesser.joinRoom(roomid, { password: guess }), [
        false,
        'Invalid password',
      ]);
    assert.deepEqual(await guesser.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
    // The count is the socket's, whatever room it tries next.
    assert.deepEqual(await guesser.joinRoom(other, { password: `${PASSWORD}-other` }), [
      false,
      'Too many attempts',
    ]);
    // Other sockets are not affected.
    assert.deepEqual(await honest.joinRoom(roomid, { password: PASSWORD }), [true]);
  });

  it('per room: maxRoomPasswordFailures wrong guesses from different sockets lock the room for the window', async () => {
    // The window is measured with Date.now(); a mocked clock makes it exact (no sleeping).
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const server = await startTestServer({ maxRoomPasswordFailures: 5, passwordWindowMs: 300 });
    const owner = await user(server, uid('pr-owner'));
    const otherOwner = await user(server, uid('pr-other-owner'));
    const roomid = uid('pr-room');
    const other = uid('pr-other-room');
    await owner.openRoom(roomid, { password: PASSWORD });
    await otherOwner.openRoom(other, { password: PASSWORD });

    const guessers = await Promise.all([1, 2, 3, 4, 5].map(() => user(server, uid('pr-guess'))));
    for (const guesser of guessers)
      assert.deepEqual(await guesser.joinRoom(roomid, { password: 'wrong' }), [
        false,
        'Invalid password',
      ]);
    const fresh = await user(server, uid('pr-fresh'));
    assert.deepEqual(await fresh.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
    assert.deepEqual(await fresh.request('is-valid-password', PASSWORD, roomid), [
      false,
      roomid,
      'Too many attempts',
    ]);
    // Only that room is locked.
    assert.deepEqual(await fresh.request('is-valid-password', PASSWORD, other), [
      true,
      other,
      false,
    ]);

    mock.timers.tick(299);
    const early = await user(server, uid('pr-early'));
    assert.deepEqual(await early.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
    mock.timers.tick(2);
    const late = await user(server, uid('pr-late'));
    assert.deepEqual(await late.joinRoom(roomid, { password: PASSWORD }), [true]);
    // A new window: wrong guesses count from zero again.
    assert.deepEqual(await early.joinRoom(roomid, { password: 'wrong' }), [
      false,
      'Invalid password',
    ]);
  });

  it('per room: simultaneous wrong guesses never get past the limit', async () => {
    const server = await startTestServer({ maxRoomPasswordFailures: 5 });
    const owner = await user(server, uid('pc-owner'));
    const roomid = uid('pc-room');
    await owner.openRoom(roomid, { password: PASSWORD });
    const guessers = await Promise.all(
      Array.from({ length: 12 }, () => user(server, uid('pc-guess'))),
    );
    const acks = await Promise.all(
      guessers.map((guesser, i) => guesser.joinRoom(roomid, { password: `wrong-${i}` })),
    );
    assert.deepEqual(tally(acks), {
      '[false,"Invalid password"]': 5,
      '[false,"Too many attempts"]': 7,
    });
    const fresh = await user(server, uid('pc-fresh'));
    assert.deepEqual(await fresh.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
  });

  it('a new password from the owner unlocks a room locked by guessing', async () => {
    const server = await startTestServer({ maxRoomPasswordFailures: 3 });
    const owner = await user(server, uid('np-owner'));
    const roomid = uid('np-room');
    assert.deepEqual(await owner.openRoom(roomid, { password: PASSWORD }), [true]);
    const guessers = await Promise.all([1, 2, 3].map(() => user(server, uid('np-guess'))));
    for (const guesser of guessers) await guesser.joinRoom(roomid, { password: 'wrong' });
    const fresh = await user(server, uid('np-fresh'));
    assert.deepEqual(await fresh.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
    const next = `${PASSWORD}-next`;
    assert.deepEqual(await owner.request('set-password', next), [true, roomid, null]);
    assert.deepEqual(await fresh.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Invalid password',
    ]);
    assert.deepEqual(await fresh.joinRoom(roomid, { password: next }), [true]);
  });

  it('reopening a room resets its count', async () => {
    const server = await startTestServer({ maxRoomPasswordFailures: 5 });
    const owner = await user(server, uid('rr-owner'));
    const roomid = uid('rr-room');
    assert.deepEqual(await owner.openRoom(roomid, { password: PASSWORD }), [true]);
    const guessers = await Promise.all([1, 2, 3, 4, 5].map(() => user(server, uid('rr-guess'))));
    for (const guesser of guessers) await guesser.joinRoom(roomid, { password: 'wrong' });
    const fresh = await user(server, uid('rr-fresh'));
    assert.deepEqual(await fresh.joinRoom(roomid, { password: PASSWORD }), [
      false,
      'Too many attempts',
    ]);
    // The owner opens it again (v3 does that on reconnect): a new room, a new count.
    assert.deepEqual(await owner.openRoom(roomid, { password: PASSWORD }), [true]);
    assert.deepEqual(await fresh.joinRoom(roomid, { password: PASSWORD }), [true]);
  });
});

describe('get-public-rooms', () => {
  afterEach(cleanup);

  it('lists the rooms opened with that identifier, with v3’s fields and never a password', async () => {
    const server = await startTestServer();
    const identifier = uid('pub');
    const otherIdentifier = uid('pub-other');
    const [aId, bId, cId, dId] = ['a', 'b', 'c', 'd'].map((n) => uid(`pub-${n}`)) as [
      string,
      string,
      string,
      string,
    ];
    const a = await user(
      server,
      aId,
      { name: 'A' },
      { maxParticipantsAllowed: '3', rtcElements: '1' },
    );
    const b = await user(server, bId, { name: 'B' });
    const c = await user(server, cId, { name: 'C' }, { maxParticipantsAllowed: '1' });
    const d = await user(server, dId);
    const eId = uid('pub-e');
    const e = await user(server, eId);
    const f = await user(server, uid('pub-f'));
    const asker = await user(server, uid('pub-asker'));
    const open = uid('pub-open');
    const locked = uid('pub-locked');
    const elsewhere = uid('pub-elsewhere');
    const unlisted = uid('pub-unlisted');
    await room(open, a, [b], {
      identifier,
      extra: { name: 'A', topic: 'open' },
      session: { audio: true, data: true },
    });
    assert.deepEqual(await c.openRoom(locked, { identifier, password: PASSWORD }), [true]);
    assert.deepEqual(await d.joinRoom(locked, { password: PASSWORD }), [true]);
    assert.deepEqual(await e.openRoom(elsewhere, { identifier: otherIdentifier }), [true]);
    assert.deepEqual(await f.openRoom(unlisted), [true]);

    const [rooms, ...rest] = await asker.request('get-public-rooms', identifier);
    assert.deepEqual(rest, []);
    assert.ok(Array.isArray(rooms));
    const sorted = [...(rooms as { sessionid: string }[])].sort((x, y) =>
      x.sessionid.localeCompare(y.sessionid),
    );
    const expected = [
      {
        sessionid: open,
        owner: aId,
        participants: [aId, bId],
        participantCount: 2,
        extra: { name: 'A', topic: 'open' },
        session: { audio: true, data: true },
        maxParticipantsAllowed: 3,
        isRoomFull: false,
        isPasswordProtected: false,
      },
      {
        sessionid: locked,
        owner: cId,
        participants: [cId, dId],
        participantCount: 2,
        extra: { name: 'C' },
        session: { audio: true, video: true },
        maxParticipantsAllowed: 1,
        isRoomFull: true,
        isPasswordProtected: true,
      },
    ].sort((x, y) => x.sessionid.localeCompare(y.sessionid));
    assert.deepEqual(sorted, expected);
    for (const listed of sorted) {
      assert.ok(!('password' in listed) && !('passwordHash' in listed));
      assert.ok(!JSON.stringify(listed).includes(PASSWORD));
    }

    // Another identifier lists only its own rooms; an unknown one lists nothing.
    assert.deepEqual((await asker.request('get-public-rooms', otherIdentifier))[0], [
      {
        sessionid: elsewhere,
        owner: eId,
        participants: [eId],
        participantCount: 1,
        extra: {},
        session: { audio: true, video: true },
        maxParticipantsAllowed: 1000,
        isRoomFull: false,
        isPasswordProtected: false,
      },
    ]);
    assert.deepEqual(await asker.request('get-public-rooms', uid('pub-unknown')), [[]]);
    for (const empty of ['', '   ', 42, null, undefined])
      assert.deepEqual(await asker.request('get-public-rooms', empty), [
        null,
        'publicRoomIdentifier is required',
      ]);

    // Members leaving update the list; the last one leaving removes the room.
    assert.deepEqual(await b.openRoom(uid('pub-b-own')), [true]);
    assert.deepEqual((await publicRoom(asker, identifier, open))?.participants, [aId]);
    assert.equal((await publicRoom(asker, identifier, open))?.participantCount, 1);
    a.close();
    await waitUntil(
      () => publicRoom(asker, identifier, open),
      (listed) => listed === undefined,
      'the room to leave the public list',
    );
    assert.deepEqual(await asker.checkPresence(open), [false, open, ABSENT]);
    assert.equal((await publicRoom(asker, identifier, locked))?.participantCount, 2);
  });
});
