import { expect } from '@open-wc/testing';
import { Engine } from '../../src/engine/index.js';
import { signalingUrl, uniqueRoom } from '../support/in-page.js';

describe('engine: registry', () => {
  it('shares one connection per server + room and leaves when the last user releases it', async () => {
    const engine = new Engine();
    const roomId = uniqueRoom();
    const first = engine.acquire({ socketUrl: signalingUrl, roomId, session: 'data' });
    const second = engine.acquire({ socketUrl: `${signalingUrl}/`, roomId, session: 'data' });
    expect(second).to.equal(first);
    const other = engine.acquire({
      socketUrl: signalingUrl,
      roomId: uniqueRoom(),
      session: 'data',
    });
    expect(other).to.not.equal(first);
    expect(engine.rooms).to.have.length(2);
    await first.open();
    await engine.release(first);
    expect(first.state).to.equal('joined');
    await engine.release(second);
    expect(first.state).to.equal('left');
    expect(engine.get(signalingUrl, roomId)).to.equal(undefined);
    await engine.release(other);
    expect(engine.rooms).to.have.length(0);
  });

  it('keys rooms by server too', () => {
    expect(Engine.key('http://a.test:1/', 'r')).to.equal(Engine.key('http://a.test:1', 'r'));
    expect(Engine.key('http://a.test:1', 'r')).to.not.equal(Engine.key('http://b.test:1', 'r'));
  });
});
