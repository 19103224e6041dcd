import { expect, waitUntil } from '@open-wc/testing';
import { engine, type RoomConnection, type RtcError } from '../../src/engine/index.js';
import { next, peerConnection, signalingUrl, uniqueRoom } from '../support/in-page.js';

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as RtcError).code;
  }
  return 'resolved';
}

describe('engine: room API', () => {
  const rooms: RoomConnection[] = [];
  const make = (options: Parameters<typeof peerConnection>[0]) => {
    const room = peerConnection({ session: 'data', ...options });
    rooms.push(room);
    return room;
  };
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((r) => r.leave()));
  });

  it('checkPresence and getPublicRooms work before joining anything', async () => {
    const roomId = uniqueRoom();
    const lobby = uniqueRoom('lobby');
    const owner = make({
      roomId,
      publicId: lobby,
      password: 'Sekret-Passw0rd',
      extra: { name: 'Ada' },
    });
    await owner.open();
    const presence = await engine.checkPresence({ socketUrl: signalingUrl, roomId });
    expect(presence).to.deep.equal({
      exists: true,
      isFull: false,
      isPasswordProtected: true,
      extra: { name: 'Ada' },
    });
    expect(
      (await engine.checkPresence({ socketUrl: signalingUrl, roomId: uniqueRoom() })).exists,
    ).to.equal(false);
    const list = await engine.getPublicRooms({ socketUrl: signalingUrl, identifier: lobby });
    expect(list).to.deep.equal([
      {
        roomId,
        owner: owner.userId,
        participantCount: 1,
        maxParticipants: 1000,
        extra: { name: 'Ada' },
        isFull: false,
        isPasswordProtected: true,
      },
    ]);
    expect(JSON.stringify(list)).to.not.contain('Sekret-Passw0rd');
  });

  it('knows the owner, announces a change once, and enforces owner-only actions', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId });
    const b = make({ roomId });
    const c = make({ roomId });
    await a.open();
    await b.join();
    await c.join();
    expect([a.owner, b.owner, c.owner]).to.deep.equal([a.userId, a.userId, a.userId]);
    expect(await code(b.setPassword('x'))).to.equal('NOT_OWNER');
    expect(await code(b.kick(c.userId))).to.equal('NOT_OWNER');
    expect(await code(b.closeEntireSession())).to.equal('NOT_OWNER');
    const changes: string[] = [];
    b.on('owner-changed', ({ userId }) => changes.push(`b:${userId}`));
    c.on('owner-changed', ({ userId }) => changes.push(`c:${userId}`));
    await a.leave();
    await waitUntil(() => changes.length === 2, 'both hear of it');
    expect(changes.sort()).to.deep.equal([`b:${b.userId}`, `c:${b.userId}`]);
    expect(b.isOwner).to.equal(true);
    await b.setPassword('secret');
    expect((await c.checkPresence()).isPasswordProtected).to.equal(true);
  });

  it('join approval: accept lets in, reject turns away with JOIN_REJECTED', async () => {
    const roomId = uniqueRoom();
    const owner = make({ roomId, approveJoins: true });
    await owner.open();
    const asked: string[] = [];
    owner.on('participation-request', ({ userId }) => asked.push(userId));
    const welcome = make({ roomId, extra: { name: 'Welcome' } });
    const joining = welcome.join();
    await waitUntil(() => asked.includes(welcome.userId));
    expect(owner.pendingRequests).to.deep.equal([welcome.userId]);
    owner.accept(welcome.userId);
    expect((await joining).opened).to.equal(false);
    const unwelcome = make({ roomId });
    const refused = code(unwelcome.join());
    await waitUntil(() => asked.includes(unwelcome.userId));
    owner.reject(unwelcome.userId);
    expect(await refused).to.equal('JOIN_REJECTED');
    expect(owner.getAllParticipants()).to.deep.equal([welcome.userId]);
  });

  it('kick removes a user for everyone; the user hears why', async () => {
    const roomId = uniqueRoom();
    const owner = make({ roomId });
    const target = make({ roomId });
    const other = make({ roomId });
    await owner.open();
    await target.join();
    await other.join();
    const kicked = next(target, 'kicked');
    const gone = next(other, 'participant-left');
    await owner.kick(target.userId);
    expect(await kicked).to.deep.equal({ roomId, by: owner.userId });
    expect((await gone).userId).to.equal(target.userId);
    expect(target.state).to.equal('left');
  });

  it('changeUserId renames everywhere and never takes over an id', async () => {
    const roomId = uniqueRoom();
    const owner = make({ roomId });
    const b = make({ roomId });
    await owner.open();
    await b.join();
    expect(await code(b.changeUserId(owner.userId))).to.equal('USERID_TAKEN');
    const renamed = next(owner, 'participant-renamed');
    const previous = b.userId;
    await b.changeUserId(`${previous}-new`);
    expect(await renamed).to.deep.equal({ userId: `${previous}-new`, previous });
    expect(owner.getAllParticipants()).to.deep.equal([`${previous}-new`]);
    const message = next(b, 'message');
    await waitUntil(() => owner.connectedUserIds.includes(`${previous}-new`));
    await owner.send('still there', `${previous}-new`);
    expect((await message).data).to.equal('still there');
  });

  it('extra updates reach the others once; getExtraData asks the server', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, extra: { name: 'A' } });
    const b = make({ roomId });
    await a.open();
    await b.join();
    const updates: unknown[] = [];
    b.on('participant-updated', ({ extra }) => updates.push(extra));
    a.updateExtraData({ name: 'A2' });
    await waitUntil(() => updates.length === 1);
    expect(await b.getExtraData(a.userId)).to.deep.equal({ name: 'A2' });
    expect(updates).to.deep.equal([{ name: 'A2' }]);
  });

  it('mute state reaches the others (and later joiners) once per call, kind as given', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, session: 'audio' });
    const b = make({ roomId, session: 'audio' });
    await a.open();
    await b.join();
    await waitUntil(() => b.connectedUserIds.length === 1);
    const seen: string[] = [];
    b.on('mute', ({ userId, kind }) => seen.push(`${userId === a.userId ? 'a' : '?'}:${kind}`));
    a.mute('audio');
    await waitUntil(() => seen.length === 1);
    expect(seen).to.deep.equal(['a:audio']);
    expect(b.muteState(a.userId)).to.deep.equal({ audio: true, video: false });
    expect(a.streams[0]!.stream.getAudioTracks()[0]!.enabled).to.equal(false);
    const late = make({ roomId, session: 'audio' });
    await late.join();
    await waitUntil(() => late.muteState(a.userId).audio, 'a late joiner learns the mute state');
  });

  it('disconnectWith drops the peer connection on both sides; both stay in the room', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId });
    const b = make({ roomId });
    await a.open();
    await b.join();
    await waitUntil(() => a.connectedUserIds.length === 1 && b.connectedUserIds.length === 1);
    a.disconnectWith(b.userId);
    await waitUntil(() => b.connectedUserIds.length === 0, 'b drops it too');
    expect(a.connectedUserIds).to.deep.equal([]);
    expect(a.getAllParticipants()).to.deep.equal([b.userId]);
    expect(b.getAllParticipants()).to.deep.equal([a.userId]);
  });

  it('the custom socket event stays inside the room', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, customEvent: 'app-event' });
    const b = make({ roomId, customEvent: 'app-event' });
    const elsewhere = make({ roomId: uniqueRoom(), customEvent: 'app-event' });
    await a.open();
    await b.join();
    await elsewhere.open();
    const outside: unknown[] = [];
    elsewhere.on('custom-message', ({ data }) => outside.push(data));
    const got = next(b, 'custom-message');
    a.sendCustom({ hello: 'room' });
    expect(await got).to.deep.equal({ data: { hello: 'room' } });
    // A round trip that the server handles after the custom event.
    await elsewhere.checkPresence();
    expect(outside).to.deep.equal([]);
  });
});
