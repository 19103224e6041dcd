import { expect, waitUntil } from '@open-wc/testing';
import { setBandwidth, type RoomConnection, type RoomOptions } from '../../src/engine/index.js';
import { peerConnection, uniqueRoom } from '../support/in-page.js';

function canvasStream(width: number, height: number): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  let frame = 0;
  const timer = setInterval(() => {
    context.fillStyle = frame++ % 2 ? '#f00' : '#00f';
    context.fillRect(0, 0, width, height);
  }, 50);
  const stream = canvas.captureStream(20);
  stream.getVideoTracks()[0]!.addEventListener('ended', () => clearInterval(timer));
  return stream;
}

/** Plays a stream in a hidden video to read its frame size. */
function sizeOf(stream: MediaStream): () => number {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  void video.play();
  return () => video.videoWidth;
}

const remoteFrom = (room: RoomConnection, userId: string) =>
  room.streams.filter((s) => s.type === 'remote' && s.userId === userId);

describe('engine: media API', () => {
  const rooms: RoomConnection[] = [];
  const make = (options: Parameters<typeof peerConnection>[0]) => {
    const room = peerConnection(options);
    rooms.push(room);
    return room;
  };
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((r) => r.leave()));
  });
  /** `a` opens a new room, `b` joins it; resolves once their connection is up. */
  const connectedPair = async (options: Partial<RoomOptions> = {}) => {
    const roomId = uniqueRoom();
    const a = make({ roomId, ...options });
    const b = make({ roomId });
    await a.open();
    await b.join();
    await waitUntil(
      () => a.peerConnection(b.userId)?.connectionState === 'connected',
      'connected',
      { timeout: 10000 },
    );
    return { a, b };
  };

  it('processSdp rewrites every local description before it is set', async () => {
    const seen: string[] = [];
    const { a, b } = await connectedPair({
      processSdp: (sdp) => {
        seen.push(sdp.slice(0, 10));
        return setBandwidth(sdp, 'video', 123);
      },
    });
    expect(seen.length).to.be.greaterThan(0);
    // Chromium keeps the munged limit but may express it as TIAS (bits per second).
    expect(a.peerConnection(b.userId)!.localDescription!.sdp).to.match(
      /b=(AS:123|TIAS:123000)\r\n/,
    );
  });

  it('addStream(stream, userId) reaches only that user; removeStream takes it back', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, session: 'data' });
    const b = make({ roomId, session: 'data' });
    const c = make({ roomId, session: 'data' });
    await a.open();
    await b.join();
    await c.join();
    await waitUntil(() => a.connectedUserIds.length === 2);
    const extra = canvasStream(160, 120);
    await a.addStream(extra, b.userId);
    await waitUntil(() => remoteFrom(b, a.userId).length === 1, 'b receives it', {
      timeout: 10000,
    });
    expect(remoteFrom(c, a.userId)).to.have.length(0);
    a.removeStream(extra.id, b.userId);
    await waitUntil(() => remoteFrom(b, a.userId).length === 0, 'b loses it', { timeout: 10000 });
    extra.getTracks().forEach((t) => t.stop());
  });

  it('dont-get-remote-stream receives nothing while the other side still gets ours', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId, dontGetRemoteStream: true });
    const b = make({ roomId });
    await a.open();
    await b.join();
    await waitUntil(() => remoteFrom(b, a.userId).length === 1, 'b receives a', { timeout: 10000 });
    await waitUntil(() => a.peerConnection(b.userId)?.connectionState === 'connected');
    expect(remoteFrom(a, b.userId)).to.have.length(0);
  });

  it('replaceTrack for one user and resetTrack back, without renegotiation', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId });
    const b = make({ roomId });
    await a.open();
    await b.join();
    await waitUntil(() => remoteFrom(b, a.userId).length === 1, 'b receives a', { timeout: 10000 });
    const width = sizeOf(remoteFrom(b, a.userId)[0]!.stream);
    await waitUntil(() => width() === 640, 'camera', { timeout: 10000 });
    const pc = a.peerConnection(b.userId)!;
    const descriptions = pc.localDescription!.sdp;
    const small = canvasStream(320, 240);
    await a.replaceTrack(small.getVideoTracks()[0]!, b.userId);
    await waitUntil(() => width() === 320, 'replaced', { timeout: 10000 });
    await a.resetTrack(b.userId, 'video');
    await waitUntil(() => width() === 640, 'back to the camera', { timeout: 10000 });
    expect(pc.localDescription!.sdp).to.equal(descriptions);
    small.getTracks().forEach((t) => t.stop());
  });

  it('mute pauses the encodings (nothing is sent) and unmute resumes them', async () => {
    const { a, b } = await connectedPair();
    const video = () =>
      a
        .peerConnection(b.userId)!
        .getSenders()
        .find((s) => s.track?.kind === 'video')!
        .getParameters().encodings;
    a.mute('video');
    await waitUntil(() => video().every((e) => e.active === false), 'paused');
    a.unmute('video');
    await waitUntil(() => video().every((e) => e.active !== false), 'resumed');
  });

  it('quick mute/unmute toggles end as the last call says (no change is lost)', async () => {
    const { a, b } = await connectedPair({ bandwidth: { video: 300 } });
    const video = () =>
      a
        .peerConnection(b.userId)!
        .getSenders()
        .find((s) => s.track?.kind === 'video')!
        .getParameters().encodings;
    // Chromium refuses a setParameters made in a later task while another is in flight, so
    // each change here starts while the one before it is still being applied.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    for (const last of ['unmute', 'mute', 'unmute'] as const) {
      a.mute('video');
      await tick();
      a.unmute('video');
      await tick();
      a.configure({ bandwidth: { video: last === 'mute' ? 250 : 200 } });
      await tick();
      a.mute('video');
      await tick();
      a[last]('video');
      const active = last === 'unmute';
      const cap = last === 'mute' ? 250_000 : 200_000;
      await waitUntil(
        () => video().every((e) => e.active === active && e.maxBitrate === cap),
        `${last} and the new cap both applied`,
        { timeout: 3000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(video().every((e) => e.active === active && e.maxBitrate === cap)).to.equal(true);
    }
  });

  it('a muted camera does not pause a screen share sent to someone who joins later', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId });
    await a.open();
    a.mute('video');
    expect(await a.shareScreen()).to.equal(true);
    const b = make({ roomId });
    await b.join();
    await waitUntil(() => remoteFrom(b, a.userId).length === 2, 'camera and screen', {
      timeout: 10000,
    });
    const screenTrack = a.streams
      .find((s) => s.type === 'local' && s.isScreen)!
      .stream.getVideoTracks()[0]!;
    const senders = a.peerConnection(b.userId)!.getSenders();
    const active = (sender: RTCRtpSender | undefined) =>
      sender!.getParameters().encodings.every((e) => e.active !== false);
    const camera = senders.find((s) => s.track?.kind === 'video' && s.track !== screenTrack);
    await waitUntil(() => !active(camera), 'the camera is paused');
    // The screen is sent and decodes at b.
    const width = sizeOf(remoteFrom(b, a.userId).find((s) => s.isScreen)!.stream);
    await waitUntil(() => width() > 0, 'screen frames arrive', { timeout: 10000 });
    expect(active(senders.find((s) => s.track === screenTrack))).to.equal(true);
  });

  it('getStats summarises the connection', async () => {
    const { a, b } = await connectedPair();
    await a.getStats(b.userId);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stats = await a.getStats(b.userId);
    expect(stats.candidateType).to.equal('host');
    expect(stats.rttMs).to.be.a('number');
    expect(stats.outboundKbps).to.be.greaterThan(0);
    expect(stats.outboundVideoKbps).to.be.greaterThan(0);
    expect(stats.videoCodec).to.match(/^video\//);
    expect(stats.audioCodec).to.equal('audio/opus');
  });

  it('switches the camera live to a device from the list', async () => {
    const roomId = uniqueRoom();
    const a = make({ roomId });
    const b = make({ roomId });
    await a.open();
    await b.join();
    await waitUntil(() => remoteFrom(b, a.userId).length === 1, 'b receives a', { timeout: 10000 });
    const devices = await navigator.mediaDevices.enumerateDevices();
    const camera = devices.find((d) => d.kind === 'videoinput')!;
    const before = a.streams[0]!.stream.getVideoTracks()[0]!;
    await a.switchDevice('video', camera.deviceId);
    const after = a.streams[0]!.stream.getVideoTracks()[0]!;
    expect(after).to.not.equal(before);
    expect(before.readyState).to.equal('ended');
    const sender = a
      .peerConnection(b.userId)!
      .getSenders()
      .find((s) => s.track?.kind === 'video')!;
    expect(sender.track).to.equal(after);
  });
});
