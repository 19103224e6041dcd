import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRoomStore, isFull, type RoomRecord } from '../../server/rooms.js';

function record(patch: Partial<RoomRecord> = {}): RoomRecord {
  return {
    id: 'room',
    owner: 'a',
    participants: ['a'],
    maxParticipants: 1000,
    extra: { name: 'A' },
    session: { audio: true, video: true },
    passwordHash: undefined,
    identifier: '',
    autoClose: false,
    approveJoins: false,
    createdAt: 0,
    ...patch,
  };
}

describe('MemoryRoomStore', () => {
  it('creates a room once; a room with participants cannot be created again', async () => {
    const store = new MemoryRoomStore();
    assert.equal(await store.create(record()), true);
    assert.equal(await store.create(record({ owner: 'b', participants: ['b'] })), false);
    assert.equal((await store.get('room'))?.owner, 'a');
    assert.equal(await store.size(), 1);
    assert.equal(await store.get('missing'), undefined);
  });

  it('hands out copies: mutating a result does not change the store', async () => {
    const store = new MemoryRoomStore();
    const input = record();
    await store.create(input);
    input.participants.push('intruder');
    const room = (await store.get('room'))!;
    room.participants.push('intruder');
    room.extra['name'] = 'changed';
    assert.deepEqual((await store.get('room'))?.participants, ['a']);
    assert.deepEqual((await store.get('room'))?.extra, { name: 'A' });
  });

  it('joins up to maxParticipants besides the opener, then reports full', async () => {
    const store = new MemoryRoomStore();
    await store.create(record({ maxParticipants: 2 }));
    assert.equal((await store.join('room', 'b')).ok, true);
    const second = await store.join('room', 'c');
    assert.ok(second.ok);
    assert.deepEqual(second.room.participants, ['a', 'b', 'c']);
    assert.deepEqual(await store.join('room', 'd'), { ok: false, reason: 'full' });
    // Joining again is idempotent, even when full.
    const again = await store.join('room', 'b');
    assert.ok(again.ok);
    assert.deepEqual(again.room.participants, ['a', 'b', 'c']);
    assert.deepEqual(await store.join('missing', 'b'), { ok: false, reason: 'not-found' });
  });

  it('never over-fills a room under simultaneous joins', async () => {
    const store = new MemoryRoomStore();
    await store.create(record({ maxParticipants: 3 }));
    const joiners = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const outcomes = await Promise.all(joiners.map((id) => store.join('room', id)));
    assert.equal(outcomes.filter((o) => o.ok).length, 3);
    assert.deepEqual(
      outcomes.filter((o) => !o.ok),
      Array.from({ length: 17 }, () => ({ ok: false, reason: 'full' })),
    );
    assert.deepEqual((await store.get('room'))?.participants, ['a', 'u0', 'u1', 'u2']);
  });

  it('moves ownership to the longest-present participant, in join order', async () => {
    const store = new MemoryRoomStore();
    await store.create(record());
    for (const id of ['b', 'c', 'd']) await store.join('room', id);
    // A non-owner leaving moves nothing.
    const c = await store.leave('room', 'c');
    assert.equal(c.newOwner, undefined);
    assert.equal(c.closed, false);
    assert.deepEqual(c.room?.participants, ['a', 'b', 'd']);
    const a = await store.leave('room', 'a');
    assert.equal(a.newOwner, 'b');
    assert.equal(a.room?.owner, 'b');
    // The room extra stays the old owner's until the new owner updates it.
    assert.deepEqual(a.room.extra, { name: 'A' });
    const b = await store.leave('room', 'b');
    assert.equal(b.newOwner, 'd');
    assert.deepEqual(b.room?.participants, ['d']);
    // The last one out deletes the room.
    const d = await store.leave('room', 'd');
    assert.deepEqual(d, { room: undefined, newOwner: undefined, closed: false, remaining: [] });
    assert.equal(await store.size(), 0);
    assert.equal(await store.create(record({ owner: 'z', participants: ['z'] })), true);
  });

  it('closes an autoClose room when the owner leaves, reporting who remained', async () => {
    const store = new MemoryRoomStore();
    await store.create(record({ autoClose: true }));
    await store.join('room', 'b');
    await store.join('room', 'c');
    const b = await store.leave('room', 'b');
    assert.equal(b.closed, false);
    const a = await store.leave('room', 'a');
    assert.deepEqual(a, { room: undefined, newOwner: undefined, closed: true, remaining: ['c'] });
    assert.equal(await store.get('room'), undefined);
    assert.equal(await store.size(), 0);
  });

  it('ignores leaves by non-members and for missing rooms', async () => {
    const store = new MemoryRoomStore();
    await store.create(record());
    const stranger = await store.leave('room', 'stranger');
    assert.equal(stranger.closed, false);
    assert.equal(stranger.newOwner, undefined);
    assert.deepEqual(stranger.room?.participants, ['a']);
    assert.deepEqual(await store.leave('missing', 'a'), {
      room: undefined,
      newOwner: undefined,
      closed: false,
      remaining: [],
    });
  });

  it('updates fields of existing rooms only', async () => {
    const store = new MemoryRoomStore();
    await store.create(record());
    const extra = { name: 'A2' };
    assert.deepEqual((await store.update('room', { extra }))?.extra, { name: 'A2' });
    extra.name = 'mutated later';
    assert.deepEqual((await store.get('room'))?.extra, { name: 'A2' });
    assert.equal(await store.update('missing', { extra }), undefined);
  });

  it('lists public rooms by identifier', async () => {
    const store = new MemoryRoomStore();
    await store.create(record({ id: 'r1', identifier: 'lobby' }));
    await store.create(record({ id: 'r2', identifier: 'lobby' }));
    await store.create(record({ id: 'r3', identifier: 'other' }));
    await store.create(record({ id: 'r4' }));
    assert.deepEqual((await store.listPublic('lobby')).map((r) => r.id).sort(), ['r1', 'r2']);
    assert.deepEqual(await store.listPublic(''), []);
    await store.leave('r1', 'a');
    assert.deepEqual(
      (await store.listPublic('lobby')).map((r) => r.id),
      ['r2'],
    );
  });
});

describe('isFull', () => {
  it('counts maxParticipants joiners besides the opener', () => {
    assert.equal(isFull(record({ maxParticipants: 1, participants: ['a'] })), false);
    assert.equal(isFull(record({ maxParticipants: 1, participants: ['a', 'b'] })), true);
    assert.equal(isFull(record({ maxParticipants: 2, participants: ['a', 'b'] })), false);
    assert.equal(isFull(record({ maxParticipants: 2, participants: ['a', 'b', 'c'] })), true);
  });
});
