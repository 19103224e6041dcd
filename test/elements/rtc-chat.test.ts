import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcChat, RtcRoom } from '../../src/elements/index.js';
import { nextEvent, peerConnection, signalingUrl, uniqueRoom } from '../support/in-page.js';

const messages = (chat: RtcChat) => [
  ...chat.shadowRoot!.querySelectorAll<HTMLElement>('[part="message"]'),
];
const log = (chat: RtcChat) => chat.shadowRoot!.querySelector<HTMLElement>('[part="log"]')!;
const jump = (chat: RtcChat) => chat.shadowRoot!.querySelector<HTMLButtonElement>('[part="jump"]')!;

async function chatRoom() {
  const roomId = uniqueRoom();
  const room = await fixture<RtcRoom>(html`
    <rtc-room room-id=${roomId} socket-url=${signalingUrl} session="data">
      <rtc-chat style="--rtc-chat-height: 120px"></rtc-chat>
    </rtc-room>
  `);
  await nextEvent(room, 'rtc-joined');
  const peer = peerConnection({ roomId, session: 'data', extra: { name: 'Bob' } });
  await peer.join();
  await waitUntil(() => room.connection!.connectedUserIds.length === 1, 'connected');
  await waitUntil(() => peer.connectedUserIds.length === 1, 'peer connected');
  return { room, chat: room.querySelector('rtc-chat')!, peer };
}

describe('<rtc-chat>', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((fn) => fn()));
  });

  it('shows messages with sender names and times, and sends what you type', async () => {
    const { chat, peer } = await chatRoom();
    cleanup.push(() => peer.leave());
    await peer.send('hello from Bob');
    await waitUntil(() => messages(chat).length === 1, 'message shown');
    const [first] = messages(chat);
    expect(first!.querySelector('[part="sender"]')!.textContent).to.equal('Bob');
    expect(first!.querySelector('[part="text"]')!.textContent).to.equal('hello from Bob');
    expect(first!.querySelector('time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);

    const got = new Promise<unknown>((resolve) => peer.on('message', ({ data }) => resolve(data)));
    const input = chat.shadowRoot!.querySelector('input')!;
    input.value = 'hi Bob';
    chat.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    expect(await got).to.equal('hi Bob');
    await waitUntil(() => messages(chat).length === 2);
    expect(messages(chat)[1]!.hasAttribute('data-self')).to.equal(true);
    expect(input.value).to.equal('');
    await expect(chat).to.be.accessible();
  });

  it('renders text as text, never as HTML', async () => {
    const { chat, peer } = await chatRoom();
    cleanup.push(() => peer.leave());
    const hostile = '<img src=x onerror="window.__pwned = 1"><b>bold</b>';
    await peer.send(hostile);
    await waitUntil(() => messages(chat).length === 1);
    const text = messages(chat)[0]!.querySelector('[part="text"]')!;
    expect(text.textContent).to.equal(hostile);
    expect(text.querySelector('img, b')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('ignores non-text messages (JSON and binary belong to the app)', async () => {
    const { chat, peer } = await chatRoom();
    cleanup.push(() => peer.leave());
    await peer.send({ type: 'cursor', x: 1 });
    await peer.send(new Uint8Array([1, 2, 3]));
    await peer.send('after');
    await waitUntil(() => messages(chat).length === 1);
    expect(messages(chat)[0]!.querySelector('[part="text"]')!.textContent).to.equal('after');
  });

  it('keeps a reader who scrolled up where they are, and follows at the bottom', async () => {
    const { chat, peer } = await chatRoom();
    cleanup.push(() => peer.leave());
    for (let i = 0; i < 30; i++) await peer.send(`message ${i}`);
    await waitUntil(() => messages(chat).length === 30);
    await chat.updateComplete;
    const list = log(chat);
    expect(list.scrollHeight - list.scrollTop - list.clientHeight).to.be.below(
      2,
      'followed to the bottom',
    );
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    await peer.send('while reading');
    await waitUntil(() => messages(chat).length === 31);
    await chat.updateComplete;
    expect(list.scrollTop).to.equal(0);
    expect(jump(chat).hidden).to.equal(false);
    expect(jump(chat).textContent.trim()).to.equal('1 new message');
    jump(chat).click();
    await chat.updateComplete;
    expect(list.scrollHeight - list.scrollTop - list.clientHeight).to.be.below(2);
    expect(jump(chat).hidden).to.equal(true);
  });

  it('is disabled until the room is joined', async () => {
    const room = await fixture<RtcRoom>(html`
      <rtc-room manual room-id=${uniqueRoom()} socket-url=${signalingUrl} session="data"
        ><rtc-chat></rtc-chat
      ></rtc-room>
    `);
    const chat = room.querySelector('rtc-chat')!;
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('input')!.disabled).to.equal(true);
    await room.open();
    await waitUntil(
      () => !chat.shadowRoot!.querySelector('input')!.disabled,
      'enabled once joined',
    );
  });
});
