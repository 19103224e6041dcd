import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcRoom } from '../../src/elements/index.js';
import type { RtcError } from '../../src/engine/index.js';
import { nextEvent, peerConnection, signalingUrl, uniqueRoom } from '../support/in-page.js';

describe('<rtc-room>', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((fn) => fn()));
  });

  it('opens its room when added to the page and reflects `joined`', async () => {
    const roomId = uniqueRoom();
    const el = await fixture<RtcRoom>(
      html`<rtc-room
        room-id=${roomId}
        socket-url=${signalingUrl}
        user-id="ada"
        session="audio video"
      ></rtc-room>`,
    );
    const { detail } = await nextEvent(el, 'rtc-joined');
    expect(detail).to.deep.equal({ roomId, userId: 'ada', opened: true });
    expect(el.hasAttribute('joined')).to.equal(true);
    expect(el.streams.map((s) => s.type)).to.deep.equal(['local']);
    await expect(el).to.be.accessible();
  });

  it('fires rtc-stream for the local stream, and participant and remote stream events for a peer', async () => {
    const roomId = uniqueRoom();
    const el = await fixture<RtcRoom>(
      html`<rtc-room room-id=${roomId} socket-url=${signalingUrl}></rtc-room>`,
    );
    const local = await nextEvent(el, 'rtc-stream');
    expect(local.detail.type).to.equal('local');
    expect(local.detail.stream).to.be.instanceOf(MediaStream);
    expect(local.detail.isScreen).to.equal(false);
    await nextEvent(el, 'rtc-joined');
    const peer = peerConnection({ roomId, extra: { name: 'Bob' } });
    cleanup.push(() => peer.leave());
    const joined = nextEvent(el, 'rtc-participant-joined');
    const remote = nextEvent(el, 'rtc-stream');
    await peer.join();
    expect((await joined).detail).to.deep.equal({ userId: peer.userId, extra: { name: 'Bob' } });
    const remoteDetail = (await remote).detail;
    expect(remoteDetail.type).to.equal('remote');
    expect(remoteDetail.userId).to.equal(peer.userId);
    const ended = nextEvent(el, 'rtc-stream-ended');
    const left = nextEvent(el, 'rtc-participant-left');
    await peer.leave();
    expect((await left).detail.userId).to.equal(peer.userId);
    expect((await ended).detail.stream).to.equal(remoteDetail.stream);
  });

  it('a joining page hears rtc-joined first, with everyone already there in participants, then one rtc-participant-joined each', async () => {
    const roomId = uniqueRoom();
    const member = peerConnection({ roomId, session: 'data', extra: { name: 'Bob' } });
    cleanup.push(() => member.leave());
    await member.open();
    const order: string[] = [];
    let atJoined: string[] = [];
    const room = document.createElement('rtc-room');
    Object.assign(room, { roomId, socketUrl: signalingUrl, session: 'data' });
    room.addEventListener('rtc-joined', () => {
      order.push('joined');
      atJoined = room.participants.map((p) => p.userId);
    });
    room.addEventListener('rtc-participant-joined', (e) =>
      order.push(`participant ${e.detail.userId}`),
    );
    const joined = nextEvent(room, 'rtc-participant-joined');
    document.body.append(room);
    cleanup.push(async () => room.remove());
    await joined;
    expect(order).to.deep.equal(['joined', `participant ${member.userId}`]);
    expect(atJoined).to.deep.equal([member.userId]);
  });

  it('events bubble and are composed', async () => {
    const wrapper = document.createElement('div');
    // Listen before the room is in the page: it joins as soon as it is connected.
    const joined = nextEvent(wrapper, 'rtc-joined');
    const room = document.createElement('rtc-room');
    Object.assign(room, { roomId: uniqueRoom(), socketUrl: signalingUrl, session: 'data' });
    wrapper.append(room);
    document.body.append(wrapper);
    cleanup.push(async () => {
      wrapper.remove();
      await room.leave();
    });
    const event = await joined;
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('`manual` waits for open()/join(); methods resolve with the join result', async () => {
    const roomId = uniqueRoom();
    const el = await fixture<RtcRoom>(
      html`<rtc-room
        manual
        room-id=${roomId}
        socket-url=${signalingUrl}
        session="data"
      ></rtc-room>`,
    );
    await el.updateComplete;
    expect(el.connection).to.equal(undefined);
    expect((await el.open()).opened).to.equal(true);
    const other = await fixture<RtcRoom>(
      html`<rtc-room
        manual
        room-id=${roomId}
        socket-url=${signalingUrl}
        session="data"
      ></rtc-room>`,
    );
    // Same server and room in one page share one engine connection.
    expect((await other.join()).opened).to.equal(true);
    expect(other.connection).to.equal(el.connection);
  });

  it('rejects with an RtcError and fires rtc-error with the same code', async () => {
    const el = await fixture<RtcRoom>(
      html`<rtc-room
        manual
        room-id=${uniqueRoom()}
        socket-url=${signalingUrl}
        session="data"
      ></rtc-room>`,
    );
    const fired = nextEvent(el, 'rtc-error');
    let error: RtcError | undefined;
    await el.join().catch((e: unknown) => (error = e as RtcError));
    expect(error?.name).to.equal('RtcError');
    expect(error?.code).to.equal('ROOM_NOT_FOUND');
    expect((await fired).detail.code).to.equal('ROOM_NOT_FOUND');
  });

  it('a room without room-id rejects with INVALID_STATE', async () => {
    const el = await fixture<RtcRoom>(html`<rtc-room socket-url=${signalingUrl}></rtc-room>`);
    let error: RtcError | undefined;
    await el.openOrJoin().catch((e: unknown) => (error = e as RtcError));
    expect(error?.code).to.equal('INVALID_STATE');
  });

  it('fires rtc-room-full and rejects ROOM_FULL past max-participants', async () => {
    const roomId = uniqueRoom();
    const owner = await fixture<RtcRoom>(
      html`<rtc-room
        room-id=${roomId}
        socket-url=${signalingUrl}
        session="data"
        max-participants="1"
      ></rtc-room>`,
    );
    await nextEvent(owner, 'rtc-joined');
    const second = peerConnection({ roomId, session: 'data' });
    cleanup.push(() => second.leave());
    await second.join();
    // Another URL for the same server, so the page's registry does not hand back the owner's connection.
    const sameServer = signalingUrl.replace('127.0.0.1', 'localhost');
    const third = await fixture<RtcRoom>(
      html`<rtc-room manual room-id=${roomId} socket-url=${sameServer} session="data"></rtc-room>`,
    );
    const full = nextEvent(third, 'rtc-room-full');
    let error: RtcError | undefined;
    await third.join().catch((e: unknown) => (error = e as RtcError));
    expect(error?.code).to.equal('ROOM_FULL');
    expect((await full).detail).to.deep.equal({ roomId });
  });

  it('send() reaches a peer as rtc-message, and rtc-message fires for what peers send', async () => {
    const roomId = uniqueRoom();
    const el = await fixture<RtcRoom>(
      html`<rtc-room room-id=${roomId} socket-url=${signalingUrl} session="data"></rtc-room>`,
    );
    await nextEvent(el, 'rtc-joined');
    const peer = peerConnection({ roomId, session: 'data' });
    cleanup.push(() => peer.leave());
    await peer.join();
    await waitUntil(() => el.connection?.connectedUserIds.length === 1, 'peer connected');
    const got = new Promise<unknown>((resolve) => {
      const off = peer.on('message', ({ data }) => {
        off();
        resolve(data);
      });
    });
    await el.send({ text: 'hi' });
    expect(await got).to.deep.equal({ text: 'hi' });
    const message = nextEvent(el, 'rtc-message');
    await peer.send('hello room');
    expect((await message).detail).to.deep.equal({ userId: peer.userId, data: 'hello room' });
  });

  it('an ice-servers entry the browser refuses is dropped: the call works, one rtc-error says so', async () => {
    const roomId = uniqueRoom();
    const errors: string[] = [];
    const el = await fixture<RtcRoom>(
      html`<rtc-room
        room-id=${roomId}
        socket-url=${signalingUrl}
        session="data"
        ice-servers='[{"urls":["stun:127.0.0.1:3478","stun:stun.l.google.com:19302?transport=udp"]}]'
        @rtc-error=${(e: CustomEvent<{ code: string; message: string }>) =>
          errors.push(`${e.detail.code}: ${e.detail.message}`)}
      ></rtc-room>`,
    );
    await nextEvent(el, 'rtc-joined');
    const peer = peerConnection({ roomId, session: 'data' });
    cleanup.push(() => peer.leave());
    await peer.join();
    await waitUntil(() => el.connection?.connectedUserIds.length === 1, 'peer connected', {
      timeout: 10000,
    });
    const got = new Promise<unknown>((resolve) => peer.on('message', ({ data }) => resolve(data)));
    await el.send('through');
    expect(await got).to.equal('through');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(
      /^INVALID_REQUEST: .*stun:stun\.l\.google\.com:19302\?transport=udp/,
    );
  });

  it('send() before joining rejects with INVALID_STATE and fires rtc-error', async () => {
    const el = await fixture<RtcRoom>(
      html`<rtc-room manual room-id=${uniqueRoom()} socket-url=${signalingUrl}></rtc-room>`,
    );
    const fired = nextEvent(el, 'rtc-error');
    let error: RtcError | undefined;
    await el.send('x').catch((e: unknown) => (error = e as RtcError));
    expect(error?.code).to.equal('INVALID_STATE');
    expect((await fired).detail.code).to.equal('INVALID_STATE');
  });

  it('leaves the room when removed from the page: peers see it, camera stops', async () => {
    const roomId = uniqueRoom();
    const el = await fixture<RtcRoom>(
      html`<rtc-room room-id=${roomId} socket-url=${signalingUrl}></rtc-room>`,
    );
    await nextEvent(el, 'rtc-joined');
    const peer = peerConnection({ roomId, session: 'data' });
    cleanup.push(() => peer.leave());
    await peer.join();
    const tracks = el.streams.flatMap((s) => s.stream.getTracks());
    const left = new Promise<void>((resolve) => peer.on('participant-left', () => resolve()));
    el.remove();
    await left;
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    expect(el.joined).to.equal(false);
  });

  it('moving the element within the page does not leave the room', async () => {
    const roomId = uniqueRoom();
    const parent = await fixture<HTMLDivElement>(
      html`<div>
        <rtc-room room-id=${roomId} socket-url=${signalingUrl} session="data"></rtc-room>
        <section></section>
      </div>`,
    );
    const el = parent.querySelector('rtc-room')!;
    await waitUntil(() => el.joined, 'joined');
    const connection = el.connection;
    parent.querySelector('section')!.append(el);
    await new Promise((resolve) => setTimeout(resolve));
    expect(el.connection).to.equal(connection);
    expect(connection?.state).to.equal('joined');
  });

  it('changing room-id leaves the old room and joins the new one', async () => {
    const first = uniqueRoom();
    const second = uniqueRoom();
    const el = await fixture<RtcRoom>(
      html`<rtc-room room-id=${first} socket-url=${signalingUrl} session="data"></rtc-room>`,
    );
    await nextEvent(el, 'rtc-joined');
    const rejoined = nextEvent(el, 'rtc-joined');
    el.roomId = second;
    expect((await rejoined).detail.roomId).to.equal(second);
  });

  it('reads extra and ice-servers from JSON attributes', async () => {
    const el = await fixture<RtcRoom>(
      html`<rtc-room
        manual
        extra='{"name":"Ada"}'
        ice-servers='[{"urls":"stun:127.0.0.1:3478"}]'
      ></rtc-room>`,
    );
    expect(el.extra).to.deep.equal({ name: 'Ada' });
    expect(el.iceServers).to.deep.equal([{ urls: 'stun:127.0.0.1:3478' }]);
  });
});
