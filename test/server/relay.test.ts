import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_CUSTOM_EVENT } from '../../src/protocol/index.js';
import { cleanup, room, startTestServer, uid, user, type Client } from './helpers.js';

const request = {
  newParticipationRequest: true,
  isOneWay: false,
  isDataOnly: false,
  localPeerSdpConstraints: { OfferToReceiveAudio: true, OfferToReceiveVideo: true },
  remotePeerSdpConstraints: { OfferToReceiveAudio: true, OfferToReceiveVideo: true },
};

/**
 * Proves `target` received nothing from `sender` (so far): `sender`'s earlier emits have been
 * handled once its barrier resolves, and anything they sent `target` arrives before `target`'s own
 * barrier answer.
 */
async function settle(sender: Client, target: Client): Promise<void> {
  await sender.barrier();
  await target.barrier();
}

describe('relay', () => {
  afterEach(cleanup);

  it('delivers to the target with the real sender and the sender’s extra, whatever it claims', async () => {
    const server = await startTestServer();
    const a = await user(server, 'rl-a', { name: 'A' });
    const b = await user(server, 'rl-b', { name: 'B' });
    await room(uid('room'), a, [b]);
    b.emit(b.messageEvent, {
      remoteUserId: 'rl-a',
      sender: 'rl-a',
      message: { type: 'offer', sdp: 'v=0\r\n' },
      extra: { name: 'forged' },
    });
    assert.deepEqual(await a.waitForRelay(), {
      remoteUserId: 'rl-a',
      sender: 'rl-b',
      message: { type: 'offer', sdp: 'v=0\r\n' },
      extra: { name: 'B' },
    });
    // A string message (v3's legacy 'dropPeerConnection') is relayed too.
    a.emit(a.messageEvent, { remoteUserId: 'rl-b', sender: 'someone-else', message: 'hello' });
    assert.deepEqual(await b.waitForRelay(), {
      remoteUserId: 'rl-b',
      sender: 'rl-a',
      message: 'hello',
      extra: { name: 'A' },
    });
    // Nothing comes back to the sender.
    await settle(a, b);
    await settle(b, a);
    assert.equal(a.relays().length, 1);
    assert.equal(b.relays().length, 1);
  });

  it('attaches the sender’s current extra after an update', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ru-a', { v: 1 });
    const b = await user(server, 'ru-b');
    await room(uid('room'), a, [b]);
    a.emit('extra-data-updated', { v: 2 });
    a.relay('ru-b', { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0 });
    assert.deepEqual((await b.waitForRelay()).extra, { v: 2 });
  });

  it('fans a newParticipationRequest to the room out to every other member', async () => {
    const server = await startTestServer();
    const a = await user(server, 'np-a');
    const b = await user(server, 'np-b');
    const c = await user(server, 'np-c', { name: 'C' });
    const roomid = uid('room');
    await room(roomid, a, [b, c]);
    c.relay(roomid, request);
    for (const [member, id] of [
      [a, 'np-a'],
      [b, 'np-b'],
    ] as const) {
      assert.deepEqual(await member.waitForRelay(), {
        remoteUserId: id,
        sender: 'np-c',
        message: request,
        extra: { name: 'C' },
      });
    }
    await settle(c, c);
    assert.equal(c.relays().length, 0);
    await a.barrier();
    await b.barrier();
    assert.equal(a.relays().length, 1);
    assert.equal(b.relays().length, 1);
  });

  for (const flag of ['oneway', 'broadcast'] as const) {
    it(`sends a newParticipationRequest only to the owner in a ${flag} room`, async () => {
      const server = await startTestServer();
      const a = await user(server, 'ow-a');
      const b = await user(server, 'ow-b');
      const c = await user(server, 'ow-c');
      const roomid = uid('room');
      await room(roomid, a, [b, c], { session: { audio: true, video: true, [flag]: true } });
      c.relay(roomid, { ...request, isOneWay: true });
      const envelope = await a.waitForRelay();
      assert.equal(envelope.remoteUserId, 'ow-a');
      assert.equal(envelope.sender, 'ow-c');
      await settle(c, b);
      assert.equal(b.relays().length, 0);
    });
  }

  it('does not fan out other messages addressed to the room id', async () => {
    const server = await startTestServer();
    const a = await user(server, 'nf-a');
    const b = await user(server, 'nf-b');
    const roomid = uid('room');
    await room(roomid, a, [b]);
    b.relay(roomid, { type: 'offer', sdp: 'x' });
    assert.deepEqual(await b.waitFor('user-not-found'), [roomid]);
    await settle(b, a);
    assert.equal(a.relays().length, 0);
  });

  it('never relays across rooms', async () => {
    const server = await startTestServer();
    const x1 = await user(server, 'cx-1');
    const x2 = await user(server, 'cx-2');
    const y1 = await user(server, 'cy-1');
    const y2 = await user(server, 'cy-2');
    const roomX = uid('room-x');
    const roomY = uid('room-y');
    await room(roomX, x1, [x2]);
    await room(roomY, y1, [y2]);
    x2.relay('cy-1', { type: 'offer', sdp: 'cross' });
    x2.relay('cy-2', { candidate: 'cross' });
    // A join request addressed to another room's id does not reach it either.
    x2.relay(roomY, request);
    assert.deepEqual(await x2.waitFor('user-not-found'), ['cy-1']);
    await x2.waitFor('user-not-found', (id) => id === roomY);
    await settle(x2, y1);
    await settle(x2, y2);
    assert.equal(y1.relays().length, 0);
    assert.equal(y2.relays().length, 0);
    // Relays inside each room still work.
    y2.relay('cy-1', { inside: 'y' });
    assert.equal((await y1.waitForRelay()).sender, 'cy-2');
    assert.equal(y1.relays().length, 1);
  });

  it('never relays from a room member to a socket in no room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'nr-a');
    const b = await user(server, 'nr-b');
    const lonely = await user(server, 'nr-lonely');
    await room(uid('room'), a, [b]);
    a.relay('nr-lonely', { type: 'offer', sdp: 'x' });
    assert.deepEqual(await a.waitFor('user-not-found'), ['nr-lonely']);
    await settle(a, lonely);
    assert.equal(lonely.relays().length, 0);
  });

  it('refuses any relay from a socket in no room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'nn-a');
    const b = await user(server, 'nn-b');
    const lonely = await user(server, 'nn-lonely');
    const other = await user(server, 'nn-other');
    const roomid = uid('room');
    await room(roomid, a, [b]);
    lonely.relay('nn-a', { type: 'offer', sdp: 'x' });
    lonely.relay('nn-other', { hello: 1 });
    lonely.relay(roomid, request);
    await settle(lonely, a);
    await settle(lonely, b);
    await settle(lonely, other);
    assert.equal(a.relays().length + b.relays().length + other.relays().length, 0);
    // A refused join does not cost b its room...
    assert.deepEqual(await b.joinRoom(uid('missing')), [false, 'Room not available']);
    b.relay('nn-a', { stillHere: true });
    await settle(b, a);
    assert.equal(a.relays().length, 1);
    // ...but moving to another room ends the right to relay into the old one.
    assert.deepEqual(await b.openRoom(uid('elsewhere')), [true]);
    b.relay('nn-a', { afterLeaving: true });
    await settle(b, a);
    assert.equal(a.relays().length, 1);
  });

  it('does not relay to oneself', async () => {
    const server = await startTestServer();
    const a = await user(server, 'self-a');
    const b = await user(server, 'self-b');
    await room(uid('room'), a, [b]);
    a.relay('self-a', { loop: true });
    assert.deepEqual(await a.waitFor('user-not-found'), ['self-a']);
    assert.equal(a.relays().length, 0);
  });

  it('answers the system detectPresence probe only for users in the same room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'dp-a');
    const b = await user(server, 'dp-b');
    const x = await user(server, 'dp-x');
    const lonely = await user(server, 'dp-lonely');
    await room(uid('room'), a, [b]);
    await x.openRoom(uid('room-x'));
    const probe = (from: Client, userid: unknown) =>
      from.request(from.messageEvent, {
        remoteUserId: 'system',
        sender: 'whoever',
        message: { detectPresence: true, userid },
      });
    assert.deepEqual(await probe(a, 'dp-b'), [true, 'dp-b']);
    assert.deepEqual(await probe(b, 'dp-a'), [true, 'dp-a']);
    assert.deepEqual(await probe(a, 'dp-x'), [false, 'dp-x']);
    assert.deepEqual(await probe(x, 'dp-a'), [false, 'dp-a']);
    assert.deepEqual(await probe(a, 'dp-lonely'), [false, 'dp-lonely']);
    assert.deepEqual(await probe(lonely, 'dp-a'), [false, 'dp-a']);
    assert.deepEqual(await probe(lonely, 'dp-lonely'), [false, 'dp-lonely']);
    assert.deepEqual(await probe(a, 'dp-a'), [false, 'dp-a']);
    assert.deepEqual(await probe(a, 'dp-nobody'), [false, 'dp-nobody']);
    assert.deepEqual(await probe(a, 42), [false, '']);
    // The probe is not relayed to anyone.
    await settle(a, b);
    assert.equal(b.relays().length, 0);
  });

  it("a socket in no room waits at a room (its handshake's or the last it asked about): custom events pass both ways with v3 members, not with rtc-elements ones", async () => {
    const server = await startTestServer();
    const [adminRoom, locked] = [uid('admin'), uid('locked')];
    // v3's admin-guest demo: both use the admin's id as their custom event.
    const custom = { socketCustomEvent: adminRoom };
    const admin = await user(server, uid('admin'), undefined, custom);
    const modern = await user(server, uid('modern'), undefined, { ...custom, rtcElements: '1' });
    await room(adminRoom, admin, [modern]);
    const x = await user(server, uid('x'), undefined, custom);
    assert.deepEqual(await x.openRoom(locked, { password: 'pw' }), [true]);
    // The guest's handshake names its own page's room; it then looks the admin's room up.
    const guest = await user(server, uid('guest'), undefined, {
      ...custom,
      sessionid: uid('page'),
    });
    assert.equal((await guest.checkPresence(adminRoom))[0], true);
    guest.emit(adminRoom, { newGuest: true });
    assert.deepEqual(await admin.waitFor(adminRoom), [{ newGuest: true }]);
    assert.deepEqual(await modern.waitFor(adminRoom), [{ newGuest: true }]);
    // The admin (a v3 page) answers to its room: the waiting guest hears it.
    admin.emit(adminRoom, { youCanJoinAdmin: true });
    assert.deepEqual(await guest.waitFor(adminRoom), [{ youCanJoinAdmin: true }]);
    // An rtc-elements member's custom events stay in the room.
    modern.emit(adminRoom, { privately: true });
    await admin.waitFor(adminRoom, (m) => (m as { privately?: boolean }).privately === true);
    await settle(modern, guest);
    assert.equal(guest.count(adminRoom), 1);
    // Once the guest is in the room it hears the room as a member only, once.
    assert.deepEqual(await guest.joinRoom(adminRoom), [true]);
    admin.emit(adminRoom, { hello: 'members' });
    await guest.waitFor(adminRoom, (m) => (m as { hello?: string }).hello === 'members');
    await settle(admin, guest);
    assert.equal(guest.count(adminRoom), 2);
    // Not into a password-protected room, and nowhere from a socket that waits at no room.
    const stranger = await user(server, uid('stranger'), undefined, {
      ...custom,
      sessionid: locked,
    });
    stranger.emit(adminRoom, { spam: true });
    const nowhere = await user(server, uid('nowhere'), undefined, custom);
    nowhere.emit(adminRoom, { spam: true });
    await settle(stranger, x);
    await settle(nowhere, admin);
    assert.equal(x.count(adminRoom), 0);
    assert.equal(admin.all(adminRoom).filter(([m]) => (m as { spam?: boolean }).spam).length, 0);
  });

  it('rebroadcasts the socketCustomEvent only inside the sender’s room', async () => {
    const server = await startTestServer();
    const a = await user(server, 'ce-a');
    const b = await user(server, 'ce-b');
    const c = await user(server, 'ce-c');
    const x = await user(server, 'ce-x');
    const lonely = await user(server, 'ce-lonely');
    await room(uid('room'), a, [b, c]);
    await x.openRoom(uid('room-x'));
    a.emit(DEFAULT_CUSTOM_EVENT, { hello: 'room' }, 2);
    assert.deepEqual(await b.waitFor(DEFAULT_CUSTOM_EVENT), [{ hello: 'room' }]);
    assert.deepEqual(await c.waitFor(DEFAULT_CUSTOM_EVENT), [{ hello: 'room' }]);
    // A socket in no room cannot broadcast at all.
    lonely.emit(DEFAULT_CUSTOM_EVENT, { from: 'lonely' });
    await settle(a, x);
    await settle(a, lonely);
    await settle(a, a);
    await settle(lonely, b);
    await settle(lonely, x);
    assert.equal(x.count(DEFAULT_CUSTOM_EVENT), 0);
    assert.equal(lonely.count(DEFAULT_CUSTOM_EVENT), 0);
    assert.equal(a.count(DEFAULT_CUSTOM_EVENT), 0);
    assert.equal(b.count(DEFAULT_CUSTOM_EVENT), 1);
  });

  it('set-custom-socket-event-listener adds a room-scoped custom event: valid, unreserved names, at most 8', async () => {
    const server = await startTestServer();
    const a = await user(server, 'sc-a');
    const b = await user(server, 'sc-b');
    const x = await user(server, 'sc-x');
    await room(uid('room'), a, [b]);
    await x.openRoom(uid('room-x'));
    // Not registered yet: nothing passes.
    a.emit('abcdef', 'too early');
    await settle(a, b);
    assert.equal(b.count('abcdef'), 0);
    a.emit('set-custom-socket-event-listener', 'abcdef');
    a.emit('abcdef', 'My userid is: sc-a');
    assert.deepEqual(await b.waitFor('abcdef'), ['My userid is: sc-a']);
    await settle(a, x);
    await settle(a, a);
    assert.equal(x.count('abcdef'), 0, 'other rooms hear nothing');
    assert.equal(a.count('abcdef'), 0, 'not echoed to the sender');
    // Reserved names, the relay event and junk are refused: a reserved name stays unrelayed.
    const announced = b.count('user-connected');
    for (const name of ['open-room', 'user-connected', a.messageEvent, '', 42, 'x'.repeat(200)])
      a.emit('set-custom-socket-event-listener', name);
    a.emit('user-connected', 'forged', {});
    await settle(a, b);
    assert.equal(b.count('user-connected'), announced);
    // At most 8 names per socket: 'abcdef' and event-1..7; event-8 and event-9 are refused.
    for (let i = 1; i <= 9; i++) a.emit('set-custom-socket-event-listener', `event-${i}`);
    a.emit('event-8', 'eighth');
    a.emit('event-9', 'ninth');
    a.emit('event-7', 'seventh');
    assert.deepEqual(await b.waitFor('event-7'), ['seventh']);
    await settle(a, b);
    assert.equal(b.count('event-8') + b.count('event-9'), 0);
  });
});
