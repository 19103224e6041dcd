import { expect, waitUntil } from '@open-wc/testing';
import { RTCMultiConnection, roomFromLocation } from '../../src/compat/rtcmulticonnection.js';
import { signalingUrl, uniqueRoom } from '../support/in-page.js';

/** A data-only connection as a v3 page sets one up (file sharing on, no logs). */
function dataConnection(): RTCMultiConnection {
  const connection = new RTCMultiConnection();
  connection.socketURL = `${signalingUrl}/`;
  connection.session = { data: true };
  connection.enableFileSharing = true;
  connection.enableLogs = false;
  return connection;
}

/** Runs a v3 method that calls back with `(ok, ...)`; resolves to `ok`. */
const settled = (run: (callback: (...args: unknown[]) => void) => void) =>
  new Promise<unknown>((resolve) => run((ok) => resolve(ok)));

describe('RTCMultiConnection (compat) as RTCMultiConnection 3.7.1 pages observe it', () => {
  const connections: RTCMultiConnection[] = [];
  afterEach(() => connections.splice(0).forEach((c) => c.leave()));

  async function pair(): Promise<[RTCMultiConnection, RTCMultiConnection]> {
    const roomId = uniqueRoom('compat');
    const a = dataConnection();
    const b = dataConnection();
    connections.push(a, b);
    expect(await settled((done) => a.open(roomId, done))).to.equal(true);
    return [a, b];
  }

  it('derives the room (and channel) from the address as 3.7.1 does, keeping "-" and "_"', () => {
    expect(
      roomFromLocation('https://example.com:9001/demos/custom-socket-event.html?a=b#x_y'),
    ).to.equal('httpsexamplecom9001demoscustom-socket-eventhtmla=bx_y');
    // The test page's own address has a "-" (?wtr-session-id=...).
    expect(location.href).to.contain('-');
    const connection = new RTCMultiConnection();
    expect(connection.channel).to.equal(connection.sessionid);
    expect(connection.channel).to.equal(
      location.href.replace(/\/|:|#|\?|\$|\^|%|\.|`|~|!|\+|@|\[|\||]|\|*. /g, ''),
    );
  });

  it('onUserStatusChanged(online) comes once per arrival, when the peer counts in getAllParticipants()', async () => {
    const [a, b] = await pair();
    // What v3 demos do: show the number of participants from this callback.
    const counts: number[] = [];
    a.onUserStatusChanged = () => counts.push(a.getAllParticipants().length);
    expect(await settled((done) => b.join(a.sessionid, done))).to.equal(true);
    await waitUntil(() => counts.includes(1), 'a status change sees the participant', {
      timeout: 10000,
    });
    await waitUntil(() => a.peers[b.userid]?.peer?.connectionState === 'connected', 'connected', {
      timeout: 10000,
    });
    expect(counts).to.deep.equal([1]);
  });

  it('a page that opened its own room and then joins another sends its camera there', async () => {
    // call-by-username: everyone opens a room named after themselves, then calls someone.
    const callee = new RTCMultiConnection();
    const caller = new RTCMultiConnection();
    connections.push(callee, caller);
    for (const c of [callee, caller]) {
      c.socketURL = `${signalingUrl}/`;
      c.session = { audio: true, video: true };
      c.mediaConstraints = { audio: true, video: { width: 160, height: 120 } };
      c.enableLogs = false;
      c.autoCreateMediaElement = false;
    }
    const remoteAtCallee: MediaStream[] = [];
    callee.onstream = (event) => {
      if (event.type === 'remote') remoteAtCallee.push(event.stream);
    };
    // The demo stops capturing once it has its camera.
    caller.onstream = (event) => {
      if (event.type === 'local') caller.dontCaptureUserMedia = true;
    };
    expect(await settled((done) => callee.open(uniqueRoom('callee'), done))).to.equal(true);
    expect(await settled((done) => caller.open(uniqueRoom('caller'), done))).to.equal(true);
    expect(await settled((done) => caller.join(callee.sessionid, done))).to.equal(true);
    await waitUntil(
      () => remoteAtCallee.some((s) => s.getVideoTracks().some((t) => t.readyState === 'live')),
      "the caller's camera reaches the callee",
      { timeout: 10000 },
    );
    expect(caller.attachStreams.length).to.equal(1);
  });

  it('a getScreenConstraints override that throws (getScreenId.js is gone) still shares the screen', async () => {
    // 3.6.3's screen demos override it with getScreenId.js code; 3.7.1 never calls it.
    const connection = new RTCMultiConnection();
    connections.push(connection);
    connection.socketURL = `${signalingUrl}/`;
    connection.session = { screen: true, oneway: true };
    connection.enableLogs = false;
    connection.autoCreateMediaElement = false;
    connection.getScreenConstraints = () => {
      throw new ReferenceError('getScreenConstraints is not defined');
    };
    const local = new Promise<MediaStream>((resolve) => {
      connection.onstream = (event) => {
        if (event.type === 'local') resolve(event.stream);
      };
    });
    expect(await settled((done) => connection.open(uniqueRoom('screen'), done))).to.equal(true);
    const [track] = (await local).getVideoTracks();
    expect(track?.label).to.match(/screen/);
  });

  it('session.broadcast does not make joiners receive-only (v3 joiners capture and send)', async () => {
    // The 3.6.3 SFU demo: a room owner forwards each joiner's camera to the others.
    const owner = new RTCMultiConnection();
    const joiner = new RTCMultiConnection();
    connections.push(owner, joiner);
    for (const c of [owner, joiner]) {
      c.socketURL = `${signalingUrl}/`;
      c.session = { audio: true, video: true, broadcast: true };
      c.mediaConstraints = { audio: true, video: { width: 160, height: 120 } };
      c.enableLogs = false;
      c.autoCreateMediaElement = false;
    }
    const remoteAtOwner: MediaStream[] = [];
    owner.onstream = (event) => {
      if (event.type === 'remote') remoteAtOwner.push(event.stream);
    };
    expect(await settled((done) => owner.open(uniqueRoom('sfu'), done))).to.equal(true);
    expect(await settled((done) => joiner.join(owner.sessionid, done))).to.equal(true);
    await waitUntil(
      () => remoteAtOwner.some((s) => s.getVideoTracks().some((t) => t.readyState === 'live')),
      "the joiner's camera reaches the owner",
      { timeout: 10000 },
    );
  });

  it('maxParticipantsAllowed is the room total, opener included (2: one-to-one, as the demo sets)', async () => {
    const [a, b] = await (async () => {
      const roomId = uniqueRoom('two');
      const owner = dataConnection();
      owner.maxParticipantsAllowed = 2;
      const first = dataConnection();
      connections.push(owner, first);
      expect(await settled((done) => owner.open(roomId, done))).to.equal(true);
      return [owner, first];
    })();
    expect(await settled((done) => b.join(a.sessionid, done))).to.equal(true);
    const third = dataConnection();
    connections.push(third);
    const error = await new Promise<unknown>((resolve) =>
      third.join(a.sessionid, (ok: unknown, _room: unknown, e: unknown) =>
        resolve(ok ? 'joined' : e),
      ),
    );
    expect(error).to.equal(third.errors.ROOM_FULL);
  });

  it("a receiver's onFileEnd gets the file as a Blob with v3's fields (createObjectURL works)", async () => {
    const [a, b] = await pair();
    const ended = new Promise<Blob & { name: string; uuid: string; url: string }>((resolve) => {
      b.onFileEnd = (file) =>
        resolve(file as unknown as Blob & { name: string; uuid: string; url: string });
    });
    a.onopen = () => a.send(new File(['hello, v3'], 'hello.txt', { type: 'text/plain' }));
    expect(await settled((done) => b.join(a.sessionid, done))).to.equal(true);
    const file = await ended;
    expect(file).to.be.instanceOf(Blob);
    expect(file.name).to.equal('hello.txt');
    expect(file.size).to.equal(9);
    expect(file.type).to.equal('text/plain');
    expect(file.uuid).to.be.a('string');
    expect(await (await fetch(file.url)).text()).to.equal('hello, v3');
    // What the author's file-sharing demo does with it.
    const url = URL.createObjectURL(file);
    expect(await (await fetch(url)).text()).to.equal('hello, v3');
    URL.revokeObjectURL(url);
  });
});
