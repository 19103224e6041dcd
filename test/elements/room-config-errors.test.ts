import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { RtcRoom } from '../../src/elements/index.js';
import { nextEvent, signalingUrl, uniqueRoom } from '../support/in-page.js';

interface ErrorDetail {
  code: string;
  message: string;
}

// Configuration mistakes a framework app makes: the bundle built into the app (no signaling server
// served it) without `socket-url`, and an object bound as an attribute ("[object Object]").
describe('<rtc-room> configuration errors', () => {
  const rooms: RtcRoom[] = [];
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((room) => room.leave().catch(() => undefined)));
  });

  it('without socket-url, a bundle not served by a signaling server fires rtc-error naming socket-url and connects nowhere', async () => {
    // Here the elements come from the test server's /src/, as an app's build would serve them.
    const room = document.createElement('rtc-room');
    room.roomId = uniqueRoom();
    room.session = 'data';
    rooms.push(room);
    const fired = nextEvent(room, 'rtc-error');
    document.body.append(room);
    const { detail } = (await fired) as CustomEvent<ErrorDetail>;
    room.remove();
    expect(detail.code).to.equal('INVALID_STATE');
    expect(detail.message).to.contain('socket-url');
    expect(room.connection).to.equal(undefined);
    expect(room.connectionState).to.not.equal('connected');
  });

  for (const [attribute, property] of [
    ['ice-servers', 'iceServers'],
    ['extra', 'extra'],
    ['media-constraints', 'mediaConstraints'],
    ['socket-query', 'socketQuery'],
  ] as const) {
    it(`an object written to the ${attribute} attribute fires rtc-error INVALID_REQUEST naming the ${property} property`, async () => {
      const room = await fixture<RtcRoom>(
        html`<rtc-room manual room-id=${uniqueRoom()} socket-url=${signalingUrl}></rtc-room>`,
      );
      rooms.push(room);
      const errors: ErrorDetail[] = [];
      room.addEventListener('rtc-error', (e) =>
        errors.push((e as CustomEvent<ErrorDetail>).detail),
      );
      // What Vue's `:ice-servers="[...]"` or a server render does with an object: String(object).
      room.setAttribute(attribute, '[object Object]');
      await Promise.resolve();
      await room.updateComplete;
      expect(errors).to.have.length(1);
      expect(errors[0]!.code).to.equal('INVALID_REQUEST');
      expect(errors[0]!.message).to.contain(attribute).and.to.contain(`${property} property`);
      expect(room[property]).to.equal(undefined);
    });
  }

  it('valid JSON in an attribute sets the property and fires nothing', async () => {
    const room = await fixture<RtcRoom>(
      html`<rtc-room manual room-id=${uniqueRoom()} socket-url=${signalingUrl}></rtc-room>`,
    );
    rooms.push(room);
    let fired = 0;
    room.addEventListener('rtc-error', () => fired++);
    room.setAttribute('ice-servers', '[{"urls":"stun:stun.example.org"}]');
    room.setAttribute('extra', '{"name":"Ada"}');
    await Promise.resolve();
    await room.updateComplete;
    expect(fired).to.equal(0);
    expect(room.iceServers).to.deep.equal([{ urls: 'stun:stun.example.org' }]);
    expect(room.extra).to.deep.equal({ name: 'Ada' });
  });
});
