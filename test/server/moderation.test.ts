/**
 * Moderation and ownership (issue 3): close-entire-session, owner change, changed-uuid (and the
 * takeovers it must refuse), disconnect-with, kick-user and join approval.
 */
import assert from 'node:assert/strict';
import { isRecord } from '../../src/protocol/index.js';
import { afterEach, describe, it } from 'node:test';
import { isChangedUuid, isParticipationRequest } from '../../src/protocol/index.js';
import { MemoryRoomStore, type RoomStore } from '../../server/index.js';
import {
  assertLive,
  cleanup,
  publicRoom,
  room,
  serverSawDisconnect,
  startTestServer,
  uid,
  user,
  type Client,
  type Envelope,
} from './helpers.js';

const ABSENT = { _room: { isFull: false, isPasswordProtected: false } };
const MODERN = { rtcElements: '1' };
const PARTICIPATION = {
  newParticipationRequest: true,
  isOneWay: false,
  isDataOnly: false,
  localPeerSdpConstraints: { OfferToReceiveAudio: true, OfferToReceiveVideo: true },
  remotePeerSdpConstraints: { OfferToReceiveAudio: true, OfferToReceiveVideo: true },
};

/** Waits until every client has received everything the server sent it so far. */
async function settle(...clients: Client[]): Promise<void> {
  for (const client of clients) await client.barrier();
}

/** Proves that `from` can still relay to `to` (both in one room). */
async function relays(from: Client, fromId: string, to: Client, toId: string): Promise<void> {
  const marker = uid('marker');
  from.relay(toId, { marker });
  const envelope = await to.waitForRelay(
    (e) => (e.message as { marker?: string }).marker === marker,
  );
  assert.equal(envelope.sender, fromId);
  assert.equal(envelope.remoteUserId, toId);
}

/** Ids of the `user-disconnected` events a client received. */
const disconnected = (client: Client) => client.all('user-disconnected').map(([id]) => id);

describe('close-entire-session', () => {
  afterEach(cleanup);

  it('is for the owner only and closes the room for every member', async () => {
    const server = await startTestServer();
    const identifier = uid('ces-pub');
    const [ownerId, m1Id, m2Id] = [uid('ces-owner'), uid('ces-m1'), uid('ces-m2')];
    const owner = await user(server, ownerId, { name: 'Owner' });
    const m1 = await user(server, m1Id);
    const m2 = await user(server, m2Id, undefined, MODERN);
    const lonely = await user(server, uid('ces-lonely'));
    const roomid = uid('ces-room');
    await room(roomid, owner, [m1, m2], { identifier });

    assert.deepEqual(await lonely.request('close-entire-session'), [
      false,
      'Did not join any room yet',
    ]);
    assert.deepEqual(await m1.request('close-entire-session'), [false, 'Room permission denied']);
    // Nothing happened.
    await settle(owner, m1, m2);
    for (const client of [owner, m1, m2]) {
      assert.equal(client.count('closed-entire-session'), 0);
      assert.equal(client.count('user-disconnected'), 0);
    }
    assert.deepEqual((await publicRoom(lonely, identifier, roomid))?.participants, [
      ownerId,
      m1Id,
      m2Id,
    ]);
    await relays(m1, m1Id, m2, m2Id);

    assert.deepEqual(await owner.request('close-entire-session'), [true]);
    // The owner learnt that each member went (before its ack), as v3 waits for that.
    assert.deepEqual(disconnected(owner).sort(), [m1Id, m2Id].sort());
    assert.deepEqual(await m1.waitFor('closed-entire-session'), [roomid, { name: 'Owner' }]);
    assert.deepEqual(await m2.waitFor('closed-entire-session'), [roomid, { name: 'Owner' }]);
    await settle(owner, m1, m2);
    assert.equal(m1.count('closed-entire-session'), 1);
    assert.equal(m2.count('closed-entire-session'), 1);
    assert.equal(owner.count('closed-entire-session'), 0);
    assert.equal(owner.count('user-disconnected'), 2);

    // Nobody is in the room any more.
    assert.deepEqual(await lonely.checkPresence(roomid), [false, roomid, ABSENT]);
    assert.equal(await publicRoom(lonely, identifier, roomid), undefined);
    const before = [owner, m1, m2].map((c) => c.relays().length);
    m1.relay(m2Id, { stale: true });
    m2.relay(ownerId, { stale: true });
    owner.relay(m1Id, { stale: true });
    await settle(m1, m2, owner);
    await settle(owner, m1, m2);
    assert.deepEqual(
      [owner, m1, m2].map((c) => c.relays().length),
      before,
    );
    assert.deepEqual(await owner.request('set-password', 'x'), [
      null,
      null,
      'Did not join any room yet',
    ]);

    // The room id is free again.
    assert.deepEqual(await m2.openRoom(roomid), [true]);
    assert.deepEqual(await m1.joinRoom(roomid), [true]);
    assert.deepEqual(await owner.joinRoom(roomid), [true]);
    assert.deepEqual(await m1.request('close-entire-session'), [false, 'Room permission denied']);
    assert.deepEqual(await m2.request('close-entire-session'), [true]);
  });
});

describe('owner change', () => {
  afterEach(cleanup);

  it('moves ownership to the longest-present participant, announced once to everyone', async () => {
    const server = await startTestServer();
    const [aId, bId, cId, dId] = ['a', 'b', 'c', 'd'].map((n) => uid(`oc-${n}`)) as [
      string,
      string,
      string,
      string,
    ];
    const a = await user(server, aId);
    const b = await user(server, bId, undefined, MODERN);
    const c = await user(server, cId);
    const d = await user(server, dId, undefined, MODERN);
    const roomid = uid('oc-room');
    await room(roomid, a, [b, c, d]);
    // b leaves and comes back: c is now the longest present after a.
    assert.deepEqual(await b.openRoom(uid('oc-elsewhere')), [true]);
    assert.deepEqual(await b.joinRoom(roomid), [true]);

    a.close();
    for (const member of [b, c, d])
      assert.deepEqual(await member.waitFor('owner-changed'), [roomid, cId]);
    assert.deepEqual(await c.waitFor('set-isInitiator-true'), [roomid]);
    await settle(b, c, d);
    for (const member of [b, c, d]) {
      assert.equal(member.count('owner-changed'), 1);
      assert.deepEqual(
        disconnected(member).filter((id) => id === aId),
        [aId],
      );
    }
    assert.equal(c.count('set-isInitiator-true'), 1);
    assert.equal(b.count('set-isInitiator-true') + d.count('set-isInitiator-true'), 0);

    // The old owner comes back as a new socket: a plain member now.
    const again = await user(server, aId);
    assert.deepEqual(await again.joinRoom(roomid), [true]);
    assert.deepEqual(await again.request('set-password', 'x'), [
      false,
      roomid,
      'Room permission denied',
    ]);
    assert.deepEqual(await again.request('kick-user', dId), [false, 'Room permission denied']);
    assert.deepEqual(await again.request('close-entire-session'), [
      false,
      'Room permission denied',
    ]);
    await settle(b, c, d);
    for (const member of [b, c, d]) assert.equal(member.count('kicked'), 0);

    // The new owner may do what owners do.
    assert.deepEqual(await c.request('set-password', 'new-secret'), [true, roomid, null]);
    assert.deepEqual(await c.request('kick-user', aId), [true]);
    assert.deepEqual(await again.waitFor('closed-entire-session'), [roomid, {}]);
    assert.deepEqual(await c.request('close-entire-session'), [true]);
    assert.deepEqual(await b.waitFor('closed-entire-session'), [roomid, {}]);
    assert.deepEqual(await d.waitFor('closed-entire-session'), [roomid, {}]);
  });
});

describe('changed-uuid', () => {
  afterEach(cleanup);

  it('renames the caller: the room, its ownership and relays follow the new id', async () => {
    const server = await startTestServer();
    const identifier = uid('cu-pub');
    const [aId, bId, cId] = [uid('cu-a'), uid('cu-b'), uid('cu-c')];
    const newId = uid('cu-a-new');
    const a = await user(server, aId, { name: 'A' });
    const b = await user(server, bId);
    const c = await user(server, cId, undefined, MODERN);
    const roomid = uid('cu-room');
    await room(roomid, a, [b, c], { identifier });

    assert.deepEqual(await a.request('changed-uuid', newId), [true]);
    for (const [member, memberId] of [
      [b, bId],
      [c, cId],
    ] as const)
      assert.deepEqual(await member.waitForRelay((e) => isChangedUuid(e.message)), {
        remoteUserId: memberId,
        sender: newId,
        message: { changedUUID: true, oldUUID: aId, newUUID: newId },
        extra: { name: 'A' },
      } satisfies Envelope);
    await settle(a, b, c);
    assert.equal(a.relays().length, 0);
    const listed = await publicRoom(b, identifier, roomid);
    assert.equal(listed?.owner, newId);
    assert.deepEqual(listed.participants, [newId, bId, cId]);

    // Relays to the new id arrive; so do, for a grace period, those still addressed to the old one
    // (a peer that has not heard of the rename yet), delivered under the new id.
    await relays(b, bId, a, newId);
    await relays(a, newId, c, cId);
    b.relay(aId, { toTheOldId: true });
    const late = await a.waitForRelay(
      (r) => isRecord(r.message) && r.message['toTheOldId'] === true,
    );
    assert.equal(late.remoteUserId, newId);
    assert.equal(late.sender, bId);
    assert.equal(b.count('user-not-found'), 0);

    // Owner-only actions work under the new id.
    assert.deepEqual(await a.request('set-password', 'renamed-secret'), [true, roomid, null]);
    assert.deepEqual(await a.request('kick-user', cId), [true]);
    assert.deepEqual(await c.waitFor('kicked'), [roomid, newId]);

    // The old id is free for a new socket, which is nobody special.
    const newcomer = await user(server, aId);
    assert.deepEqual(await newcomer.joinRoom(roomid, { password: 'renamed-secret' }), [true]);
    assert.deepEqual(await a.waitFor('user-connected', (id) => id === aId), [aId, {}]);
    assert.deepEqual(await newcomer.request('set-password', ''), [
      false,
      roomid,
      'Room permission denied',
    ]);
    assert.deepEqual(await newcomer.request('kick-user', newId), [false, 'Room permission denied']);
  });

  it('a member cannot forge a rename notice through the relay', async () => {
    const server = await startTestServer();
    const [ownerId, bId, cId] = [uid('fr-owner'), uid('fr-b'), uid('fr-c')];
    const owner = await user(server, ownerId);
    const b = await user(server, bId);
    const c = await user(server, cId);
    const roomid = uid('fr-room');
    await room(roomid, owner, [b, c]);
    // B claims, to C, that the owner renamed itself to B.
    b.relay(cId, { changedUUID: true, oldUUID: ownerId, newUUID: bId });
    b.relay(cId, { changedUUID: false, oldUUID: ownerId, newUUID: bId });
    await relays(b, bId, c, cId);
    await settle(owner, b, c);
    assert.equal(
      c.relays().filter((e) => isRecord(e.message) && 'changedUUID' in e.message).length,
      0,
      'no rename notice from a member reaches anyone',
    );
    // The real owner still owns the room and relays as itself.
    await relays(owner, ownerId, c, cId);
  });

  it('refuses takeovers and invalid ids and changes nothing', async () => {
    const server = await startTestServer();
    const identifier = uid('tk-pub');
    const [ownerId, bId, cId, zId] = [uid('tk-owner'), uid('tk-b'), uid('tk-c'), uid('tk-z')];
    const owner = await user(server, ownerId);
    const b = await user(server, bId, { name: 'B' });
    const c = await user(server, cId);
    const z = await user(server, zId);
    const roomid = uid('tk-room');
    const zRoom = uid('tk-z-room');
    await room(roomid, owner, [b, c], { identifier });
    assert.deepEqual(await z.openRoom(zRoom), [true]);

    for (const taken of [ownerId, cId, zId, 'system', roomid])
      assert.deepEqual(await b.request('changed-uuid', taken), [false, 'User ID already taken']);
    assert.deepEqual(await owner.request('changed-uuid', bId), [false, 'User ID already taken']);
    assert.deepEqual(await z.request('changed-uuid', ownerId), [false, 'User ID already taken']);
    for (const invalid of [
      'bad\u0000id',
      'line\nbreak',
      'del\u007f',
      'x'.repeat(257),
      '',
      42,
      null,
      true,
      { id: 'x' },
      [bId],
    ])
      assert.deepEqual(await b.request('changed-uuid', invalid), [false, 'User ID does not exist']);
    assert.deepEqual(await b.request('changed-uuid'), [false, 'User ID does not exist']);

    // Nothing changed: same members and owner, nobody was told about a rename, relays as before.
    await settle(owner, b, c, z);
    for (const client of [owner, b, c, z])
      assert.equal(client.relays().filter((e) => isChangedUuid(e.message)).length, 0);
    const listed = await publicRoom(z, identifier, roomid);
    assert.equal(listed?.owner, ownerId);
    assert.deepEqual(listed.participants, [ownerId, bId, cId]);
    await relays(owner, ownerId, b, bId);
    await relays(b, bId, owner, ownerId);
    await relays(c, cId, b, bId);
    assert.deepEqual(await b.request('set-password', 'x'), [
      false,
      roomid,
      'Room permission denied',
    ]);
    assert.deepEqual(await owner.request('set-password', ''), [true, roomid, null]);
    assert.deepEqual(await owner.request('get-remote-user-extra-data', bId), [{ name: 'B' }, bId]);
    // Each id still belongs to its socket: a newcomer cannot have it.
    const impostor = await user(server, bId);
    assert.equal((await impostor.waitFor('userid-already-taken'))[0], bId);
    // A valid 256-character id is fine.
    assert.deepEqual(await z.request('changed-uuid', 'x'.repeat(256)), [true]);
  });

  it('gives a free id to one of two sockets asking for it at once (slow store)', async () => {
    const server = await startTestServer({ store: slowStore(20) });
    const [aId, bId, peerAId, peerBId] = [uid('cr-a'), uid('cr-b'), uid('cr-pa'), uid('cr-pb')];
    const a = await user(server, aId);
    const b = await user(server, bId);
    const peerA = await user(server, peerAId);
    const peerB = await user(server, peerBId);
    await room(uid('cr-room-a'), a, [peerA]);
    await room(uid('cr-room-b'), b, [peerB]);
    const wanted = uid('cr-wanted');
    const acks = await Promise.all([
      a.request('changed-uuid', wanted),
      b.request('changed-uuid', wanted),
    ]);
    assert.deepEqual(acks.map((ack) => JSON.stringify(ack)).sort(), [
      '[false,"User ID already taken"]',
      '[true]',
    ]);
    // The loser keeps its id and its room; the winner answers to the new one.
    const [winner, winnerPeer, winnerPeerId, loser, loserId, loserPeer, loserPeerId] =
      acks[0][0] === true
        ? [a, peerA, peerAId, b, bId, peerB, peerBId]
        : [b, peerB, peerBId, a, aId, peerA, peerAId];
    await relays(winnerPeer, winnerPeerId, winner, wanted);
    await relays(loserPeer, loserPeerId, loser, loserId);
    // Only the winner took the id.
    const newcomer = await user(server, wanted);
    assert.equal((await newcomer.waitFor('userid-already-taken'))[0], wanted);
  });
});

/** A memory store whose every call takes `ms` (as a shared store over the network would). */
function slowStore(ms: number): RoomStore {
  const inner = new MemoryRoomStore();
  return new Proxy(inner, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        new Promise<void>((resolve) => setTimeout(resolve, ms)).then(() =>
          (value as (...a: unknown[]) => unknown).apply(target, args),
        );
    },
  });
}

describe('disconnect-with', () => {
  afterEach(cleanup);

  it('sends dropPeerConnection to a member of the same room and nothing else; acks ()', async () => {
    const server = await startTestServer();
    const identifier = uid('dw-pub');
    const [aId, bId, cId, xId, lonelyId] = ['a', 'b', 'c', 'x', 'lonely'].map((n) =>
      uid(`dw-${n}`),
    ) as [string, string, string, string, string];
    const a = await user(server, aId, { name: 'A' });
    const b = await user(server, bId, { name: 'B' });
    const c = await user(server, cId);
    const x = await user(server, xId);
    const lonely = await user(server, lonelyId);
    const roomid = uid('dw-room');
    await room(roomid, a, [b, c], { identifier });
    assert.deepEqual(await x.openRoom(uid('dw-other-room')), [true]);

    assert.deepEqual(await a.request('disconnect-with', bId), []);
    assert.deepEqual(await b.waitForRelay((e) => e.message === 'dropPeerConnection'), {
      remoteUserId: bId,
      sender: aId,
      message: 'dropPeerConnection',
      extra: { name: 'A' },
    } satisfies Envelope);
    assert.deepEqual(await b.request('disconnect-with', aId), []);
    assert.deepEqual(await a.waitForRelay((e) => e.message === 'dropPeerConnection'), {
      remoteUserId: aId,
      sender: bId,
      message: 'dropPeerConnection',
      extra: { name: 'B' },
    } satisfies Envelope);
    // Every other case: no one to drop, the same () ack.
    for (const target of [xId, lonelyId, aId, uid('dw-nobody'), 42, null, undefined])
      assert.deepEqual(await a.request('disconnect-with', target), []);
    assert.deepEqual(await a.request('disconnect-with'), []);
    assert.deepEqual(await lonely.request('disconnect-with', aId), []);
    assert.deepEqual(await x.request('disconnect-with', cId), []);

    await settle(a, b, c, x, lonely);
    assert.deepEqual(
      [a, b, c, x, lonely].map((client) => client.relays().length),
      [1, 1, 0, 0, 0],
    );
    for (const client of [a, b, c, x, lonely]) assert.equal(client.count('user-disconnected'), 0);
    // Both stay in the room.
    assert.deepEqual((await publicRoom(x, identifier, roomid))?.participants, [aId, bId, cId]);
    await relays(a, aId, b, bId);
    await relays(b, bId, a, aId);
  });
});

describe('kick-user', () => {
  afterEach(cleanup);

  it('is for the owner only and refuses targets outside the room', async () => {
    const server = await startTestServer();
    const [ownerId, mId, wId, xId, lonelyId] = ['owner', 'm', 'w', 'x', 'lonely'].map((n) =>
      uid(`kr-${n}`),
    ) as [string, string, string, string, string];
    const owner = await user(server, ownerId);
    const m = await user(server, mId, undefined, MODERN);
    const w = await user(server, wId);
    const x = await user(server, xId);
    const lonely = await user(server, lonelyId);
    const roomid = uid('kr-room');
    await room(roomid, owner, [m, w]);
    assert.deepEqual(await x.openRoom(uid('kr-x-room')), [true]);

    assert.deepEqual(await lonely.request('kick-user', mId), [false, 'Did not join any room yet']);
    assert.deepEqual(await w.request('kick-user', mId), [false, 'Room permission denied']);
    assert.deepEqual(await m.request('kick-user', ownerId), [false, 'Room permission denied']);
    for (const target of [uid('kr-nobody'), xId, lonelyId, ownerId, 42, null])
      assert.deepEqual(await owner.request('kick-user', target), [false, 'User ID does not exist']);
    // The owner of another room cannot reach into this one.
    assert.deepEqual(await x.request('kick-user', mId), [false, 'User ID does not exist']);

    await settle(owner, m, w, x, lonely);
    for (const client of [owner, m, w, x, lonely]) {
      assert.equal(client.count('kicked'), 0);
      assert.equal(client.count('closed-entire-session'), 0);
      assert.equal(client.count('user-disconnected'), 0);
    }
    await relays(m, mId, w, wId);
    await relays(owner, ownerId, m, mId);
  });

  it('removes the target for everyone: kicked for rtc-elements, closed-entire-session for v3', async () => {
    const server = await startTestServer();
    const identifier = uid('ku-pub');
    const [ownerId, mId, vId, wId] = ['owner', 'm', 'v', 'w'].map((n) => uid(`ku-${n}`)) as [
      string,
      string,
      string,
      string,
    ];
    const owner = await user(server, ownerId, { name: 'O' });
    const m = await user(server, mId, undefined, MODERN);
    const v = await user(server, vId);
    const w = await user(server, wId);
    const roomid = uid('ku-room');
    await room(roomid, owner, [m, v, w], { identifier, extra: { name: 'Room O' } });

    // An rtc-elements target.
    assert.deepEqual(await owner.request('kick-user', mId), [true]);
    assert.deepEqual(disconnected(owner), [mId]);
    assert.deepEqual(await v.waitFor('user-disconnected'), [mId]);
    assert.deepEqual(await w.waitFor('user-disconnected'), [mId]);
    assert.deepEqual(await m.waitFor('kicked'), [roomid, ownerId]);
    await settle(m);
    assert.equal(m.count('kicked'), 1);
    assert.equal(m.count('closed-entire-session'), 0);
    assert.equal(m.count('user-disconnected'), 0);
    assert.deepEqual((await publicRoom(m, identifier, roomid))?.participants, [ownerId, vId, wId]);
    owner.relay(mId, { afterKick: true });
    assert.deepEqual(await owner.waitFor('user-not-found'), [mId]);

    // A v3 target: v3 pages only understand a closed session.
    assert.deepEqual(await owner.request('kick-user', vId), [true]);
    assert.deepEqual(await v.waitFor('closed-entire-session'), [roomid, { name: 'Room O' }]);
    assert.deepEqual(await w.waitFor('user-disconnected', (id) => id === vId), [vId]);
    await settle(v, w, owner);
    assert.equal(v.count('closed-entire-session'), 1);
    assert.equal(v.count('kicked'), 0);
    assert.deepEqual(disconnected(owner), [mId, vId]);
    assert.deepEqual(disconnected(w), [mId, vId]);
    assert.equal(owner.count('kicked') + w.count('kicked'), 0);
    assert.deepEqual((await publicRoom(w, identifier, roomid))?.participants, [ownerId, wId]);
    await relays(owner, ownerId, w, wId);

    // The kicked sockets stay connected and may go elsewhere.
    assert.ok(m.connected && v.connected);
    const next = uid('ku-next');
    assert.deepEqual(await m.openRoom(next), [true]);
    assert.deepEqual(await v.joinRoom(next), [true]);
    await relays(v, vId, m, mId);
  });
});

describe('approveJoins', () => {
  afterEach(cleanup);

  /** Opens an approve-joins room with `owner` and admits each member through the owner. */
  async function approvedRoom(
    roomid: string,
    owner: Client,
    members: [Client, string][] = [],
  ): Promise<void> {
    assert.deepEqual(await owner.openRoom(roomid, { approveJoins: true }), [true]);
    for (const [member, memberId] of members) {
      const joined = member.joinRoom(roomid);
      await owner.waitFor('participation-request', (id) => id === memberId);
      owner.emit('participation-decision', memberId, true);
      assert.deepEqual(await joined, [true]);
    }
  }

  it('asks the owner; an acceptance lets the joiner in with the usual events', async () => {
    const server = await startTestServer();
    const [ownerId, jId] = [uid('aj-owner'), uid('aj-j')];
    const owner = await user(server, ownerId, { name: 'O' });
    const j = await user(server, jId, { name: 'J' }, MODERN);
    const roomid = uid('aj-room');
    await approvedRoom(roomid, owner);

    let answered = false;
    const joined = j.joinRoom(roomid, { extra: { name: 'J2' } }).finally(() => (answered = true));
    assert.deepEqual(await owner.waitFor('participation-request'), [jId, { name: 'J2' }]);
    await settle(owner);
    assert.equal(answered, false);
    assert.equal(owner.count('user-connected'), 0);
    owner.emit('participation-decision', jId, true);
    assert.deepEqual(await joined, [true]);
    assert.deepEqual(j.all('user-connected'), [[ownerId, { name: 'O' }]]);
    assert.deepEqual(j.all('room-info'), [[roomid, { owner: ownerId }]]);
    assert.deepEqual(await owner.waitFor('user-connected'), [jId, { name: 'J2' }]);
    await settle(owner);
    assert.equal(owner.count('participation-request'), 1);
    await relays(owner, ownerId, j, jId);
  });

  it('a rejection answers (false, "Join rejected") and lets nobody in', async () => {
    const server = await startTestServer();
    const [ownerId, mId, jId] = [uid('ar-owner'), uid('ar-m'), uid('ar-j')];
    const owner = await user(server, ownerId);
    const m = await user(server, mId);
    const j = await user(server, jId);
    const roomid = uid('ar-room');
    await approvedRoom(roomid, owner, [[m, mId]]);

    const joined = j.joinRoom(roomid);
    assert.deepEqual(await owner.waitFor('participation-request', (id) => id === jId), [jId, {}]);
    owner.emit('participation-decision', jId, false);
    assert.deepEqual(await joined, [false, 'Join rejected']);
    await settle(owner, m, j);
    assert.deepEqual(
      owner.all('user-connected').map(([id]) => id),
      [mId],
    );
    assert.equal(m.count('user-connected'), 1);
    assert.equal(j.count('user-connected'), 0);
    // The members never saw the request.
    assert.equal(m.count('participation-request'), 0);
    // The rejected user may ask again, or go elsewhere.
    assert.deepEqual(await j.openRoom(uid('ar-own')), [true]);
  });

  it('ignores decisions from anyone but the owner', async () => {
    const server = await startTestServer();
    const [ownerId, mId, jId, kId] = ['owner', 'm', 'j', 'k'].map((n) => uid(`an-${n}`)) as [
      string,
      string,
      string,
      string,
    ];
    const owner = await user(server, ownerId);
    const m = await user(server, mId);
    const j = await user(server, jId);
    const k = await user(server, kId);
    const outsider = await user(server, uid('an-outsider'));
    const roomid = uid('an-room');
    await approvedRoom(roomid, owner, [[m, mId]]);

    // A member's or an outsider's "no" is ignored: the owner's "yes" decides.
    const jJoined = j.joinRoom(roomid);
    await owner.waitFor('participation-request', (id) => id === jId);
    m.emit('participation-decision', jId, false);
    outsider.emit('participation-decision', jId, false);
    await settle(m, outsider);
    owner.emit('participation-decision', jId, true);
    assert.deepEqual(await jJoined, [true]);

    // A member's "yes" is ignored too: the owner's "no" decides.
    const kJoined = k.joinRoom(roomid);
    await owner.waitFor('participation-request', (id) => id === kId);
    m.emit('participation-decision', kId, true);
    j.emit('participation-decision', kId, true);
    outsider.emit('participation-decision', kId, true);
    await settle(m, j, outsider);
    owner.emit('participation-decision', kId, false);
    assert.deepEqual(await kJoined, [false, 'Join rejected']);
    await settle(owner, m, j);
    for (const member of [owner, m, j])
      assert.ok(!member.all('user-connected').some(([id]) => id === kId));
    for (const member of [m, j, outsider]) assert.equal(member.count('participation-request'), 0);
  });

  it('rejects a join nobody answers within approvalTimeoutMs', async () => {
    const server = await startTestServer({ approvalTimeoutMs: 300 });
    const identifier = uid('at-pub');
    const [ownerId, jId] = [uid('at-owner'), uid('at-j')];
    const owner = await user(server, ownerId);
    const j = await user(server, jId);
    const roomid = uid('at-room');
    assert.deepEqual(await owner.openRoom(roomid, { approveJoins: true, identifier }), [true]);
    const joined = j.joinRoom(roomid);
    assert.deepEqual(await owner.waitFor('participation-request'), [jId, {}]);
    assert.deepEqual(await joined, [false, 'Join rejected']);
    // A late answer changes nothing.
    owner.emit('participation-decision', jId, true);
    await settle(owner, j);
    assert.equal(owner.count('user-connected') + j.count('user-connected'), 0);
    assert.deepEqual((await publicRoom(j, identifier, roomid))?.participants, [ownerId]);
  });

  it('frees everything when the waiting joiner disconnects', async () => {
    const server = await startTestServer();
    const identifier = uid('ad-pub');
    const [ownerId, jId] = [uid('ad-owner'), uid('ad-j')];
    const owner = await user(server, ownerId);
    const j = await user(server, jId);
    const roomid = uid('ad-room');
    assert.deepEqual(await owner.openRoom(roomid, { approveJoins: true, identifier }), [true]);
    j.socket.emit('join-room', { sessionid: roomid }, () => undefined);
    await owner.waitFor('participation-request');
    const gone = serverSawDisconnect(server, jId);
    j.close();
    await gone;
    owner.emit('participation-decision', jId, true);
    await settle(owner);
    assert.equal(owner.count('user-connected'), 0);
    assert.deepEqual((await publicRoom(owner, identifier, roomid))?.participants, [ownerId]);
    await assertLive(server);
    // The id is free, and a new join with it waits for a new decision.
    const back = await user(server, jId);
    const joined = back.joinRoom(roomid);
    // A second request: the first join's decision was ignored and a new one is needed.
    await owner.waitFor('participation-request', () => owner.count('participation-request') === 2);
    owner.emit('participation-decision', jId, true);
    assert.deepEqual(await joined, [true]);
    assert.deepEqual(await owner.waitFor('user-connected'), [jId, {}]);
  });

  it('hands a waiting join to the new owner when the owner leaves', async () => {
    const server = await startTestServer();
    const [ownerId, mId, nId, jId] = ['owner', 'm', 'n', 'j'].map((n) => uid(`ao-${n}`)) as [
      string,
      string,
      string,
      string,
    ];
    const owner = await user(server, ownerId);
    const m = await user(server, mId, undefined, MODERN);
    const n = await user(server, nId);
    const j = await user(server, jId, { name: 'J' });
    const roomid = uid('ao-room');
    await approvedRoom(roomid, owner, [
      [m, mId],
      [n, nId],
    ]);
    const joined = j.joinRoom(roomid);
    await owner.waitFor('participation-request', (id) => id === jId);
    owner.close();
    assert.deepEqual(await m.waitFor('owner-changed'), [roomid, mId]);
    assert.deepEqual(await m.waitFor('participation-request'), [jId, { name: 'J' }]);
    await settle(n);
    assert.equal(n.count('participation-request'), 0);
    m.emit('participation-decision', jId, true);
    assert.deepEqual(await joined, [true]);
    assert.deepEqual(await m.waitFor('user-connected', (id) => id === jId), [jId, { name: 'J' }]);
    assert.deepEqual(await n.waitFor('user-connected', (id) => id === jId), [jId, { name: 'J' }]);
    assert.deepEqual(
      j
        .all('user-connected')
        .map(([id]) => id)
        .sort(),
      [mId, nId].sort(),
    );
  });

  it('relays a participation request sent right behind the join only once accepted', async () => {
    const server = await startTestServer();
    const [ownerId, mId, jId, kId] = ['owner', 'm', 'j', 'k'].map((n) => uid(`aq-${n}`)) as [
      string,
      string,
      string,
      string,
    ];
    const owner = await user(server, ownerId);
    const m = await user(server, mId);
    const j = await user(server, jId);
    const k = await user(server, kId);
    const roomid = uid('aq-room');
    await approvedRoom(roomid, owner, [[m, mId]]);

    // Rejected: the request is never relayed.
    const kJoined = k.joinRoom(roomid);
    k.relay(roomid, PARTICIPATION);
    await owner.waitFor('participation-request', (id) => id === kId);
    await settle(owner, m);
    owner.emit('participation-decision', kId, false);
    assert.deepEqual(await kJoined, [false, 'Join rejected']);
    await settle(k);
    await settle(owner, m);
    assert.equal(owner.relays().length + m.relays().length, 0);

    // Accepted: the request follows the acceptance, after user-connected.
    const jJoined = j.joinRoom(roomid);
    j.relay(roomid, PARTICIPATION);
    await owner.waitFor('participation-request', (id) => id === jId);
    await settle(owner, m);
    assert.equal(owner.relays().length + m.relays().length, 0);
    owner.emit('participation-decision', jId, true);
    assert.deepEqual(await jJoined, [true]);
    for (const [member, memberId] of [
      [owner, ownerId],
      [m, mId],
    ] as const) {
      const envelope = await member.waitForRelay((e) => isParticipationRequest(e.message));
      assert.deepEqual(envelope, {
        remoteUserId: memberId,
        sender: jId,
        message: PARTICIPATION,
        extra: {},
      });
      const order = member.received.map((r) => r.event);
      const connectedAt = member.received.findIndex(
        (r) => r.event === 'user-connected' && r.args[0] === jId,
      );
      assert.ok(connectedAt >= 0 && connectedAt < order.lastIndexOf(member.messageEvent));
    }
    await settle(owner, m);
    assert.equal(owner.relays().length, 1);
    assert.equal(m.relays().length, 1);
  });

  it('never asks in rooms without approveJoins', async () => {
    const server = await startTestServer();
    const [ownerId, jId] = [uid('ax-owner'), uid('ax-j')];
    const owner = await user(server, ownerId);
    const j = await user(server, jId);
    const roomid = uid('ax-room');
    assert.deepEqual(await owner.openRoom(roomid, { approveJoins: false }), [true]);
    assert.deepEqual(await j.joinRoom(roomid), [true]);
    assert.deepEqual(await owner.waitFor('user-connected'), [jId, {}]);
    await settle(owner);
    assert.equal(owner.count('participation-request'), 0);
  });
});
