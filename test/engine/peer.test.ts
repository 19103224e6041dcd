import { expect, waitUntil } from '@open-wc/testing';
import type { LocalStream } from '../../src/engine/media/capture.js';
import { ErrorCode, type RtcError } from '../../src/engine/errors.js';
import { Peer } from '../../src/engine/peers/peer.js';
import { isCandidate, isDescription, type RelayMessage } from '../../src/protocol/index.js';

interface Pair {
  a: Peer;
  b: Peer;
  sent: { from: 'a' | 'b'; message: RelayMessage }[];
  localA: LocalStream[];
  localB: LocalStream[];
}

/**
 * Two real peers in one page, wired through an asynchronous in-memory relay. `hold` lets a test
 * delay messages of one kind to reorder the wire.
 */
function pair(
  options: {
    hold?: (m: RelayMessage) => boolean;
    localA?: LocalStream[];
    localB?: LocalStream[];
    iceServers?: RTCIceServer[];
    /** Bob is made ahead of Alice's offer (a joiner that heard of a member). */
    awaitOffer?: boolean;
  } = {},
): Pair & { release(): void } {
  const held: (() => void)[] = [];
  const sent: Pair['sent'] = [];
  const localA = options.localA ?? [];
  const localB = options.localB ?? [];
  const peers: { a?: Peer; b?: Peer } = {};
  const deliver = (to: 'a' | 'b', message: RelayMessage) => {
    const run = () => {
      const peer = peers[to];
      if (!peer) return;
      if (isDescription(message)) void peer.handleDescription(message);
      else if (isCandidate(message)) peer.handleCandidate(message);
    };
    if (options.hold?.(message)) held.push(run);
    else setTimeout(run);
  };
  const base = (local: LocalStream[]) => ({
    iceServers: options.iceServers ?? [],
    legacy: false,
    localStreams: () => local,
    mediaReady: Promise.resolve(),
    sendMedia: () => true,
    receiveMedia: () => true,
    acceptStream: () => true,
    codecs: () => ({}),
    receive: { audio: true, video: true },
    bandwidth: () => ({}),
    extra: () => ({}),
  });
  // Bob exists before Alice's first offer can reach him.
  peers.b = new Peer({
    ...base(localB),
    localUserId: 'bob',
    remoteUserId: 'alice',
    initiator: false,
    awaitOffer: options.awaitOffer,
    signal: (message) => {
      sent.push({ from: 'b', message });
      deliver('a', message);
    },
  });
  peers.a = new Peer({
    ...base(localA),
    localUserId: 'alice',
    remoteUserId: 'bob',
    initiator: true,
    signal: (message) => {
      sent.push({ from: 'a', message });
      deliver('b', message);
    },
  });
  return {
    a: peers.a,
    b: peers.b,
    sent,
    localA,
    localB,
    release: () => held.splice(0).forEach((run) => setTimeout(run)),
  };
}

async function camera(): Promise<LocalStream> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  return { stream, isScreen: false, owned: true };
}

const connected = (peer: Peer) =>
  waitUntil(() => peer.connectionState === 'connected', `${peer.remoteUserId} connects`, {
    timeout: 10000,
  });

describe('engine: Peer', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => cleanup.splice(0).forEach((fn) => fn()));
  const track = (p: Pair & { release(): void }, ...local: LocalStream[]) =>
    cleanup.push(() => {
      p.a.close();
      p.b.close();
      local.forEach((l) => l.stream.getTracks().forEach((t) => t.stop()));
    });

  it('announces the streams of an offer once its answer is sent', async () => {
    const camA = await camera();
    const p = pair({ localA: [camA] });
    track(p, camA);
    const answered: boolean[] = [];
    p.b.on('stream', () =>
      answered.push(
        p.sent.some(
          ({ from, message }) =>
            from === 'b' && isDescription(message) && message.type === 'answer',
        ),
      ),
    );
    await waitUntil(() => answered.length === 1, 'alice’s camera announced at bob', {
      timeout: 10000,
    });
    expect(answered).to.deep.equal([true]);
    await connected(p.b);
  });

  it('connects, carries media both ways and messages on the data channel', async () => {
    const camA = await camera();
    const camB = await camera();
    const p = pair({ localA: [camA], localB: [camB] });
    track(p, camA, camB);
    const streamsAtA: MediaStream[] = [];
    const streamsAtB: MediaStream[] = [];
    p.a.on('stream', ({ stream }) => streamsAtA.push(stream));
    p.b.on('stream', ({ stream }) => streamsAtB.push(stream));
    const inboxB: unknown[] = [];
    const inboxA: unknown[] = [];
    p.b.on('message', ({ data }) => inboxB.push(data));
    p.a.on('message', ({ data }) => inboxA.push(data));
    // Queued before the channel opens, delivered once it does.
    await p.a.send({ hello: 'bob' });
    await Promise.all([connected(p.a), connected(p.b)]);
    await p.b.send('hi alice');
    await waitUntil(() => inboxB.length === 1 && inboxA.length === 1, 'messages arrive');
    expect(inboxB).to.deep.equal([{ hello: 'bob' }]);
    expect(inboxA).to.deep.equal(['hi alice']);
    await waitUntil(() => streamsAtA.length === 1 && streamsAtB.length === 1, 'streams arrive');
    expect(streamsAtB[0]!.id).to.equal(camA.stream.id);
    expect(streamsAtA[0]!.id).to.equal(camB.stream.id);
    await waitUntil(
      () => streamsAtA[0]!.getTracks().length === 2 && streamsAtB[0]!.getTracks().length === 2,
    );
    // The answerer's tracks rode on the offered transceivers: one offer, one answer.
    const descriptions = p.sent.filter((s) => isDescription(s.message));
    expect(
      descriptions.map((d) => `${d.from}:${(d.message as { type: string }).type}`),
    ).to.deep.equal(['a:offer', 'b:answer']);
  });

  it('a stream whose tracks ended before the connection gets the live tracks that replace them (a relay whose parent is being replaced takes a child)', async () => {
    // The relay's forwarded stream still holds its old parent's tracks, ended, when a child
    // connects; the new parent's tracks take their place a moment later (followTrack).
    const old = await camera();
    const forwarded: LocalStream = {
      stream: new MediaStream(old.stream.getTracks()),
      isScreen: false,
      owned: false,
    };
    for (const t of old.stream.getTracks()) t.stop();
    const p = pair({ localA: [forwarded] });
    const next = await camera();
    track(p, forwarded, next);
    const atB: MediaStream[] = [];
    p.b.on('stream', ({ stream }) => atB.push(stream));
    await Promise.all([connected(p.a), connected(p.b)]);
    for (const fresh of next.stream.getTracks()) {
      const previous = forwarded.stream.getTracks().find((t) => t.kind === fresh.kind)!;
      forwarded.stream.removeTrack(previous);
      forwarded.stream.addTrack(fresh);
      await p.a.followTrack(previous, fresh);
    }
    await waitUntil(() => atB[0]?.getTracks().length === 2, 'the live tracks reach the child', {
      timeout: 10000,
    });
    expect(atB[0]!.id).to.equal(forwarded.stream.id);
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = atB[0]!;
    await video.play();
    await waitUntil(() => video.videoWidth > 0, 'frames are decoded', { timeout: 10000 });
    video.srcObject = null;
  });

  it('an answerer made ahead of the offer adds its tracks at once and answers on the offered m-lines', async () => {
    const camA = await camera();
    const camB = await camera();
    // Alice's offer waits until Bob is ready: his tracks must be in before it comes.
    const p = pair({
      localA: [camA],
      localB: [camB],
      awaitOffer: true,
      hold: (m) => isDescription(m) && m.type === 'offer',
    });
    track(p, camA, camB);
    await waitUntil(
      () => p.b.pc.getSenders().filter((s) => s.track).length === 2,
      'Bob adds his tracks',
    );
    expect(p.b.awaitingOffer).to.equal(true);
    // His tracks ask the browser for a negotiation: he makes no offer of his own.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await waitUntil(() => p.sent.some((s) => s.from === 'a'), 'Alice offers');
    p.release();
    const atA: MediaStream[] = [];
    p.a.on('stream', ({ stream }) => atA.push(stream));
    await Promise.all([connected(p.a), connected(p.b)]);
    await waitUntil(
      () => atA[0]?.getTracks().length === 2,
      "Bob's camera and microphone reach Alice",
    );
    const offers = p.sent.filter((s) => isDescription(s.message) && s.message.type === 'offer');
    expect(offers.map((o) => o.from)).to.deep.equal(['a']);
    // The offered audio and video m-lines carry his tracks: no transceiver of his own.
    expect(p.b.pc.getTransceivers().map((t) => [t.mid !== null, t.currentDirection])).to.deep.equal(
      [
        [true, 'sendrecv'],
        [true, 'sendrecv'],
      ],
    );
    expect(p.b.awaitingOffer).to.equal(false);
  });

  it('a track of the early answerer that the offer has no m-line for gets its own offer after the answer', async () => {
    const camA = await camera();
    const camB = await camera();
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
    const screenB: LocalStream = { stream: screen, isScreen: true, owned: true };
    // Only Alice's first offer waits (Bob's own offer must go through).
    let holding = true;
    const p = pair({
      localA: [camA],
      localB: [camB, screenB],
      awaitOffer: true,
      hold: (m) => holding && isDescription(m) && m.type === 'offer',
    });
    track(p, camA, camB, screenB);
    await waitUntil(
      () => p.b.pc.getSenders().filter((s) => s.track).length === 3,
      'Bob adds his tracks',
    );
    await waitUntil(() => p.sent.some((s) => s.from === 'a'), 'Alice offers');
    holding = false;
    p.release();
    const atA: { isScreen: boolean }[] = [];
    p.a.on('stream', ({ isScreen }) => atA.push({ isScreen }));
    await waitUntil(() => atA.some((s) => s.isScreen), "Bob's screen reaches Alice", {
      timeout: 10000,
    });
    const offers = p.sent.filter((s) => isDescription(s.message) && s.message.type === 'offer');
    expect(offers.map((o) => o.from)).to.deep.equal(['a', 'b']);
  });

  it('an early answerer takes an offer from an RTCMultiConnection page as a v3 connection', async () => {
    const p = pair({ awaitOffer: true });
    track(p);
    expect(p.b.legacy).to.equal(false);
    expect(p.b.takesOffer(true)).to.equal(true);
    expect(p.b.legacy).to.equal(true);
    await Promise.all([connected(p.a), connected(p.b)]);
    // Once negotiated, it is what it is.
    expect(p.b.takesOffer(false)).to.equal(false);
  });

  it('the first offer goes out once, without waiting for the browser to ask', async () => {
    const camA = await camera();
    const p = pair({ localA: [camA] });
    track(p, camA);
    await Promise.all([connected(p.a), connected(p.b)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const offers = p.sent.filter((s) => isDescription(s.message) && s.message.type === 'offer');
    expect(offers.length).to.equal(1);
  });

  it('leaves the parameters of senders without a cap or a pause alone (no getParameters on the way to the first frame)', async () => {
    const camA = await camera();
    const camB = await camera();
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its sender below
    const getParameters = RTCRtpSender.prototype.getParameters;
    let calls = 0;
    RTCRtpSender.prototype.getParameters = function (this: RTCRtpSender) {
      calls++;
      return getParameters.call(this);
    };
    cleanup.push(() => (RTCRtpSender.prototype.getParameters = getParameters));
    const p = pair({ localA: [camA], localB: [camB] });
    track(p, camA, camB);
    await Promise.all([connected(p.a), connected(p.b)]);
    await p.a.applyBandwidth();
    expect(calls).to.equal(0);
    // A cap, then a pause, do read and set them.
    await p.a.pause(['video'], true);
    expect(calls).to.be.greaterThan(0);
    const video = p.a.pc.getSenders().find((s) => s.track?.kind === 'video')!;
    expect(getParameters.call(video).encodings.every((e) => e.active === false)).to.equal(true);
    await p.a.pause(['video'], false);
    expect(getParameters.call(video).encodings.every((e) => e.active !== false)).to.equal(true);
  });

  it('drops ICE server URLs the browser refuses, reports them once and still connects', async () => {
    // What every RTCMultiConnection demo passes: Chromium refuses a stun: URL with a query.
    const iceServers: RTCIceServer[] = [
      { urls: ['stun:127.0.0.1:3478', 'stun:stun.l.google.com:19302?transport=udp'] },
      { urls: 'turn:127.0.0.1:3478' }, // a TURN URL without credentials
      { urls: 'stun:127.0.0.1:3479' },
    ];
    const p = pair({ iceServers });
    track(p);
    const errors: RtcError[] = [];
    p.a.on('error', (error) => errors.push(error));
    p.b.on('error', (error) => errors.push(error));
    await p.a.send('hello');
    await Promise.all([connected(p.a), connected(p.b)]);
    expect(errors.map((e) => e.code)).to.deep.equal([ErrorCode.INVALID_REQUEST]);
    expect(errors[0]!.message).to.contain('stun:stun.l.google.com:19302?transport=udp');
    expect(errors[0]!.message).to.contain('turn:127.0.0.1:3478');
    expect(p.a.pc.getConfiguration().iceServers?.map((s) => s.urls)).to.deep.equal([
      ['stun:127.0.0.1:3478'],
      ['stun:127.0.0.1:3479'],
    ]);
  });

  it('marks every offer after the first as renegotiatingPeer, with the rtc-elements marker', async () => {
    const camA = await camera();
    const p = pair({ localA: [camA] });
    track(p, camA);
    await Promise.all([connected(p.a), connected(p.b)]);
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
    p.localA.push({ stream: screen, isScreen: true, owned: true });
    cleanup.push(() => screen.getTracks().forEach((t) => t.stop()));
    const screens: boolean[] = [];
    p.b.on('stream', ({ isScreen }) => screens.push(isScreen));
    p.a.attachLocalStreams();
    await waitUntil(() => screens.length === 1, 'the screen stream arrives labelled');
    expect(screens).to.deep.equal([true]);
    expect(p.b.remoteStreams.map((r) => r.isScreen)).to.deep.equal([false, true]);
    const offers = p.sent.filter((s) => isDescription(s.message) && s.message.type === 'offer');
    expect(
      offers.map((o) => (o.message as { renegotiatingPeer?: boolean }).renegotiatingPeer),
    ).to.deep.equal([false, true]);
    for (const offer of offers)
      expect((offer.message as { rtcElements?: number }).rtcElements).to.equal(1);
  });

  it('survives both sides renegotiating at once (glare)', async () => {
    const p = pair();
    track(p);
    await Promise.all([connected(p.a), connected(p.b)]);
    const camA = await camera();
    const camB = await camera();
    cleanup.push(() => [camA, camB].forEach((c) => c.stream.getTracks().forEach((t) => t.stop())));
    const gotA: MediaStream[] = [];
    const gotB: MediaStream[] = [];
    p.a.on('stream', ({ stream }) => gotA.push(stream));
    p.b.on('stream', ({ stream }) => gotB.push(stream));
    const errors: unknown[] = [];
    p.a.on('error', (e) => errors.push(e));
    p.b.on('error', (e) => errors.push(e));
    p.localA.push(camA);
    p.localB.push(camB);
    // Both add tracks in the same task: both fire negotiationneeded and offer at once.
    p.a.attachLocalStreams();
    p.b.attachLocalStreams();
    await waitUntil(() => gotA.length === 1 && gotB.length === 1, 'both new streams arrive', {
      timeout: 10000,
    });
    await waitUntil(
      () => p.a.pc.signalingState === 'stable' && p.b.pc.signalingState === 'stable',
      'both sides settle',
    );
    expect(errors).to.deep.equal([]);
    const offers = p.sent.filter((s) => isDescription(s.message) && s.message.type === 'offer');
    expect(offers.some((o) => o.from === 'a') && offers.some((o) => o.from === 'b')).to.equal(true);
  });

  it('buffers candidates that arrive before the description', async () => {
    const camA = await camera();
    const p = pair({ localA: [camA], hold: (m) => isDescription(m) && m.type === 'offer' });
    track(p, camA);
    await waitUntil(() => p.sent.some((s) => isCandidate(s.message)), 'candidates are sent first');
    // Candidates reach Bob while Alice's offer is still held back.
    await new Promise((resolve) => setTimeout(resolve, 50));
    p.release();
    await Promise.all([connected(p.a), connected(p.b)]);
  });

  it('close() ends remote streams and closes the connection', async () => {
    const camA = await camera();
    const p = pair({ localA: [camA] });
    track(p, camA);
    const ended: MediaStream[] = [];
    p.b.on('stream-ended', ({ stream }) => ended.push(stream));
    await Promise.all([connected(p.a), connected(p.b)]);
    await waitUntil(() => p.b.remoteStreams.length === 1);
    p.b.close();
    expect(p.b.pc.signalingState).to.equal('closed');
    expect(ended.map((s) => s.id)).to.deep.equal([camA.stream.id]);
    expect(p.b.listenerCount()).to.equal(0);
    let error: unknown;
    await p.b.send('late').catch((e: unknown) => (error = e));
    expect((error as { code?: string }).code).to.equal('SEND_FAILED');
  });
});
