import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcFileShare, RtcRoom } from '../../src/elements/index.js';
import type { RoomConnection } from '../../src/engine/index.js';
import { nextEvent, peerConnection, signalingUrl, uniqueRoom } from '../support/in-page.js';

const rows = (share: RtcFileShare) => [
  ...share.shadowRoot!.querySelectorAll<HTMLElement>('[part="transfer"]'),
];

const text = (row: HTMLElement, part: string) =>
  row.querySelector(`[part="${part}"]`)!.textContent.replace(/\s+/g, ' ').trim();

describe('<rtc-file-share>', () => {
  const peers: RoomConnection[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.leave()));
  });

  async function shareRoom(attributes = '') {
    const roomId = uniqueRoom();
    const room = await fixture<RtcRoom>(html`
      <rtc-room room-id=${roomId} socket-url=${signalingUrl} session="data">
        <rtc-file-share></rtc-file-share>
      </rtc-room>
    `);
    const share = room.querySelector('rtc-file-share')!;
    for (const [name, value] of new URLSearchParams(attributes)) share.setAttribute(name, value);
    await nextEvent(room, 'rtc-joined');
    const peer = peerConnection({ roomId, session: 'data', extra: { name: 'Bob' } });
    peers.push(peer);
    await peer.join();
    await waitUntil(() => room.connection!.connectedUserIds.length === 1, 'connected');
    return { room, share, peer };
  }

  it('sends a File, an array or a FileList, shows each transfer and is accessible', async () => {
    const { share, peer } = await shareRoom();
    const got: string[] = [];
    peer.files.on('file-end', ({ name, direction }) => direction === 'receive' && got.push(name));
    const ids = await share.send([new File(['a'], 'a.txt'), new File(['bb'], 'b.txt')]);
    expect(ids).to.have.length(2);
    await waitUntil(() => got.length === 2, 'both arrive', { timeout: 10000 });
    await waitUntil(() => rows(share).every((r) => r.dataset['state'] === 'done'), 'both done');
    expect(rows(share).map((r) => text(r, 'meta'))).to.deep.equal(['to Bob · 1 B', 'to Bob · 2 B']);
    await expect(share).to.be.accessible();
    share.clear();
    await share.updateComplete;
    expect(rows(share)).to.have.length(0);
  });

  it('lists incoming files with a download link and the sender name, and can ask first', async () => {
    const { room, share, peer } = await shareRoom('ask-before-receive=');
    expect(share.askBeforeReceive).to.equal(true);
    peer.sendFile(
      new File(['hello'], 'hello.txt', { type: 'text/plain' }),
      room.connection!.userId,
    );
    await waitUntil(() => rows(share)[0]?.dataset['state'] === 'offered', 'offered');
    await expect(share).to.be.accessible();
    share.shadowRoot!.querySelector<HTMLButtonElement>('[part="accept"]')!.click();
    await waitUntil(() => rows(share)[0]?.dataset['state'] === 'done', 'received');
    const link = share.shadowRoot!.querySelector<HTMLAnchorElement>('[part="download"]')!;
    expect(link.download).to.equal('hello.txt');
    expect(await (await fetch(link.href)).text()).to.equal('hello');
    expect(text(rows(share)[0]!, 'meta')).to.equal('from Bob · 5 B');
  });

  it('the pick button opens the file dialog; send() before joining is a clear error', async () => {
    const share = await fixture<RtcFileShare>(html`<rtc-file-share></rtc-file-share>`);
    let error: unknown;
    try {
      await share.send(new File(['x'], 'x.txt'));
    } catch (e) {
      error = e;
    }
    expect((error as { code: string }).code).to.equal('INVALID_STATE');
    const input = share.shadowRoot!.querySelector('input[type="file"]')!;
    let opened = false;
    input.addEventListener('click', (e) => {
      opened = true;
      e.preventDefault();
    });
    share.pick();
    expect(opened).to.equal(true);
  });
});
