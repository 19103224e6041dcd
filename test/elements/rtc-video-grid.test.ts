import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcRoom, RtcVideoGrid } from '../../src/elements/index.js';
import {
  decodes,
  nextEvent,
  peerConnection,
  signalingUrl,
  uniqueRoom,
} from '../support/in-page.js';

const videos = (grid: RtcVideoGrid) => [...grid.shadowRoot!.querySelectorAll('video')];
const tiles = (grid: RtcVideoGrid, type: 'local' | 'remote') =>
  videos(grid).filter((v) => v.dataset['streamType'] === type);

/** A page in a new room with a grid inside it, once joined. */
async function joinedGrid(): Promise<{ roomId: string; room: RtcRoom; grid: RtcVideoGrid }> {
  const roomId = uniqueRoom();
  const room = await fixture<RtcRoom>(html`
    <rtc-room room-id=${roomId} socket-url=${signalingUrl}
      ><rtc-video-grid></rtc-video-grid
    ></rtc-room>
  `);
  await nextEvent(room, 'rtc-joined');
  return { roomId, room, grid: room.querySelector('rtc-video-grid')! };
}

describe('<rtc-video-grid>', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((fn) => fn()));
  });

  it('shows the local camera muted and mirrored, labelled with the name from extra', async () => {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room
        room-id=${roomId}
        socket-url=${signalingUrl}
        user-id=${`u-${roomId}`}
        extra='{"name":"Ada"}'
      >
        <rtc-video-grid></rtc-video-grid>
      </rtc-room>
    `);
    const grid = room.querySelector('rtc-video-grid')!;
    await nextEvent(room, 'rtc-joined');
    await waitUntil(() => tiles(grid, 'local').length === 1, 'local tile');
    const [video] = tiles(grid, 'local');
    expect(video!.muted).to.equal(true);
    expect(video!.classList.contains('mirrored')).to.equal(true);
    expect(video!.dataset['userId']).to.equal(`u-${roomId}`);
    expect(video!.getAttribute('aria-label')).to.equal('Ada (you)');
    await decodes(video!);
    await expect(grid).to.be.accessible();
  });

  it('adds a decoding tile for each remote stream and removes it when the peer leaves', async () => {
    const { roomId, grid } = await joinedGrid();
    const bob = peerConnection({ roomId, extra: { name: 'Bob' } });
    const cy = peerConnection({ roomId, extra: { fullName: 'Cy' } });
    cleanup.push(
      () => bob.leave(),
      () => cy.leave(),
    );
    await bob.join();
    await cy.join();
    await waitUntil(() => tiles(grid, 'remote').length === 2, 'two remote tiles', {
      timeout: 15000,
    });
    for (const video of tiles(grid, 'remote')) {
      await decodes(video);
      expect(video.muted).to.equal(false);
      expect(video.classList.contains('mirrored')).to.equal(false);
    }
    const labels = tiles(grid, 'remote').map((v) => v.getAttribute('aria-label'));
    expect(labels.sort()).to.deep.equal(['Bob', 'Cy']);
    // Three tiles: a 2-column layout.
    const base = grid.shadowRoot!.querySelector('[part="base"]') as HTMLElement;
    expect(base.dataset['count']).to.equal('3');
    expect(base.style.getPropertyValue('--columns').trim()).to.equal('2');
    await expect(grid).to.be.accessible();
    await bob.leave();
    await waitUntil(() => tiles(grid, 'remote').length === 1, 'bob’s tile goes away');
    expect(tiles(grid, 'remote')[0]!.dataset['userId']).to.equal(cy.userId);
  });

  it('keeps playing tiles playing while the grid updates (no restart, no black frame)', async () => {
    const { roomId, grid } = await joinedGrid();
    const bob = peerConnection({ roomId, extra: { name: 'Bob' } });
    const cy = peerConnection({ roomId });
    cleanup.push(
      () => bob.leave(),
      () => cy.leave(),
    );
    await bob.join();
    await waitUntil(() => tiles(grid, 'remote').length === 1, 'bob’s tile', { timeout: 15000 });
    const [local] = tiles(grid, 'local');
    const [remote] = tiles(grid, 'remote');
    await decodes(local!);
    await decodes(remote!);
    // Assigning a <video> its own stream again runs the load algorithm: `emptied`, readyState 0,
    // videoWidth 0 until the next frame. Each grid update must leave playing tiles alone.
    const restarts: string[] = [];
    for (const video of [local!, remote!]) {
      video.addEventListener('emptied', () => restarts.push(video.dataset['streamType']!));
    }
    // Updates of every kind: someone joins with a new stream, an extra changes, plain re-renders.
    await cy.join();
    await waitUntil(() => tiles(grid, 'remote').length === 2, 'cy’s tile', { timeout: 15000 });
    bob.updateExtraData({ name: 'Bob B.' });
    await waitUntil(() => remote!.getAttribute('aria-label') === 'Bob B.', 'label updated');
    for (let i = 0; i < 5; i++) {
      grid.requestUpdate();
      await grid.updateComplete;
      expect(remote!.videoWidth, `frame width after update ${i}`).to.be.greaterThan(0);
    }
    expect(restarts).to.deep.equal([]);
    expect(tiles(grid, 'remote')[0]).to.equal(remote);
  });

  it('tiles follow a user taking a new id (a peer, and this page)', async () => {
    const { roomId, room, grid } = await joinedGrid();
    const bob = peerConnection({ roomId });
    cleanup.push(() => bob.leave());
    await bob.join();
    await waitUntil(() => tiles(grid, 'remote').length === 1, 'bob’s tile', { timeout: 15000 });
    const [remote] = tiles(grid, 'remote');
    await bob.changeUserId(`${roomId}-bob`);
    await waitUntil(() => remote!.dataset['userId'] === `${roomId}-bob`, 'the remote tile renamed');
    await room.changeUserId(`${roomId}-me`);
    await waitUntil(
      () => tiles(grid, 'local')[0]!.dataset['userId'] === `${roomId}-me`,
      'the local tile renamed',
    );
    // The same <video> elements: renaming does not restart them.
    expect(tiles(grid, 'remote')[0]).to.equal(remote);
  });

  it('follows a room named by id from outside it', async () => {
    const roomId = uniqueRoom();
    const wrapper = await fixture<HTMLDivElement>(html`
      <div>
        <rtc-video-grid room="outside-room"></rtc-video-grid>
        <rtc-room id="outside-room" room-id=${roomId} socket-url=${signalingUrl}></rtc-room>
      </div>
    `);
    const grid = wrapper.querySelector('rtc-video-grid')!;
    await waitUntil(() => tiles(grid, 'local').length === 1, 'local tile from the named room');
  });

  it('no-local-preview hides your own camera', async () => {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room room-id=${roomId} socket-url=${signalingUrl}
        ><rtc-video-grid no-local-preview></rtc-video-grid
      ></rtc-room>
    `);
    await nextEvent(room, 'rtc-joined');
    const grid = room.querySelector('rtc-video-grid')!;
    await grid.updateComplete;
    expect(videos(grid)).to.have.length(0);
    expect(grid.shadowRoot!.querySelector('slot[name="empty"]')!.hasAttribute('hidden')).to.equal(
      false,
    );
  });

  it('shows the empty slot until a stream arrives and clears when the room is left', async () => {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room room-id=${roomId} socket-url=${signalingUrl}>
        <rtc-video-grid><p slot="empty">Waiting</p></rtc-video-grid>
      </rtc-room>
    `);
    const grid = room.querySelector('rtc-video-grid')!;
    const empty = grid.shadowRoot!.querySelector('slot[name="empty"]')!;
    await waitUntil(() => tiles(grid, 'local').length === 1);
    expect(empty.hasAttribute('hidden')).to.equal(true);
    await room.leave();
    await waitUntil(() => videos(grid).length === 0, 'tiles removed after leave');
    expect(empty.hasAttribute('hidden')).to.equal(false);
  });

  it('two rooms on one page keep their own streams', async () => {
    const [r1, r2] = [uniqueRoom(), uniqueRoom()];
    const wrapper = await fixture<HTMLDivElement>(html`
      <div>
        <rtc-room room-id=${r1} socket-url=${signalingUrl} session="data"
          ><rtc-video-grid></rtc-video-grid
        ></rtc-room>
        <rtc-room room-id=${r2} socket-url=${signalingUrl}
          ><rtc-video-grid></rtc-video-grid
        ></rtc-room>
      </div>
    `);
    const [g1, g2] = [...wrapper.querySelectorAll('rtc-video-grid')];
    await waitUntil(() => tiles(g2!, 'local').length === 1);
    expect(videos(g1!)).to.have.length(0);
  });

  it('when the browser refuses sound without a gesture, plays muted and offers "Enable sound"', async () => {
    // Stand-in for a browser autoplay policy: unmuted playback is refused until a click.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is, called with .call
    const realPlay = HTMLMediaElement.prototype.play;
    let allowSound = false;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      if (!this.muted && !allowSound) {
        return Promise.reject(new DOMException('autoplay refused', 'NotAllowedError'));
      }
      return realPlay.call(this);
    };
    cleanup.push(async () => {
      HTMLMediaElement.prototype.play = realPlay;
    });
    const { roomId, grid } = await joinedGrid();
    const bob = peerConnection({ roomId });
    cleanup.push(() => bob.leave());
    await bob.join();
    await waitUntil(() => tiles(grid, 'remote').length === 1, 'remote tile');
    const button = grid.shadowRoot!.querySelector<HTMLButtonElement>('button[part="unmute"]')!;
    await waitUntil(() => !button.hidden, 'the enable-sound button shows');
    const [remote] = tiles(grid, 'remote');
    expect(remote!.muted).to.equal(true);
    await decodes(remote!, 'the remote video still plays, muted');
    allowSound = true;
    button.click();
    await waitUntil(() => button.hidden, 'the button goes away');
    expect(remote!.muted).to.equal(false);
    await expect(grid).to.be.accessible();
  });
});
