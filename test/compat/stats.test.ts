import { expect, waitUntil } from '@open-wc/testing';
import { getStats, getStatsOnce, type GetStatsResult } from '../../src/compat/stats.js';
import { connectPair, type Loopback } from './loopback.js';

describe('compat getStats (getStats.js shape from standard stats)', () => {
  let pair: Loopback | undefined;
  afterEach(() => {
    pair?.close();
    pair = undefined;
  });

  it('reports the loopback pair, codecs, bytes and 640x480 both ways, repeating', async () => {
    pair = await connectPair();
    // On a busy machine the encoder scales the camera down (CPU adaptation); this test reads the
    // stats at the capture's size, so both ends keep it.
    await Promise.all([keepResolution(pair.a), keepResolution(pair.b)]);
    let latest: GetStatsResult | undefined;
    let calls = 0;
    const loop = getStats(
      pair.a,
      (result) => {
        calls++;
        latest = result;
      },
      200,
    );
    try {
      await waitUntil(
        () =>
          latest &&
          latest.video.bytesReceived > 0 &&
          latest.audio.bytesReceived > 0 &&
          latest.resolutions.send.width === 640 &&
          latest.resolutions.recv.width === 640 &&
          latest.bandwidth.speed > 0,
        'media flows both ways at 640x480',
        { timeout: 15000 },
      );
    } finally {
      loop.nomore();
    }
    const result = latest!;
    expect(calls).to.be.greaterThan(1);
    const { connectionType } = result;
    expect(connectionType.local.candidateType).to.deep.equal(['host']);
    expect(connectionType.remote.candidateType).to.deep.equal(['host']);
    expect(connectionType.transport).to.equal('udp');
    expect(connectionType.local.transport).to.deep.equal(['udp']);
    expect(connectionType.local.ipAddress[0]).to.match(/^127\.0\.0\.1:\d+$/);
    expect(connectionType.remote.ipAddress[0]).to.match(/^127\.0\.0\.1:\d+$/);
    expect(connectionType.systemIpAddress).to.deep.equal(connectionType.local.ipAddress);
    expect(result.resolutions).to.deep.equal({
      send: { width: 640, height: 480 },
      recv: { width: 640, height: 480 },
    });
    expect(result.encryption).to.equal('sha-256');
    expect(result.isOfferer).to.equal(true);
    expect(result.datachannel).to.deep.equal({ state: 'open' });
    expect(result.audio.send.codecs).to.deep.equal(['opus']);
    expect(result.audio.recv.codecs).to.deep.equal(['opus']);
    expect(result.video.send.codecs).to.have.length(1);
    expect(result.video.send.streams).to.equal(1);
    expect(result.video.recv.streams).to.equal(1);
    const localVideo = pair.a.getSenders().find((s) => s.track?.kind === 'video')?.track;
    expect(result.video.send.tracks).to.deep.equal([localVideo?.id]);
    const remoteVideo = pair.a.getReceivers().find((r) => r.track.kind === 'video')?.track;
    expect(result.video.recv.tracks).to.deep.equal([remoteVideo?.id]);
    expect(result.video.bytesSent).to.be.greaterThan(0);
    expect(result.bandwidth.helper.videoBytesSent).to.equal(result.video.bytesSent);
    expect(result.ended).to.equal(false);
    expect(result.results.some((r) => r.type === 'candidate-pair')).to.equal(true);

    // The other end is the answerer.
    const other = await getStatsOnce(pair.b);
    expect(other.isOfferer).to.equal(false);
    expect(other.connectionType.local.candidateType).to.deep.equal(['host']);
  });

  it('nomore() stops the repeating, from the handle or from a result', async () => {
    pair = await connectPair({ data: false });
    let calls = 0;
    getStats(
      pair.a,
      (result) => {
        calls++;
        if (calls === 2) result.nomore();
      },
      50,
    );
    await waitUntil(() => calls === 2, 'two results', { timeout: 5000 });
    // Absence can only be shown by waiting: several intervals pass without another call.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).to.equal(2);

    let handleCalls = 0;
    const loop = getStats(pair.a, () => handleCalls++, 50);
    loop.nomore();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The first report was already requested; nomore() before it arrives drops it too.
    expect(handleCalls).to.equal(0);
  });

  it('ends with ended: true when the connection closes', async () => {
    pair = await connectPair();
    const results: GetStatsResult[] = [];
    getStats(pair.b, (result) => results.push(result), 100);
    await waitUntil(() => results.length > 0, 'a first result');
    pair.b.close();
    await waitUntil(() => results.at(-1)?.ended === true, 'an ended result', { timeout: 5000 });
    const count = results.length;
    const last = results.at(-1)!;
    expect(last.datachannel?.state).to.equal('close');
    expect(results.filter((r) => r.ended)).to.have.length(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(results.length).to.equal(count);
  });

  it('takes a track second, like getStats.js on Safari, and reports only that track', async () => {
    pair = await connectPair({ data: false });
    const video = pair.a.getSenders().find((s) => s.track?.kind === 'video')?.track;
    expect(video).not.to.equal(undefined);
    await waitUntil(
      async () => (await getStatsOnce(pair!.a, video!)).video.bytesSent > 0,
      'video is sent',
      { timeout: 10000 },
    );
    const result = await getStatsOnce(pair.a, video!);
    expect(result.video.send.streams).to.equal(1);
    expect(result.video.send.tracks).to.deep.equal([video!.id]);
    expect(result.audio.send.streams).to.equal(0);
    expect(result.audio.bytesSent).to.equal(0);
  });

  it('rejects what is not a peer connection, as getStats.js did', () => {
    expect(() => getStats({} as RTCPeerConnection, () => undefined)).to.throw(TypeError);
  });
});

/** Asks the video sender to drop frames rather than resolution when the machine is busy. */
async function keepResolution(pc: RTCPeerConnection): Promise<void> {
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const parameters = sender.getParameters();
    parameters.degradationPreference = 'maintain-resolution';
    await sender.setParameters(parameters);
  }
}
