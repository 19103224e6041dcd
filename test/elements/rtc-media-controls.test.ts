import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcMediaControls, RtcRoom } from '../../src/elements/index.js';
import { nextEvent, signalingUrl, uniqueRoom } from '../support/in-page.js';

const part = (el: RtcMediaControls, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<rtc-media-controls>', () => {
  it('toggles microphone and camera, reflecting and announcing the state', async () => {
    const room = await fixture<RtcRoom>(html`
      <rtc-room room-id=${uniqueRoom()} socket-url=${signalingUrl}
        ><rtc-media-controls></rtc-media-controls
      ></rtc-room>
    `);
    const el = room.querySelector('rtc-media-controls')!;
    await nextEvent(room, 'rtc-joined');
    await el.updateComplete;
    const mic = part(el, 'mic') as HTMLButtonElement;
    const camera = part(el, 'camera') as HTMLButtonElement;
    expect(mic.getAttribute('aria-pressed')).to.equal('false');
    mic.click();
    await waitUntil(() => mic.getAttribute('aria-pressed') === 'true', 'mic pressed');
    expect(room.connection!.muteState()).to.deep.equal({ audio: true, video: false });
    const local = room.streams.find((s) => s.type === 'local')!;
    expect(local.stream.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain(
      'Microphone muted',
    );
    camera.click();
    await waitUntil(() => camera.getAttribute('aria-pressed') === 'true', 'camera pressed');
    expect(local.stream.getVideoTracks()[0]!.enabled).to.equal(false);
    mic.click();
    await waitUntil(() => mic.getAttribute('aria-pressed') === 'false');
    expect(local.stream.getAudioTracks()[0]!.enabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('lists devices to pick from and leaves the room', async () => {
    const room = await fixture<RtcRoom>(html`
      <rtc-room room-id=${uniqueRoom()} socket-url=${signalingUrl}
        ><rtc-media-controls></rtc-media-controls
      ></rtc-room>
    `);
    const el = room.querySelector('rtc-media-controls')!;
    await nextEvent(room, 'rtc-joined');
    await waitUntil(() => part(el, 'camera-select') !== null, 'camera picker');
    const select = part(el, 'camera-select') as HTMLSelectElement;
    expect(select.options.length).to.be.greaterThan(0);
    expect(part(el, 'mic-select')).to.not.equal(null);
    (part(el, 'leave') as HTMLButtonElement).click();
    await waitUntil(() => !room.joined, 'left');
  });

  it('optional parts can be hidden', async () => {
    const room = await fixture<RtcRoom>(html`
      <rtc-room manual room-id=${uniqueRoom()} socket-url=${signalingUrl}>
        <rtc-media-controls no-devices no-screen no-leave></rtc-media-controls>
      </rtc-room>
    `);
    const el = room.querySelector('rtc-media-controls')!;
    await el.updateComplete;
    expect(part(el, 'devices')).to.equal(null);
    expect(part(el, 'screen')).to.equal(null);
    expect(part(el, 'leave')).to.equal(null);
  });
});
