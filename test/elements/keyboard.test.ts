import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/index.js';
import type { RtcRoom } from '../../src/elements/index.js';
import { nextEvent, signalingUrl, uniqueRoom } from '../support/in-page.js';

/** The focused element, inside shadow roots. */
function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** The element's `part` (or tag) and the host it is in, to name where focus is. */
function where(element: Element | null): string {
  if (!element) return 'nothing';
  const host = (element.getRootNode() as Partial<ShadowRoot>).host;
  const name = element.getAttribute('part') ?? element.localName;
  return host ? `${host.localName} ${name}` : name;
}

// Keyboard users: every control of a room's elements is reached with Tab, shows a focus ring
// there, and works with the keyboard.
describe('keyboard', () => {
  it('Tab reaches every control, each with a visible focus ring; Space presses a toggle', async () => {
    const roomId = uniqueRoom();
    const page = await fixture<HTMLElement>(html`
      <div>
        <button id="before">before</button>
        <rtc-room room-id=${roomId} socket-url=${signalingUrl} session="audio video data">
          <rtc-media-controls no-devices></rtc-media-controls>
          <rtc-chat></rtc-chat>
          <rtc-file-share></rtc-file-share>
        </rtc-room>
      </div>
    `);
    const room = page.querySelector<RtcRoom>('rtc-room')!;
    await nextEvent(room, 'rtc-joined');
    const controls = room.querySelector('rtc-media-controls')!;
    await waitUntil(
      () => !controls.shadowRoot!.querySelector<HTMLButtonElement>('[part="mic"]')!.disabled,
      'controls enabled',
    );
    page.querySelector<HTMLButtonElement>('#before')!.focus();

    const reached: string[] = [];
    const rings: string[] = [];
    for (let i = 0; i < 9; i++) {
      await sendKeys({ press: 'Tab' });
      const element = focused();
      reached.push(where(element));
      const style = element ? getComputedStyle(element) : undefined;
      const ring =
        style &&
        ((style.outlineStyle !== 'none' && style.outlineWidth !== '0px') ||
          style.boxShadow !== 'none');
      if (!ring) rings.push(where(element));
    }
    expect(reached).to.deep.equal([
      'rtc-media-controls mic',
      'rtc-media-controls camera',
      'rtc-screen-button base',
      'rtc-media-controls leave',
      'rtc-chat log',
      'rtc-chat input',
      'rtc-chat send',
      'rtc-file-share pick',
      'body',
    ]);
    expect(
      rings.filter((name) => name !== 'body'),
      'controls without a focus ring',
    ).to.deep.equal([]);

    // Back to the microphone toggle, and Space presses it.
    const mic = controls.shadowRoot!.querySelector<HTMLButtonElement>('[part="mic"]')!;
    mic.focus();
    await sendKeys({ press: 'Space' });
    await waitUntil(() => mic.getAttribute('aria-pressed') === 'true', 'muted by Space');
    expect(room.connection!.muteState().audio).to.equal(true);
    await room.leave();
  });
});
