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

  it('a page carried from its own room into another does not capture its camera twice', async () => {
    // call-by-username without the demo's own dontCaptureUserMedia: v3's capture cache gave the
    // second room the same camera.
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
    expect(await settled((done) => callee.open(uniqueRoom('callee'), done))).to.equal(true);
    expect(await settled((done) => caller.open(uniqueRoom('caller'), done))).to.equal(true);
    const capture = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    let captures = 0;
    navigator.mediaDevices.getUserMedia = (constraints) => (captures++, capture(constraints));
    try {
      expect(await settled((done) => caller.join(callee.sessionid, done))).to.equal(true);
      await waitUntil(
        () => remoteAtCallee.some((s) => s.getVideoTracks().some((t) => t.readyState === 'live')),
        "the caller's camera reaches the callee",
        { timeout: 10000 },
      );
    } finally {
      navigator.mediaDevices.getUserMedia = capture;
    }
    expect(captures).to.equal(0);
    expect(remoteAtCallee.length).to.equal(1);
  });

  it('a stream in attachStreams before open() goes out with the camera (v3 captures unless dontCaptureUserMedia)', async () => {
    // The dashboard's canvas-designer.html pushes its whiteboard's canvas stream, then opens.
    const owner = new RTCMultiConnection();
    const joiner = new RTCMultiConnection();
    connections.push(owner, joiner);
    for (const c of [owner, joiner]) {
      c.socketURL = `${signalingUrl}/`;
      c.session = { audio: true, video: true };
      c.mediaConstraints = { audio: true, video: { width: 160, height: 120 } };
      c.enableLogs = false;
      c.autoCreateMediaElement = false;
    }
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const paint = setInterval(() => canvas.getContext('2d')?.fillRect(0, 0, 64, 64), 50);
    // As the demo does: the page marks its canvas stream as a screen (it shows screens apart).
    const whiteboard = Object.assign(canvas.captureStream(), { isScreen: true });
    owner.attachStreams.push(whiteboard);
    const remoteAtJoiner: MediaStream[] = [];
    const screensAtJoiner: boolean[] = [];
    joiner.onstream = (event) => {
      if (event.type !== 'remote') return;
      remoteAtJoiner.push(event.stream);
      screensAtJoiner.push(
        (event.stream as MediaStream & { isScreen?: boolean }).isScreen === true,
      );
    };
    try {
      expect(await settled((done) => owner.open(uniqueRoom('canvas'), done))).to.equal(true);
      expect(await settled((done) => joiner.join(owner.sessionid, done))).to.equal(true);
      await waitUntil(() => remoteAtJoiner.length === 2, 'the canvas and the camera arrive', {
        timeout: 10000,
      });
    } finally {
      clearInterval(paint);
    }
    const local = owner.streamEvents.selectAll('local').map((e) => e.stream);
    expect(local).to.include(whiteboard);
    expect(local.filter((s) => s !== whiteboard && s.getAudioTracks().length === 1)).to.have.length(
      1,
    );
    // The page's own screen mark holds on its side and reaches the other side.
    expect(whiteboard.isScreen).to.equal(true);
    expect(owner.streamEvents[whiteboard.id]?.isScreen).to.equal(true);
    expect([...screensAtJoiner].sort()).to.deep.equal([false, true]);
    const screen = remoteAtJoiner[screensAtJoiner.indexOf(true)];
    expect(screen?.getAudioTracks()).to.have.length(0);
  });

  it('checkPresence() asks on the socket the page messages on: custom events reach the room before joining, and back (admin-guest)', async () => {
    const roomId = uniqueRoom('admin');
    const admin = dataConnection();
    const guest = dataConnection();
    connections.push(admin, guest);
    // admin-guest.html: the custom event is named after the admin, who opens a room of that name.
    for (const c of [admin, guest]) c.socketCustomEvent = roomId;
    admin.userid = roomId;
    expect(await settled((done) => admin.open(roomId, done))).to.equal(true);
    const atAdmin: unknown[] = [];
    admin.socket.on(roomId, (message) => atAdmin.push(message));
    expect(await settled((done) => guest.checkPresence(roomId, done))).to.equal(true);
    const atGuest: unknown[] = [];
    guest.socket.on(roomId, (message) => atGuest.push(message));
    guest.socket.emit(roomId, { messageFor: roomId, newGuest: true, guestId: guest.userid });
    await waitUntil(() => atAdmin.length === 1, 'the admin hears the guest', { timeout: 10000 });
    // A compat member's custom events reach the sockets waiting at its room (rtcCompat).
    admin.socket.emit(roomId, { messageFor: guest.userid, youCanJoinAdmin: true });
    await waitUntil(() => atGuest.length === 1, 'the guest hears the admin', { timeout: 10000 });
    expect(await settled((done) => guest.join(roomId, done))).to.equal(true);
    await waitUntil(() => admin.getAllParticipants().includes(guest.userid), 'they connect', {
      timeout: 10000,
    });
  });

  it('scalable broadcast as the demos run it: maxRelayLimitPerUser, joining the relay by its user id, and event.userid naming the relay', async () => {
    const broadcastId = uniqueRoom('scalable');
    const member = () => {
      const c = new RTCMultiConnection();
      connections.push(c);
      c.socketURL = `${signalingUrl}/`;
      c.enableScalableBroadcast = true;
      // Scalable-Broadcast.html: "each relaying-user should serve only 1 users".
      c.maxRelayLimitPerUser = 1;
      c.session = { audio: true, video: true, oneway: true };
      c.mediaConstraints = { audio: true, video: { width: 160, height: 120 } };
      c.enableLogs = false;
      c.autoCreateMediaElement = false;
      c.extra['broadcastId'] = broadcastId;
      return c;
    };
    const from = (c: RTCMultiConnection) =>
      new Promise<string>((resolve) => {
        c.onstream = (event) => {
          if (event.type === 'remote') resolve(event.userid);
        };
      });
    const broadcaster = member();
    broadcaster.userid = broadcastId;
    expect(await settled((done) => broadcaster.open(broadcastId, done))).to.equal(true);
    const first = member();
    const firstFrom = from(first);
    expect(await settled((done) => first.join(broadcastId, done))).to.equal(true);
    expect(await firstFrom).to.equal(broadcastId);
    // The server tells the next viewer to receive from the first ("join-broadcaster"); the demo
    // joins that user, and v3's server put it in extra.broadcastId's room.
    const second = member();
    const secondFrom = from(second);
    expect(await settled((done) => second.join(first.userid, done))).to.equal(true);
    expect(await secondFrom).to.equal(first.userid);
    expect(second.sessionid).to.equal(broadcastId);
    expect(broadcaster.getAllParticipants()).to.deep.equal([first.userid]);
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

  it('session.broadcast: joiners capture and send, to the owner only (v3 joiners never connect to each other)', async () => {
    // The 3.6.3 SFU and MCU demos: a room owner forwards (or mixes) each joiner's camera for the
    // others; a joiner shows what the owner sends, so it must not get the other joiners' cameras.
    const owner = new RTCMultiConnection();
    const joiner = new RTCMultiConnection();
    const second = new RTCMultiConnection();
    connections.push(owner, joiner, second);
    for (const c of [owner, joiner, second]) {
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
    expect(await settled((done) => second.join(owner.sessionid, done))).to.equal(true);
    await waitUntil(
      () => remoteAtOwner.length === 2,
      "the second joiner's camera reaches the owner",
      {
        timeout: 10000,
      },
    );
    // Give a stray joiner-to-joiner connection the time it would need.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(joiner.getAllParticipants()).to.deep.equal([owner.userid]);
    expect(second.getAllParticipants()).to.deep.equal([owner.userid]);
    expect(joiner.streamEvents.selectAll('remote').map((e) => e.userid)).to.deep.equal([
      owner.userid,
    ]);
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
