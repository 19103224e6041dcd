import { ContextProvider } from '@lit/context';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import { roomContext, type RtcRoom, type RtcUserStatus } from '../../src/elements/index.js';
import type { Participant, RoomConnection } from '../../src/engine/index.js';
import { nextEvent, peerConnection, signalingUrl, uniqueRoom } from '../support/in-page.js';

const people = (el: RtcUserStatus) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="person"]'),
];
const person = (el: RtcUserStatus, userId: string) =>
  people(el).find((p) => p.dataset['userId'] === userId);

describe('<rtc-user-status>', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((fn) => fn()));
  });

  it('lists you and the others, with names, the owner badge, mute state and offline people', async () => {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room
        room-id=${roomId}
        socket-url=${signalingUrl}
        user-id=${`me-${roomId}`}
        extra='{"name":"Ada"}'
      >
        <rtc-user-status></rtc-user-status>
      </rtc-room>
    `);
    const status = room.querySelector('rtc-user-status')!;
    await nextEvent(room, 'rtc-joined');
    const bob = peerConnection({ roomId, extra: { name: 'Bob' } });
    cleanup.push(() => bob.leave());
    await bob.join();
    await waitUntil(() => people(status).length === 2, 'two people');
    const me = person(status, `me-${roomId}`)!;
    expect(me.querySelector('[part="name"]')!.textContent).to.equal('Ada');
    expect(me.querySelector('[part="you"]')).to.not.equal(null);
    expect(me.querySelector('[part="owner"]')).to.not.equal(null);
    const them = person(status, bob.userId)!;
    expect(them.querySelector('[part="name"]')!.textContent).to.equal('Bob');
    expect(them.querySelector('[part="owner"]')).to.equal(null);
    expect(them.dataset['status']).to.equal('online');
    await expect(status).to.be.accessible();

    bob.mute('audio');
    await waitUntil(
      () =>
        person(status, bob.userId)!.querySelector('[part="mic"]')!.getAttribute('data-muted') ===
        'true',
    );
    expect(
      person(status, bob.userId)!.querySelector('[part="camera"]')!.getAttribute('data-muted'),
    ).to.equal('false');
    room.mute('video');
    await waitUntil(
      () =>
        person(status, `me-${roomId}`)!
          .querySelector('[part="camera"]')!
          .getAttribute('data-muted') === 'true',
    );

    await bob.leave();
    await waitUntil(
      () => person(status, bob.userId)?.dataset['status'] === 'offline',
      'bob shows offline',
    );
  });

  it('shows who is speaking from the audio level (the fake microphone plays a tone)', async () => {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room room-id=${roomId} socket-url=${signalingUrl} session="audio">
        <rtc-user-status></rtc-user-status>
      </rtc-room>
    `);
    const status = room.querySelector('rtc-user-status')!;
    await nextEvent(room, 'rtc-joined');
    const bob = peerConnection({ roomId, session: 'audio' });
    cleanup.push(() => bob.leave());
    await bob.join();
    await waitUntil(() => person(status, bob.userId)?.hasAttribute('data-speaking'), 'bob speaks', {
      timeout: 10000,
    });
    await waitUntil(
      () => person(status, room.connection!.userId)?.hasAttribute('data-speaking'),
      'you speak',
      { timeout: 10000 },
    );
    room.mute('audio');
    await waitUntil(
      () => !person(status, room.connection!.userId)?.hasAttribute('data-speaking'),
      'muted: silent',
      { timeout: 10000 },
    );
  });

  it('with user-id shows only that person', async () => {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room room-id=${roomId} socket-url=${signalingUrl} session="data">
        <rtc-user-status user-id="nobody"></rtc-user-status>
      </rtc-room>
    `);
    await nextEvent(room, 'rtc-joined');
    const status = room.querySelector('rtc-user-status')!;
    await status.updateComplete;
    expect(people(status)).to.have.length(0);
    status.userId = room.connection!.userId;
    await status.updateComplete;
    expect(people(status)).to.have.length(1);
  });

  it('renders 50 people quickly and accessibly', async () => {
    // A stand-in connection (this checks rendering at scale; presence itself is proven above).
    const participants: Participant[] = Array.from({ length: 49 }, (_, i) => ({
      userId: `user-${i}`,
      extra: { name: `Person ${i}` },
    }));
    const fake = {
      userId: 'me',
      extra: { name: 'Me' },
      state: 'joined',
      owner: 'user-0',
      participants,
      streams: [],
      muteState: (id: string) => ({ audio: id.endsWith('1'), video: false }),
      on: () => () => undefined,
    } as unknown as RoomConnection;
    const host = await fixture<HTMLDivElement>(
      html`<div><rtc-user-status></rtc-user-status></div>`,
    );
    new ContextProvider(host, { context: roomContext, initialValue: fake });
    const status = host.querySelector('rtc-user-status')!;
    status.remove();
    const started = performance.now();
    host.append(status);
    await waitUntil(() => people(status).length === 50, '50 people');
    expect(performance.now() - started).to.be.below(2000);
    expect(person(status, 'user-0')!.querySelector('[part="owner"]')).to.not.equal(null);
    expect(
      person(status, 'user-1')!.querySelector('[part="mic"]')!.getAttribute('data-muted'),
    ).to.equal('true');
    await expect(status).to.be.accessible();
  });
});
