// The `broadcast-channel:` signaling transport in one page: two or more RoomConnections talk
// through the tab-local hub (BroadcastChannel + Web Locks work between objects of one page), with
// real RTCPeerConnections and the fake camera. Each test uses its own hub name.
import { expect, waitUntil } from '@open-wc/testing';
import { RoomConnection, engine, type RoomOptions } from '../../src/engine/index.js';
import { next, rejection, uniqueRoom } from '../support/in-page.js';

/** The hub's channel, to talk to it as a misbehaving tab would. */
function rawChannel(url: string): BroadcastChannel {
  return new BroadcastChannel(`rtc-signaling:${url.slice('broadcast-channel:'.length)}`);
}

describe('engine: broadcast-channel transport', () => {
  const rooms: RoomConnection[] = [];
  let url = '';
  const make = (options: Partial<RoomOptions> = {}) => {
    const room = new RoomConnection({
      socketUrl: url,
      roomId: 'room',
      session: 'data',
      ...options,
    });
    rooms.push(room);
    return room;
  };
  beforeEach(() => {
    url = `broadcast-channel:${uniqueRoom('hub')}`;
  });
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((r) => r.leave()));
  });

  it('open, join and video both ways between two rooms with real peer connections', async () => {
    const a = make({ userId: 'ann', session: 'audio video', extra: { name: 'Ann' } });
    const b = make({ userId: 'bob', session: 'audio video', extra: { name: 'Bob' } });
    expect(await a.open()).to.deep.equal({ roomId: 'room', userId: 'ann', opened: true });
    const aSeesB = next(a, 'participant-joined');
    expect((await b.join()).opened).to.equal(false);
    expect(await aSeesB).to.deep.equal({ userId: 'bob', extra: { name: 'Bob' } });
    expect(b.participants).to.deep.equal([{ userId: 'ann', extra: { name: 'Ann' } }]);
    expect(b.owner).to.equal('ann');
    expect(a.isOwner).to.equal(true);
    await waitUntil(
      () =>
        a.peerConnection('bob')?.connectionState === 'connected' &&
        b.peerConnection('ann')?.connectionState === 'connected',
      'peers connect',
      { timeout: 15000 },
    );
    await waitUntil(
      () =>
        [a, b].every((room) =>
          room.streams.some((s) => s.type === 'remote' && s.stream.getVideoTracks().length === 1),
        ),
      'remote video on both sides',
    );
    expect(a.socket?.connected).to.equal(true);
  });

  it('relays data, custom events and extra-data updates; answers getExtraData', async () => {
    const a = make({ userId: 'ann', extra: { mood: 'calm' } });
    const b = make({ userId: 'bob' });
    const c = make({ userId: 'cid' });
    await a.open();
    await b.join();
    await c.join();
    await waitUntil(() => a.connectedUserIds.length === 2, 'a connects to b and c');
    const atB = next(b, 'message');
    await a.send('hello', 'bob');
    expect(await atB).to.deep.equal({ userId: 'ann', data: 'hello' });

    const customAtB = next(b, 'custom-message');
    const customAtC = next(c, 'custom-message');
    let selfHeard = false;
    a.on('custom-message', () => (selfHeard = true));
    a.sendCustom({ ping: 1 });
    expect(await customAtB).to.deep.equal({ data: { ping: 1 } });
    expect(await customAtC).to.deep.equal({ data: { ping: 1 } });
    expect(selfHeard).to.equal(false);

    const updated = next(b, 'participant-updated');
    a.updateExtraData({ mood: 'busy' });
    expect(await updated).to.deep.equal({ userId: 'ann', extra: { mood: 'busy' } });
    expect(await c.getExtraData('ann')).to.deep.equal({ mood: 'busy' });
    expect((await rejection(c.getExtraData('nobody'))).code).to.equal('PEER_NOT_FOUND');
    // The owner's update is the room's extra, which presence checks show.
    expect((await c.checkPresence()).extra).to.deep.equal({ mood: 'busy' });
  });

  it('presence and public rooms, from a room and from the engine without joining', async () => {
    const probe = () => engine.checkPresence({ socketUrl: url, roomId: 'room' });
    expect(await probe()).to.deep.equal({
      exists: false,
      isFull: false,
      isPasswordProtected: false,
      extra: {},
    });
    const a = make({ userId: 'ann', publicId: 'lobby', password: 'pw', maxParticipants: 1 });
    await a.open();
    expect(await probe()).to.deep.equal({
      exists: true,
      isFull: false,
      isPasswordProtected: true,
      extra: {},
    });
    await make({ userId: 'bob', password: 'pw' }).join();
    expect((await probe()).isFull).to.equal(true);
    expect(await engine.getPublicRooms({ socketUrl: url, identifier: 'lobby' })).to.deep.equal([
      {
        roomId: 'room',
        owner: 'ann',
        participantCount: 2,
        maxParticipants: 1,
        extra: {},
        isFull: true,
        isPasswordProtected: true,
      },
    ]);
    expect(await engine.getPublicRooms({ socketUrl: url, identifier: 'other' })).to.deep.equal([]);
  });

  it('refuses with the server’s codes: ROOM_NOT_FOUND, ROOM_EXISTS, ROOM_FULL, INVALID_PASSWORD', async () => {
    expect((await rejection(make().join())).code).to.equal('ROOM_NOT_FOUND');
    await make({ maxParticipants: 1, password: 'pw' }).open();
    expect((await rejection(make({ password: 'pw' }).open())).code).to.equal('ROOM_EXISTS');
    expect((await rejection(make({ password: 'nope' }).join())).code).to.equal('INVALID_PASSWORD');
    await make({ password: 'pw' }).join();
    const third = make({ password: 'pw' });
    const full = next(third, 'room-full');
    expect((await rejection(third.join())).code).to.equal('ROOM_FULL');
    expect(await full).to.deep.equal({ roomId: 'room' });
    // openOrJoin joins the existing room (when it has a seat).
    const owner = make({ roomId: 'other' });
    expect((await owner.openOrJoin()).opened).to.equal(true);
    expect((await make({ roomId: 'other' }).openOrJoin()).opened).to.equal(false);
    // The owner changes the password: the old one no longer works.
    await owner.setPassword('new');
    expect((await rejection(make({ roomId: 'other', password: '' }).join())).code).to.equal(
      'INVALID_PASSWORD',
    );
    const member = make({ roomId: 'other', password: 'new' });
    await member.join();
    expect((await rejection(member.setPassword('x'))).code).to.equal('NOT_OWNER');
  });

  it('hands ownership to the longest-present member when the owner leaves', async () => {
    const owner = make({ userId: 'ann' });
    const second = make({ userId: 'bob' });
    const third = make({ userId: 'cid' });
    await owner.open();
    await second.join();
    await third.join();
    const moved = next(third, 'owner-changed');
    const left = next(third, 'participant-left');
    await owner.leave();
    expect((await left).userId).to.equal('ann');
    expect(await moved).to.deep.equal({ userId: 'bob' });
    await waitUntil(() => second.isOwner, 'bob owns the room');
    expect(third.isOwner).to.equal(false);
    // The new owner can use owner-only requests; a late joiner learns who owns the room.
    const late = make({ userId: 'dan' });
    await late.join();
    expect(late.owner).to.equal('bob');
    await second.kick('dan');
    await waitUntil(() => late.state === 'left', 'dan is out');
  });

  it('closes the room for everyone: auto-close, close-entire-session and kick', async () => {
    const owner = make({ userId: 'ann', autoClose: true });
    const guest = make({ userId: 'bob' });
    await owner.open();
    await guest.join();
    const closed = next(guest, 'session-closed');
    await owner.leave();
    expect(await closed).to.deep.equal({ roomId: 'room' });
    expect(guest.state).to.equal('left');

    const host = make({ userId: 'cid', roomId: 'two' });
    const kicked = make({ userId: 'dan', roomId: 'two' });
    const stays = make({ userId: 'eve', roomId: 'two' });
    await host.open();
    await kicked.join();
    await stays.join();
    expect((await rejection(stays.kick('dan'))).code).to.equal('NOT_OWNER');
    const gone = next(kicked, 'kicked');
    const seen = next(stays, 'participant-left');
    await host.kick('dan');
    expect(await gone).to.deep.equal({ roomId: 'two', by: 'cid' });
    expect((await seen).userId).to.equal('dan');
    const ended = next(stays, 'session-closed');
    await host.closeEntireSession();
    expect(await ended).to.deep.equal({ roomId: 'two' });
    expect((await engine.checkPresence({ socketUrl: url, roomId: 'two' })).exists).to.equal(false);
  });

  it('one-way rooms: viewers connect to the owner only', async () => {
    const session = 'audio video oneway';
    const host = make({ userId: 'host', session });
    const v1 = make({ userId: 'v1', session });
    const v2 = make({ userId: 'v2', session });
    await host.open();
    await v1.join();
    await v2.join();
    await waitUntil(() => host.connectedUserIds.length === 2, 'the host connects to both');
    await waitUntil(
      () => [v1, v2].every((v) => v.streams.some((s) => s.type === 'remote')),
      'viewers receive the host',
    );
    expect(v1.connectedUserIds).to.deep.equal(['host']);
    expect(v2.connectedUserIds).to.deep.equal(['host']);
  });

  it('user ids: a taken id is retried with a fresh one; changeUserId renames for the others', async () => {
    const a = make({ userId: 'ann' });
    await a.open();
    const b = make({ userId: 'ann' });
    const errors: string[] = [];
    b.on('error', (e) => errors.push(e.code));
    const result = await b.join();
    expect(errors).to.deep.equal(['USERID_TAKEN']);
    expect(result.userId).to.not.equal('ann');
    await waitUntil(() => a.connectedUserIds.length === 1, 'a connects to b');
    expect((await rejection(b.changeUserId('ann'))).code).to.equal('USERID_TAKEN');
    const renamed = next(a, 'participant-renamed');
    await b.changeUserId('bea');
    expect(await renamed).to.deep.equal({ userId: 'bea', previous: result.userId });
    const atBea = next(b, 'message');
    await a.send('hi bea', 'bea');
    expect((await atBea).data).to.equal('hi bea');
  });

  it('approve-joins rooms: the owner accepts or rejects each join', async () => {
    const owner = make({ userId: 'ann', approveJoins: true });
    await owner.open();
    owner.on('participation-request', ({ userId }) => {
      if (userId === 'bob') owner.accept(userId);
      else owner.reject(userId);
    });
    expect((await make({ userId: 'bob' }).join()).opened).to.equal(false);
    expect((await rejection(make({ userId: 'cid' }).join())).code).to.equal('JOIN_REJECTED');
    expect(owner.getAllParticipants()).to.deep.equal(['bob']);
  });

  it('notices at once a client that goes away without a word', async () => {
    const a = make({ userId: 'ann' });
    const b = make({ userId: 'bob' });
    await a.open();
    await b.join();
    const left = next(a, 'participant-left');
    const started = performance.now();
    // As when its tab crashes: no goodbye, its lock is released.
    b.socket?.disconnect(true);
    expect((await left).userId).to.equal('bob');
    expect(performance.now() - started).to.be.below(500);
  });

  it('ignores malformed messages on the channel and keeps serving', async () => {
    const a = make({ userId: 'ann' });
    await a.open();
    const evil = rawChannel(url);
    const junk: unknown[] = [
      'not json',
      '[1,2]',
      'null',
      JSON.stringify({ t: 'c' }),
      JSON.stringify({ t: 'c', from: 'x', q: 'not a query' }),
      JSON.stringify({
        t: 'c',
        from: 'y',
        q: { userid: '\u0000', extra: '{bad', maxParticipantsAllowed: [] },
      }),
      JSON.stringify({ t: 'e', from: 'y', to: 'nobody', e: 'open-room', a: [] }),
      JSON.stringify({ t: 'e', from: 'z', e: 42, a: 'x' }),
      JSON.stringify({ t: 'x', from: 'z', r: 5 }),
      JSON.stringify({ t: 'w', from: 'z', to: 'z' }),
      { structured: 'clone' },
      new ArrayBuffer(8),
    ];
    for (const message of junk) evil.postMessage(message);

    // A client that connected properly, then sends nonsense: answered or ignored, never fatal.
    const name = url.slice('broadcast-channel:'.length);
    let release = () => undefined as void;
    await new Promise<void>((granted) => {
      void navigator.locks.request(`rtc-client:${name}:evil`, () => {
        granted();
        return new Promise<void>((resolve) => (release = resolve));
      });
    });
    const answers: unknown[][] = [];
    let hub = '';
    const welcomed = new Promise<void>((resolve) => {
      evil.onmessage = ({ data }: MessageEvent) => {
        const m = JSON.parse(data as string) as {
          t: string;
          to?: string;
          from: string;
          a?: unknown[];
        };
        if (m.to !== 'evil') return;
        if (m.t === 'w') {
          hub = m.from;
          resolve();
        } else if (m.t === 'a') answers.push(m.a ?? []);
      };
    });
    evil.postMessage(
      JSON.stringify({ t: 'c', from: 'evil', q: { userid: 'evil', rtcElements: '1' } }),
    );
    await welcomed;
    const send = (e: unknown, a: unknown, k?: number) =>
      evil.postMessage(JSON.stringify({ t: 'e', from: 'evil', to: hub, e, a, k }));
    send('open-room', [null], 1);
    send('join-room', ['room'], 2);
    send('join-room', [{ sessionid: 'room', extra: 'not an object' }], 3);
    send('check-presence', [{ toString: 1 }], 4);
    send('get-public-rooms', [['lobby']], 5);
    send('RTCMultiConnection-Message', [{ remoteUserId: 'ann', message: [1] }]);
    send('RTCMultiConnection-Message', ['not an envelope']);
    send('changed-uuid', [null], 6);
    send('kick-user', ['ann'], 7);
    send('extra-data-updated', ['x'.repeat(10)]);
    send('open-room', 'not an array', 8);
    send(null, [], 9);
    await waitUntil(() => answers.length === 7, 'the hub answers what it can');
    expect(answers).to.deep.equal([
      [false, 'Invalid payload'],
      [false, 'Invalid payload'],
      [false, 'Invalid payload'],
      [false, '', { _room: { isFull: false, isPasswordProtected: false } }],
      [null, 'publicRoomIdentifier is required'],
      [false, 'User ID does not exist'],
      [false, 'Did not join any room yet'],
    ]);
    release();
    evil.close();

    const b = make({ userId: 'bob' });
    await b.join();
    await waitUntil(() => a.connectedUserIds.includes('bob'), 'a connects to b');
  });
});
