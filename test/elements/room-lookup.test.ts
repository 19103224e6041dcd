import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcRoom } from '../../src/elements/index.js';
import { nextEvent, signalingUrl, uniqueRoom } from '../support/in-page.js';

/**
 * Elements outside a room follow the `<rtc-room>` their `room` attribute names: whenever it
 * changes, and also when it is set after the element joined the page but before its first render
 * (what templating libraries do).
 */
describe('elements follow the room they name', () => {
  async function twoRooms(): Promise<{ page: HTMLDivElement; a: RtcRoom; b: RtcRoom }> {
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <rtc-room id="lookup-a" room-id=${uniqueRoom()} socket-url=${signalingUrl}></rtc-room>
        <rtc-room id="lookup-b" room-id=${uniqueRoom()} socket-url=${signalingUrl}></rtc-room>
      </div>
    `);
    const [a, b] = [...page.querySelectorAll('rtc-room')] as [RtcRoom, RtcRoom];
    for (const room of [a, b]) if (!room.joined) await nextEvent(room, 'rtc-joined');
    return { page, a, b };
  }

  it('<rtc-media-controls> named after it joined the page, before it rendered', async () => {
    const { page, a, b } = await twoRooms();
    const controls = document.createElement('rtc-media-controls');
    page.append(controls);
    controls.setAttribute('room', 'lookup-b');
    await controls.updateComplete;
    const mic = () => controls.shadowRoot!.querySelector<HTMLButtonElement>('[part~="mic"]');
    await waitUntil(() => mic() !== null, 'the mic button');
    mic()!.click();
    await waitUntil(() => b.connection!.muteState().audio, 'room b muted');
    expect(a.connection!.muteState().audio).to.equal(false);
  });

  it('<rtc-media-controls> follows a change of room', async () => {
    const { page, a, b } = await twoRooms();
    const controls = document.createElement('rtc-media-controls');
    controls.setAttribute('room', 'lookup-a');
    page.append(controls);
    await controls.updateComplete;
    controls.setAttribute('room', 'lookup-b');
    await controls.updateComplete;
    controls.shadowRoot!.querySelector<HTMLButtonElement>('[part~="mic"]')!.click();
    await waitUntil(() => b.connection!.muteState().audio, 'room b muted');
    expect(a.connection!.muteState().audio).to.equal(false);
  });

  it('<rtc-screen-button> follows a change of room', async () => {
    const { page, b } = await twoRooms();
    const button = document.createElement('rtc-screen-button');
    button.room = 'lookup-a';
    page.append(button);
    await button.updateComplete;
    button.room = 'lookup-b';
    await button.updateComplete;
    expect(await b.connection!.shareScreen()).to.equal(true);
    await waitUntil(() => button.sharing, 'the button shows room b sharing');
  });

  it('<rtc-video-grid> named after it joined the page, before it rendered', async () => {
    const { page, b } = await twoRooms();
    const grid = document.createElement('rtc-video-grid');
    page.append(grid);
    grid.room = 'lookup-b';
    const local = () =>
      [...grid.shadowRoot!.querySelectorAll('video')].filter(
        (v) => v.dataset['streamType'] === 'local',
      );
    await waitUntil(() => local().length === 1, 'room b’s local tile');
    const stream = b.streams.find((s) => s.type === 'local')!.stream;
    expect(local()[0]!.srcObject).to.equal(stream);
  });
});
