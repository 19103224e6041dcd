import { expect, waitUntil } from '@open-wc/testing';
import type { RoomConnection } from '../../src/engine/index.js';
import { next, peerConnection, rejection, signalingUrl, uniqueRoom } from '../support/in-page.js';

describe('engine: RoomConnection', () => {
  const rooms: RoomConnection[] = [];
  const make = (options: Parameters<typeof peerConnection>[0]) => {
    const room = peerConnection(options);
    rooms.push(room);
    return room;
  };
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((r) => r.leave()));
  });

  it('opens, then a second connection joins; each gets the other as participant and stream', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, userId: `a-${roomId}`, extra: { name: 'Ada' } });
    const b = make({ roomId, userId: `b-${roomId}`, extra: { name: 'Bob' } });
    expect(await a.openOrJoin()).to.deep.equal({ roomId, userId: `a-${roomId}`, opened: true });
    expect(a.isOwner).to.equal(true);
    const aSeesB = next(a, 'participant-joined');
    const bResult = await b.openOrJoin();
    expect(bResult.opened).to.equal(false);
    expect((await aSeesB).extra).to.deep.equal({ name: 'Bob' });
    await waitUntil(() => b.participants.length === 1, 'b sees a');
    expect(b.participants[0]).to.deep.equal({ userId: `a-${roomId}`, extra: { name: 'Ada' } });
    await waitUntil(
      () =>
        a.streams.some((s) => s.type === 'remote') && b.streams.some((s) => s.type === 'remote'),
      'remote streams on both sides',
    );
    expect(a.streams.map((s) => s.type)).to.deep.equal(['local', 'remote']);
    expect(a.connectedUserIds).to.deep.equal([`b-${roomId}`]);
  });

  it('delivers messages to everyone or to one user', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, session: 'data' });
    const b = make({ roomId, session: 'data' });
    const c = make({ roomId, session: 'data' });
    await a.open();
    await b.join();
    await c.join();
    await waitUntil(() => a.connectedUserIds.length === 2, 'a connects to b and c');
    const atB = next(b, 'message');
    const atC = next(c, 'message');
    await a.send({ hello: 'all' });
    expect(await atB).to.deep.equal({ userId: a.userId, data: { hello: 'all' } });
    expect(await atC).to.deep.equal({ userId: a.userId, data: { hello: 'all' } });
    const onlyC = next(c, 'message');
    await a.send('just c', c.userId);
    expect((await onlyC).data).to.equal('just c');
    const missing = await rejection(a.send('x', 'nobody'));
    expect(missing.code).to.equal('PEER_NOT_FOUND');
  });

  it('a data-only session captures nothing', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, session: 'data' });
    await a.open();
    expect(a.streams).to.deep.equal([]);
  });

  it('rejects with stable codes: ROOM_NOT_FOUND, ROOM_EXISTS, ROOM_FULL, INVALID_PASSWORD', async () => {
    const roomId = uniqueRoom();
    const errors: string[] = [];
    const ghost = make({ roomId, session: 'data' });
    ghost.on('error', (e) => errors.push(e.code));
    expect((await rejection(ghost.join())).code).to.equal('ROOM_NOT_FOUND');
    expect(errors).to.deep.equal(['ROOM_NOT_FOUND']);
    expect(ghost.state).to.equal('idle');

    const owner = make({ roomId, session: 'data', maxParticipants: 1, password: 'pw' });
    await owner.open();
    expect(
      (await rejection(make({ roomId, session: 'data', password: 'pw' }).open())).code,
    ).to.equal('ROOM_EXISTS');
    expect(
      (await rejection(make({ roomId, session: 'data', password: 'nope' }).join())).code,
    ).to.equal('INVALID_PASSWORD');
    await make({ roomId, session: 'data', password: 'pw' }).join();
    const third = make({ roomId, session: 'data', password: 'pw' });
    const full = next(third, 'room-full');
    expect((await rejection(third.join())).code).to.equal('ROOM_FULL');
    expect(await full).to.deep.equal({ roomId });
  });

  it('retries with a fresh user id when the id is taken', async () => {
    const roomId = uniqueRoom();
    const userId = `taken-${roomId}`;
    const a = make({ roomId, userId, session: 'data' });
    await a.open();
    const b = make({ roomId, userId, session: 'data' });
    const errors: string[] = [];
    b.on('error', (e) => errors.push(e.code));
    const changed = next(b, 'user-id');
    const result = await b.join();
    expect(errors).to.deep.equal(['USERID_TAKEN']);
    expect((await changed).previous).to.equal(userId);
    expect(result.userId).to.not.equal(userId);
    expect(b.userId).to.equal(result.userId);
  });

  it('can refuse the retry: USERID_TAKEN rejects', async () => {
    const roomId = uniqueRoom();
    const userId = `taken2-${roomId}`;
    await make({ roomId, userId, session: 'data' }).open();
    const b = make({ roomId, userId, session: 'data', retryWithFreshUserId: false });
    expect((await rejection(b.join())).code).to.equal('USERID_TAKEN');
  });

  it('SIGNALING_UNREACHABLE when no server listens', async () => {
    const room = make({
      roomId: uniqueRoom(),
      socketUrl: 'http://127.0.0.1:9',
      session: 'data',
      timeoutMs: 3000,
    });
    expect((await rejection(room.join())).code).to.equal('SIGNALING_UNREACHABLE');
  });

  it('leave() closes every peer connection, stops captured tracks and tells the others', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId });
    const b = make({ roomId });
    await a.open();
    await b.join();
    await waitUntil(() => a.streams.some((s) => s.type === 'remote'), 'a receives b');
    const pc = a.peerConnection(b.userId)!;
    const tracks = a.streams.filter((s) => s.type === 'local').flatMap((s) => s.stream.getTracks());
    expect(tracks.length).to.equal(2);
    const bSeesLeave = next(b, 'participant-left');
    const ended: string[] = [];
    a.on('stream-ended', (s) => ended.push(s.type));
    await a.leave();
    expect(a.state).to.equal('left');
    expect(pc.connectionState).to.equal('closed');
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    expect(ended.sort()).to.deep.equal(['local', 'remote']);
    expect(a.streams).to.deep.equal([]);
    expect((await bSeesLeave).userId).to.equal(a.userId);
    await waitUntil(() => b.streams.every((s) => s.type === 'local'), 'b drops a’s stream');
    // Only the room's public listeners remain (none were added by this test).
    expect(a.listenerCount()).to.equal(1);
  });

  it('leave() during join aborts it cleanly', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, session: 'data' });
    const joining = a.openOrJoin();
    await a.leave();
    const error = await rejection(joining);
    expect(error.code).to.equal('ABORTED');
    expect(a.state).to.equal('left');
    // It can enter again afterwards.
    expect((await a.openOrJoin()).opened).to.equal(true);
  });

  it('uses the ICE servers the server hands out unless given its own', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, session: 'data', iceServers: [{ urls: 'stun:127.0.0.1:3478' }] });
    const b = make({ roomId, session: 'data' });
    await a.open();
    await b.join();
    await waitUntil(() => a.connectedUserIds.length === 1);
    const servers = a.peerConnection(b.userId)!.getConfiguration().iceServers ?? [];
    expect(servers.map((s) => s.urls)).to.deep.equal([['stun:127.0.0.1:3478']]);
    await waitUntil(() => b.peerConnection(a.userId) !== undefined);
    expect(b.peerConnection(a.userId)!.getConfiguration().iceServers).to.deep.equal([]);
  });

  it('refuses what the server would silently replace: bad ids, event names, oversized extra', async () => {
    const cases = [
      make({ roomId: uniqueRoom(), userId: 'bad\nid', session: 'data' }),
      make({ roomId: `bad\u0000${uniqueRoom()}`, session: 'data' }),
      make({ roomId: uniqueRoom(), session: 'data', messageEvent: 'open-room' }),
      make({ roomId: uniqueRoom(), session: 'data', extra: { blob: 'x'.repeat(9000) } }),
    ];
    for (const room of cases) {
      const error = await rejection(room.openOrJoin());
      expect(error.code).to.equal('INVALID_REQUEST');
      expect(room.state).to.equal('idle');
    }
  });

  it('closes for everyone when an auto-closing room loses its owner', async () => {
    const roomId = uniqueRoom();
    const owner = make({ roomId, session: 'data', autoClose: true });
    const guest = make({ roomId, session: 'data' });
    await owner.open();
    await guest.join();
    const closed = next(guest, 'session-closed');
    const left = next(guest, 'left');
    await owner.leave();
    expect(await closed).to.deep.equal({ roomId });
    await left;
    expect(guest.state).to.equal('left');
    expect(guest.participants).to.deep.equal([]);
  });

  it('hands ownership to the longest-present participant when the owner leaves', async () => {
    const roomId = uniqueRoom();
    const owner = make({ roomId, session: 'data' });
    const second = make({ roomId, session: 'data' });
    const third = make({ roomId, session: 'data' });
    await owner.open();
    await second.join();
    await third.join();
    expect(second.isOwner).to.equal(false);
    await owner.leave();
    await waitUntil(() => second.isOwner, 'ownership moves to the second');
    expect(third.isOwner).to.equal(false);
  });

  it('works with the default socket URL form that v3 uses (trailing slash)', async () => {
    const room = make({ roomId: uniqueRoom(), socketUrl: `${signalingUrl}/`, session: 'data' });
    expect((await room.open()).opened).to.equal(true);
  });
});
