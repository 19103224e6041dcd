import { expect, waitUntil } from '@open-wc/testing';
import { BandwidthHandler, CodecsHandler } from '../../src/compat/sdp-handlers.js';
import { getStatsOnce } from '../../src/compat/stats.js';
import { codecName, connectPair, type Loopback, type Munge, payloadOrder } from './loopback.js';

/** A real Chromium offer with audio, video and a data channel. */
async function realOffer(): Promise<{ pc: RTCPeerConnection; sdp: string; stop(): void }> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.createDataChannel('compat');
  const offer = await pc.createOffer();
  return {
    pc,
    sdp: offer.sdp ?? '',
    stop() {
      pc.close();
      for (const track of stream.getTracks()) track.stop();
    },
  };
}

/** Hands a (munged) offer to a fresh answerer, which must accept it; returns its answer. */
async function answerTo(sdp: string): Promise<{ remote: string; answer: string }> {
  const pc = new RTCPeerConnection({ iceServers: [] });
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    return { remote: pc.remoteDescription?.sdp ?? '', answer: answer.sdp ?? '' };
  } finally {
    pc.close();
  }
}

/** The lines of the sections of one kind. */
const sectionsOf = (sdp: string, kind: string) =>
  sdp
    .split(/\r\n(?=m=)/)
    .filter((s) => s.startsWith(`m=${kind} `))
    .map((s) => s.split('\r\n'));

/** What sends: the codec of the first outbound stream of that kind. */
async function sendingCodec(pc: RTCPeerConnection, kind: 'audio' | 'video'): Promise<string> {
  let codec: string | undefined;
  await waitUntil(
    async () => {
      const result = await getStatsOnce(pc);
      codec = result[kind].send.codecs[0];
      return result[kind].bytesSent > 0 && !!codec;
    },
    `${kind} is sent`,
    { timeout: 10000 },
  );
  return codec ?? '';
}

describe('compat CodecsHandler / BandwidthHandler on real SDP', () => {
  let pair: Loopback | undefined;
  afterEach(() => {
    pair?.close();
    pair = undefined;
  });

  it('keeps a real offer (audio, 2 video, data) acceptable to the browser, with the effect asked for', async () => {
    const offer = await realOffer();
    try {
      const { sdp } = offer;
      expect(sectionsOf(sdp, 'video')).to.have.length(2);

      const vp9 = await answerTo(CodecsHandler.preferCodec(sdp, 'vp9'));
      expect(codecName(vp9.answer, payloadOrder(vp9.answer, 'video')[0])).to.equal('VP9');

      const h264 = await answerTo(CodecsHandler.preferCodec(sdp, 'h264'));
      expect(codecName(h264.answer, payloadOrder(h264.answer, 'video')[0])).to.equal('H264');

      const noVpx = await answerTo(CodecsHandler.removeVPX(sdp));
      expect(noVpx.answer).not.to.match(/ VP[89]\/90000/);
      expect(noVpx.answer).to.match(/ H264\/90000/);

      const g722 = await answerTo(CodecsHandler.removeNonG722(sdp));
      expect(
        payloadOrder(g722.answer, 'audio').map((pt) => codecName(g722.answer, pt)),
      ).to.deep.equal(['G722']);

      const noNack = await answerTo(CodecsHandler.disableNACK(sdp));
      expect(noNack.remote).not.to.match(/ nack/);
      expect(noNack.remote).to.match(/a=rtcp-fb:\d+ pli/);

      const bandwidth = { audio: 50, video: 256, screen: 1000 };
      const capped = await answerTo(
        BandwidthHandler.setApplicationSpecificBandwidth(sdp, bandwidth, false),
      );
      // Chromium keeps one bandwidth line per section when it parses SDP, preferring b=TIAS (bps)
      // over b=AS (kbps): the cap arrives as b=TIAS.
      for (const section of sectionsOf(capped.remote, 'video'))
        expect(section).to.include('b=TIAS:256000');
      expect(sectionsOf(capped.remote, 'audio')[0]).to.include('b=TIAS:50000');
      expect(sectionsOf(capped.remote, 'application')[0]?.some((l) => l.startsWith('b='))).to.equal(
        false,
      );

      const bitrates = await answerTo(
        BandwidthHandler.setVideoBitrates(sdp, { min: 200, max: 800 }),
      );
      const vp8 = payloadOrder(sdp, 'video').find((pt) => codecName(sdp, pt) === 'VP8') ?? '';
      // Chromium re-serializes fmtp parameters in its own (alphabetical) order.
      for (const section of sectionsOf(bitrates.remote, 'video')) {
        const fmtp = section.find((l) => l.startsWith(`a=fmtp:${vp8} `)) ?? '';
        expect(fmtp).to.include('x-google-min-bitrate=200');
        expect(fmtp).to.include('x-google-max-bitrate=800');
      }

      const opus = await answerTo(
        BandwidthHandler.setOpusAttributes(sdp, { maxaveragebitrate: 64000, maxptime: 60 }),
      );
      const opusFmtp = sectionsOf(opus.remote, 'audio')[0]?.find((l) =>
        /^a=fmtp:\d+ .*minptime/.test(l),
      );
      for (const param of ['stereo=1', 'sprop-stereo=1', 'maxaveragebitrate=64000'])
        expect(opusFmtp?.split(/[ ;]/)).to.include(param);
      expect(opus.remote).to.include('a=maxptime:60');
    } finally {
      offer.stop();
    }
  });

  it("v3's processSdp chain on every local and remote description: connects, sends VP9, decodes 640x480", async () => {
    // What v3 pages write in connection.processSdp (their documented example), with a codec.
    const processSdp: Munge = (sdp) => {
      let out = CodecsHandler.preferCodec(sdp, 'vp9');
      const bandwidth = { audio: 128, video: 1024, screen: 1024 };
      out = BandwidthHandler.setApplicationSpecificBandwidth(out, bandwidth, false);
      out = BandwidthHandler.setVideoBitrates(out, { min: bandwidth.video, max: bandwidth.video });
      out = BandwidthHandler.setOpusAttributes(out, {
        stereo: 1,
        maxaveragebitrate: bandwidth.audio * 1000 * 8,
        maxplaybackrate: bandwidth.audio * 1000 * 8,
        maxptime: 3,
      });
      return out;
    };
    pair = await connectPair({ munge: processSdp });
    expect(pair.a.localDescription?.sdp).to.include('b=TIAS:1024000');
    expect(pair.b.remoteDescription?.sdp).to.include('maxaveragebitrate=510000');
    expect(await sendingCodec(pair.a, 'video')).to.equal('VP9');
    expect(await sendingCodec(pair.b, 'video')).to.equal('VP9');
    await waitUntil(
      async () => (await getStatsOnce(pair!.b)).resolutions.recv.width === 640,
      'the answerer decodes 640x480',
      { timeout: 15000 },
    );
  });

  it('removeNonG722 and disableNACK on both sides: audio goes as G722', async () => {
    pair = await connectPair({
      munge: (sdp) => CodecsHandler.disableNACK(CodecsHandler.removeNonG722(sdp)),
      data: false,
    });
    expect(await sendingCodec(pair.a, 'audio')).to.equal('G722');
    expect(await sendingCodec(pair.b, 'audio')).to.equal('G722');
    expect(pair.a.remoteDescription?.sdp).not.to.match(/ nack/);
  });

  it('prioritize() orders codecs with setCodecPreferences, no SDP edits', async () => {
    let applied: boolean[] = [];
    pair = await connectPair({
      data: false,
      beforeOffer: (a) => {
        applied = [
          CodecsHandler.prioritize('video/VP9', a),
          CodecsHandler.prioritize('audio/G722', a),
          CodecsHandler.prioritize('video/no-such-codec', a),
        ];
      },
    });
    expect(applied).to.deep.equal([true, true, false]);
    const offer = pair.b.remoteDescription?.sdp ?? '';
    expect(codecName(offer, payloadOrder(offer, 'video')[0])).to.equal('VP9');
    expect(codecName(offer, payloadOrder(offer, 'audio')[0])).to.equal('G722');
    expect(await sendingCodec(pair.b, 'video')).to.equal('VP9');
    // A connection without transceivers of that kind has nothing to prioritize.
    const empty = new RTCPeerConnection();
    expect(CodecsHandler.prioritize('video/VP8', empty)).to.equal(false);
    empty.close();
  });
});
