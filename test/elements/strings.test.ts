import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import { setStrings, type RtcRoom } from '../../src/elements/index.js';
import { nextEvent, peerConnection, signalingUrl, uniqueRoom } from '../support/in-page.js';

// German for every element, as a page would give it (only some phrases: the rest stay English).
setStrings('de', {
  'rtc-room': {
    joined: '{name} ist beigetreten',
    left: '{name} ist gegangen',
    audioOff: '{name}: Mikrofon stumm',
    audioOn: '{name}: Mikrofon an',
  },
  'rtc-chat': {
    send: 'Senden',
    placeholder: 'Nachricht schreiben',
    you: 'Du',
    unseen: { one: '{count} neue Nachricht', other: '{count} neue Nachrichten' },
  },
  'rtc-file-share': {
    pick: 'Dateien senden',
    drop: 'oder hier ablegen',
    sayReceived: '{file} von {name} empfangen',
    received: 'Empfangen',
  },
  'rtc-media-controls': { leave: 'Verlassen', mute: 'Mikrofon stumm schalten' },
  'rtc-screen-button': { share: 'Bildschirm teilen' },
  'rtc-user-status': { you: '(du)', online: 'online', owner: 'Gastgeber' },
  'rtc-video-grid': { you: '{name} (du)' },
});

const shadowText = (element: Element, selector: string) =>
  element.shadowRoot!.querySelector(selector)!.textContent.trim();

/** Every text a live region of the element showed, in order (each is announced once). */
function recordAnnouncements(element: Element): string[] {
  const said: string[] = [];
  const region = element.shadowRoot!.querySelector('[role="status"]')!;
  new MutationObserver(() => {
    const text = region.textContent.trim();
    if (text) said.push(text);
  }).observe(region, { childList: true, characterData: true, subtree: true });
  return said;
}

describe('strings in another language', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((fn) => fn()));
  });

  it("a room's elements show the page's strings for their lang, follow a change of lang, and take their own", async () => {
    const roomId = uniqueRoom();
    const wrapper = await fixture<HTMLElement>(html`
      <div lang="de">
        <rtc-room room-id=${roomId} socket-url=${signalingUrl} extra='{"name":"Ada"}'>
          <rtc-video-grid></rtc-video-grid>
          <rtc-user-status></rtc-user-status>
          <rtc-chat></rtc-chat>
          <rtc-file-share></rtc-file-share>
          <rtc-media-controls no-devices></rtc-media-controls>
        </rtc-room>
      </div>
    `);
    const room = wrapper.querySelector('rtc-room')!;
    cleanup.push(() => room.leave());
    await nextEvent(room, 'rtc-joined');
    const chat = room.querySelector('rtc-chat')!;
    const share = room.querySelector('rtc-file-share')!;
    const controls = room.querySelector('rtc-media-controls')!;
    const status = room.querySelector('rtc-user-status')!;
    const grid = room.querySelector('rtc-video-grid')!;
    await waitUntil(() => grid.shadowRoot!.querySelector('figcaption'), 'a tile');
    const german = () => ({
      send: shadowText(chat, '[part="send"]'),
      placeholder: chat.shadowRoot!.querySelector('input')!.placeholder,
      pick: shadowText(share, '[part="pick"]'),
      leave: shadowText(controls, '[part="leave"]'),
      mute: shadowText(controls, '[part="mic"]'),
      share: controls
        .shadowRoot!.querySelector('rtc-screen-button')!
        .shadowRoot!.querySelector('slot')!
        .textContent.trim(),
      you: shadowText(status, '[part="you"]'),
      owner: shadowText(status, '[part="owner"]'),
      tile: shadowText(grid, 'figcaption'),
      // Not translated by the page: English.
      camera: shadowText(controls, '[part="camera"]'),
    });
    expect(german()).to.deep.equal({
      send: 'Senden',
      placeholder: 'Nachricht schreiben',
      pick: 'Dateien senden',
      leave: 'Verlassen',
      mute: 'Mikrofon stumm schalten',
      share: 'Bildschirm teilen',
      you: '(du)',
      owner: 'Gastgeber',
      tile: 'Ada (du)',
      camera: 'Camera off',
    });
    await expect(chat).to.be.accessible();

    // A region of the language (de-AT) falls back to the language; another language to English.
    wrapper.lang = 'de-AT';
    await chat.updateComplete;
    expect(shadowText(chat, '[part="send"]')).to.equal('Senden');
    wrapper.lang = 'fr';
    await waitUntil(() => shadowText(chat, '[part="send"]') === 'Send', 'English again');
    expect(shadowText(share, '[part="pick"]')).to.equal('Send files');
    expect(shadowText(grid, 'figcaption')).to.equal('Ada (you)');

    // The element's own strings come first; and a language set later updates the page at once.
    chat.strings = { send: 'Envoyer' };
    await chat.updateComplete;
    expect(shadowText(chat, '[part="send"]')).to.equal('Envoyer');
    setStrings('fr', { 'rtc-file-share': { pick: 'Envoyer des fichiers' } });
    await share.updateComplete;
    expect(shadowText(share, '[part="pick"]')).to.equal('Envoyer des fichiers');
  });

  it('announces joins, leaves, mutes and an incoming file once each, in the room’s language', async () => {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room
        lang="de"
        room-id=${roomId}
        socket-url=${signalingUrl}
        session="audio data"
        extra='{"name":"Ada"}'
      >
        <rtc-file-share></rtc-file-share>
      </rtc-room>
    `);
    cleanup.push(() => room.leave());
    const share = room.querySelector('rtc-file-share')!;
    await nextEvent(room, 'rtc-joined');
    const roomSaid = recordAnnouncements(room);
    const shareSaid = recordAnnouncements(share);

    const bert = peerConnection({ roomId, session: 'audio data', extra: { name: 'Bert' } });
    await bert.join();
    await waitUntil(() => roomSaid.includes('Bert ist beigetreten'), 'join announced');
    await waitUntil(
      () => room.connection?.peerConnection(bert.userId)?.connectionState === 'connected',
    );
    await bert.mute('audio');
    await waitUntil(() => roomSaid.includes('Bert: Mikrofon stumm'), 'mute announced');
    await bert.unmute('audio');
    await waitUntil(() => roomSaid.includes('Bert: Mikrofon an'), 'unmute announced');

    const ended = nextEvent(room, 'rtc-file-end');
    bert.sendFile(new File(['hallo'], 'bericht.txt', { type: 'text/plain' }));
    await ended;
    await waitUntil(() => shareSaid.length > 0, 'file announced');
    await bert.leave();
    await waitUntil(() => roomSaid.includes('Bert ist gegangen'), 'leave announced');
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(roomSaid).to.deep.equal([
      'Bert ist beigetreten',
      'Bert: Mikrofon stumm',
      'Bert: Mikrofon an',
      'Bert ist gegangen',
    ]);
    expect(shareSaid).to.deep.equal(['bericht.txt von Bert empfangen']);
    await expect(room).to.be.accessible();
    await expect(share).to.be.accessible();
  });
});
