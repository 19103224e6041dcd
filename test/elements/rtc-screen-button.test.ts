import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcRoom, RtcScreenButton } from '../../src/elements/index.js';
import type { RoomConnection } from '../../src/engine/index.js';
import { nextEvent, peerConnection, signalingUrl, uniqueRoom } from '../support/in-page.js';

const button = (el: RtcScreenButton) => el.shadowRoot!.querySelector('button')!;

async function setup(mode = '') {
  const roomId = uniqueRoom();
  const room = await fixture<RtcRoom>(html`
    <rtc-room room-id=${roomId} socket-url=${signalingUrl}>
      <rtc-screen-button mode=${mode || 'extra'}></rtc-screen-button>
    </rtc-room>
  `);
  const el = room.querySelector('rtc-screen-button')!;
  await nextEvent(room, 'rtc-joined');
  const peer = peerConnection({ roomId });
  await peer.join();
  await waitUntil(() => peer.streams.some((s) => s.type === 'remote'), 'peer receives the camera');
  return { room, el, peer };
}

const remoteScreens = (peer: RoomConnection) =>
  peer.streams.filter((s) => s.type === 'remote' && s.isScreen);

describe('<rtc-screen-button>', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((fn) => fn()));
  });

  it('is disabled until its room is joined', async () => {
    const room = await fixture<RtcRoom>(html`
      <rtc-room manual room-id=${uniqueRoom()} socket-url=${signalingUrl} session="data">
        <rtc-screen-button></rtc-screen-button>
      </rtc-room>
    `);
    const el = room.querySelector('rtc-screen-button')!;
    await el.updateComplete;
    expect(button(el).disabled).to.equal(true);
    await room.open();
    await waitUntil(() => !button(el).disabled, 'enabled once joined');
    await expect(el).to.be.accessible();
  });

  it('shares the screen as an extra stream and stops it, reflecting the state', async () => {
    const { el, peer } = await setup();
    cleanup.push(() => peer.leave());
    button(el).click();
    await waitUntil(() => el.sharing, 'sharing');
    expect(button(el).getAttribute('aria-pressed')).to.equal('true');
    expect(el.hasAttribute('sharing')).to.equal(true);
    await waitUntil(() => remoteScreens(peer).length === 1, 'the peer receives a screen stream');
    button(el).click();
    await waitUntil(() => !el.sharing, 'stopped');
    await waitUntil(() => remoteScreens(peer).length === 0, 'the peer drops it');
    expect(button(el).getAttribute('aria-pressed')).to.equal('false');
  });

  it('stops when the browser ends the share (its own "stop sharing" control)', async () => {
    const { room, el, peer } = await setup();
    cleanup.push(() => peer.leave());
    button(el).click();
    await waitUntil(() => el.sharing);
    const screen = room.streams.find((s) => s.type === 'local' && s.isScreen)!;
    const [track] = screen.stream.getVideoTracks();
    track!.stop();
    track!.dispatchEvent(new Event('ended'));
    await waitUntil(() => !el.sharing, 'no longer sharing');
    await waitUntil(() => remoteScreens(peer).length === 0, 'the peer drops it');
  });

  it('mode="replace" sends the screen in place of the camera, and back', async () => {
    const { el, peer } = await setup('replace');
    cleanup.push(() => peer.leave());
    const camera = peer.streams.find((s) => s.type === 'remote')!;
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = camera.stream;
    void video.play();
    // The fake camera is 4:3 and the fake screen 16:9; the encoder may scale either down while
    // bandwidth estimation ramps up, so tell them apart by shape.
    const ratio = () => (video.videoHeight ? video.videoWidth / video.videoHeight : 0);
    await waitUntil(() => Math.abs(ratio() - 4 / 3) < 0.05, 'camera frames', { timeout: 10000 });
    button(el).click();
    await waitUntil(() => Math.abs(ratio() - 16 / 9) < 0.05, 'screen frames on the camera track', {
      timeout: 10000,
    });
    expect(remoteScreens(peer)).to.have.length(0);
    button(el).click();
    await waitUntil(() => Math.abs(ratio() - 4 / 3) < 0.05, 'camera again', { timeout: 10000 });
    expect(el.sharing).to.equal(false);
  });

  it('closing the picker is not an error', async () => {
    const { room, el, peer } = await setup();
    cleanup.push(() => peer.leave());
    const devices = navigator.mediaDevices;
    const real = Object.getOwnPropertyDescriptor(MediaDevices.prototype, 'getDisplayMedia')!;
    Object.defineProperty(devices, 'getDisplayMedia', {
      configurable: true,
      value: () => Promise.reject(new DOMException('dismissed', 'NotAllowedError')),
    });
    cleanup.push(async () => {
      delete (devices as unknown as Record<string, unknown>)['getDisplayMedia'];
      Object.defineProperty(MediaDevices.prototype, 'getDisplayMedia', real);
    });
    const errors: string[] = [];
    room.addEventListener('rtc-error', (e) => errors.push(e.detail.code));
    el.addEventListener('rtc-error', (e) => errors.push(e.detail.code));
    button(el).click();
    await waitUntil(() => !button(el).disabled, 'settled');
    expect(el.sharing).to.equal(false);
    expect(errors).to.deep.equal([]);
  });
});
