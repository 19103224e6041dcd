/**
 * The shared parsers and room rules (src/protocol/parse.ts, rules.ts) that the server and the
 * broadcast-channel hub both run: what they accept and refuse, and what a leave does to a room.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LEGACY_ERRORS,
  ROOM_ERRORS,
  addParticipant,
  joinCheck,
  jsonBytes,
  newRoom,
  openRefusal,
  parseRelayRequest,
  parseRoomRequest,
  parseSession,
  readHandshake,
  removeParticipant,
  renameRefusal,
  requestTargets,
  type Member,
  type RoomState,
} from '../../src/protocol/index.js';

const member = (userId: string, roomId?: string): Member => ({
  userId,
  roomId,
  extra: { name: userId },
  autoClose: false,
  maxParticipants: 2,
});

function room(participants: string[], changes: Partial<RoomState> = {}): RoomState {
  const opened = newRoom({ sessionid: 'r' }, member(participants[0] ?? 'a'), undefined, 0);
  return { ...opened, participants: [...participants], ...changes };
}

describe('protocol parsers', () => {
  it('jsonBytes is the UTF-8 size of the JSON text', () => {
    for (const value of [{ a: 'é' }, ['😀', 'x'], 'plain', 12, null, { deep: { é: ['ü'] } }])
      assert.equal(jsonBytes(value), Buffer.byteLength(JSON.stringify(value), 'utf8'));
    assert.equal(jsonBytes(undefined), 0);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    assert.equal(jsonBytes(cycle), Number.POSITIVE_INFINITY);
  });

  it('parseRoomRequest keeps the known fields and refuses a wrong type in any of them', () => {
    assert.deepEqual(
      parseRoomRequest({
        sessionid: 'room',
        session: { audio: 'two-way', video: false, data: true, extra: 1 },
        extra: { name: 'Ann' },
        identifier: 'lobby',
        password: 'pw',
        approveJoins: true,
        relayLimit: 3,
        mediaConstraints: {},
      }),
      {
        sessionid: 'room',
        session: { audio: 'two-way', data: true },
        extra: { name: 'Ann' },
        identifier: 'lobby',
        password: 'pw',
        approveJoins: true,
        relayLimit: 3,
      },
    );
    for (const bad of [
      null,
      [],
      'room',
      {},
      { sessionid: '' },
      { sessionid: 'a\u202eb' },
      { sessionid: 'r', session: null },
      { sessionid: 'r', session: { data: 'two-way' } },
      { sessionid: 'r', session: { video: 1 } },
      { sessionid: 'r', extra: 'x' },
      { sessionid: 'r', extra: [] },
      { sessionid: 'r', extra: { big: 'x'.repeat(8 * 1024) } },
      { sessionid: 'r', identifier: 5 },
      { sessionid: 'r', password: 'p'.repeat(257) },
      { sessionid: 'r', approveJoins: 'yes' },
      { sessionid: 'r', relayLimit: 0 },
      { sessionid: 'r', relayLimit: 101 },
      { sessionid: 'r', relayLimit: 1.5 },
    ])
      assert.equal(parseRoomRequest(bad), undefined, JSON.stringify(bad));
  });

  it('parseSession keeps what is on', () => {
    assert.deepEqual(parseSession({ audio: true, screen: 'two-way', oneway: false }), {
      audio: true,
      screen: 'two-way',
    });
    assert.equal(parseSession('audio'), undefined);
  });

  it('parseRelayRequest: an id to address, an object or string message within 64 KiB', () => {
    assert.deepEqual(parseRelayRequest({ remoteUserId: 'bob', sender: 'x', message: 'hi' }), {
      remoteUserId: 'bob',
      message: 'hi',
    });
    for (const bad of [
      { remoteUserId: 'bob', message: [1] },
      { remoteUserId: 'bob', message: 5 },
      { remoteUserId: '', message: {} },
      { remoteUserId: 'bob', message: 'x'.repeat(64 * 1024) },
    ])
      assert.equal(parseRelayRequest(bad), undefined);
  });

  it('readHandshake replaces what is invalid and counts v3 pages’ maximum as v3 does', () => {
    const modern = readHandshake({
      userid: 'ann',
      msgEvent: 'my-relay',
      socketCustomEvent: 'my-relay',
      maxParticipantsAllowed: '5',
      extra: '{"name":"Ann"}',
      rtcElements: '1',
      sessionid: 'room',
    });
    assert.deepEqual(
      [modern.userId, modern.messageEvent, modern.customEvent, modern.maxParticipants],
      ['ann', 'my-relay', 'RTCMultiConnection-Custom-Message', 5],
    );
    assert.deepEqual([modern.extra, modern.modern, modern.lobby], [{ name: 'Ann' }, true, 'room']);
    const v3 = readHandshake(
      { userid: '\u0000', msgEvent: 'open-room', maxParticipantsAllowed: '2', extra: '{bad' },
      { maxParticipantsLimit: 500 },
    );
    assert.deepEqual(
      [v3.userId, v3.messageEvent, v3.maxParticipants, v3.extra, v3.legacyCustom],
      [undefined, 'RTCMultiConnection-Message', 1, {}, true],
    );
    assert.equal(readHandshake({ maxParticipantsAllowed: '5000' }).maxParticipants, 1000);
  });
});

describe('room rules', () => {
  it('open: a room with others is not available; the one we are alone in may be re-opened', () => {
    assert.equal(openRefusal(room(['a']), member('a', 'r')), undefined);
    assert.equal(openRefusal(room(['a', 'b']), member('a', 'r')), LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
    assert.equal(openRefusal(room(['b']), member('a')), LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
    assert.equal(openRefusal(undefined, member('a')), undefined);
  });

  it('join: already in, the room’s own id, no such room, else the room', () => {
    const r = room(['a']);
    assert.equal(joinCheck(r, 'r', member('b', 'r')), true);
    assert.equal(joinCheck(r, 'r', member('r')), ROOM_ERRORS.USERID_TAKEN);
    assert.equal(joinCheck(room([]), 'r', member('b')), LEGACY_ERRORS.ROOM_NOT_AVAILABLE);
    assert.equal(joinCheck(r, 'r', member('b')), r);
  });

  it('a room is full at maxParticipants others; an ownerless room is the next owner’s', () => {
    const r = room(['a', 'b']);
    assert.equal(addParticipant(r, 'c', true), undefined);
    assert.equal(addParticipant(r, 'd', true), 'full');
    const ownerless = room(['g'], { owner: '' });
    assert.equal(addParticipant(ownerless, 'h', false), undefined);
    assert.equal(ownerless.owner, '');
    assert.equal(addParticipant(ownerless, 'i', true), undefined);
    assert.equal(ownerless.owner, 'i');
  });

  it('leaving: ownership to the longest-present member who may own it, or the room closes', () => {
    const r = room(['a', 'guest', 'b']);
    const moved = removeParticipant(r, 'a', (id) => id !== 'guest');
    assert.deepEqual(moved, {
      left: true,
      deleted: false,
      closed: false,
      remaining: [],
      newOwner: 'b',
    });
    assert.deepEqual(r.participants, ['guest', 'b']);
    assert.equal(removeParticipant(r, 'a', () => true).left, false);
    const closing = room(['a', 'b'], { autoClose: true });
    assert.deepEqual(
      removeParticipant(closing, 'a', () => true),
      {
        left: true,
        deleted: true,
        closed: true,
        remaining: ['b'],
        newOwner: undefined,
      },
    );
    const last = room(['a']);
    assert.equal(removeParticipant(last, 'a', () => true).deleted, true);
  });

  it('rename: invalid, same, reserved; a participation request goes to the one-way room’s owner', () => {
    assert.equal(renameRefusal('', member('a')), LEGACY_ERRORS.USERID_NOT_AVAILABLE);
    assert.equal(renameRefusal('a', member('a')), true);
    assert.equal(renameRefusal('system', member('a')), ROOM_ERRORS.USERID_TAKEN);
    assert.equal(renameRefusal('r', member('a', 'r')), ROOM_ERRORS.USERID_TAKEN);
    assert.equal(renameRefusal('b', member('a', 'r')), undefined);
    assert.deepEqual(requestTargets(room(['a', 'b', 'c']), 'c'), ['a', 'b']);
    assert.deepEqual(requestTargets(room(['a', 'b', 'c'], { session: { oneway: true } }), 'c'), [
      'a',
    ]);
  });
});
