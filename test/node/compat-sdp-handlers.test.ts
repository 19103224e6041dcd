import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BandwidthHandler, CodecsHandler } from '../../src/compat/sdp-handlers.js';

// A Chromium 156 unified-plan offer (audio, two video sections, data), trimmed to what the
// handlers read: numeric mids, several H264 profiles, RTX/RED/ULPFEC, nack lines per payload.
const VIDEO = (mid: number) => [
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 45 46 98 99 118 119 120',
  'c=IN IP4 0.0.0.0',
  `a=mid:${mid}`,
  'a=sendrecv',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 transport-cc',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=rtcp-fb:102 nack',
  'a=rtcp-fb:102 nack pli',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'a=rtpmap:45 AV1/90000',
  'a=fmtp:45 level-idx=5;profile=0;tier=0',
  'a=rtpmap:46 rtx/90000',
  'a=fmtp:46 apt=45',
  'a=rtpmap:98 VP9/90000',
  'a=rtcp-fb:98 nack',
  'a=rtcp-fb:98 nack pli',
  'a=fmtp:98 profile-id=0',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=98',
  'a=rtpmap:118 red/90000',
  'a=rtpmap:119 rtx/90000',
  'a=fmtp:119 apt=118',
  'a=rtpmap:120 ulpfec/90000',
];
const OFFER = [
  'v=0',
  'o=- 3779040001037192433 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2 3',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 126',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendrecv',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:126 telephone-event/8000',
  ...VIDEO(1),
  ...VIDEO(2),
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=mid:3',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');

/** The lines of each m-section, keyed by mid. */
function sections(sdp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of sdp.split('\r\n')) {
    if (line.startsWith('m=')) current = [line];
    else current.push(line);
    const mid = /^a=mid:(.+)$/.exec(line)?.[1];
    if (mid) out.set(mid, current);
  }
  return out;
}
const mLine = (sdp: string, mid: string) => sections(sdp).get(mid)?.[0];

describe('CodecsHandler (unified plan)', () => {
  it('is the same object as BandwidthHandler, as in v3', () => {
    assert.equal(BandwidthHandler, CodecsHandler);
    assert.ok(Object.isFrozen(CodecsHandler));
  });

  it('preferCodec moves the codec and its RTX first in every section that has it', () => {
    const out = CodecsHandler.preferCodec(OFFER, 'vp9');
    for (const mid of ['1', '2'])
      assert.equal(
        mLine(out, mid),
        'm=video 9 UDP/TLS/RTP/SAVPF 98 99 96 97 102 103 45 46 118 119 120',
      );
    assert.equal(mLine(out, '0'), mLine(OFFER, '0'));
    assert.equal(CodecsHandler.preferVP9(OFFER), out);
    // Case-insensitive, and audio codecs too.
    assert.equal(
      CodecsHandler.preferCodec(OFFER, 'H264'),
      CodecsHandler.preferCodec(OFFER, 'h264'),
    );
    assert.equal(
      mLine(CodecsHandler.preferCodec(OFFER, 'G722'), '0'),
      'm=audio 9 UDP/TLS/RTP/SAVPF 9 111 63 0 126',
    );
    // A codec nobody offers changes nothing.
    assert.equal(CodecsHandler.preferCodec(OFFER, 'h265'), OFFER);
  });

  it('removeVPX drops VP8, VP9 and their RTX with their attribute lines', () => {
    const out = CodecsHandler.removeVPX(OFFER);
    for (const mid of ['1', '2']) {
      const lines = sections(out).get(mid) ?? [];
      assert.equal(lines[0], 'm=video 9 UDP/TLS/RTP/SAVPF 102 103 45 46 118 119 120');
      assert.equal(lines.filter((l) => /:(96|97|98|99) /.test(l)).length, 0);
      assert.ok(lines.includes('a=rtcp-fb:102 nack pli'));
    }
    assert.equal(sections(out).get('0')?.join(), sections(OFFER).get('0')?.join());
    // A section with nothing but VPX stays as it was rather than losing every codec.
    const vp8Only = OFFER.replace(
      /m=video 9 UDP\/TLS\/RTP\/SAVPF [\d ]+/g,
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
    );
    assert.equal(CodecsHandler.removeVPX(vp8Only), vp8Only);
  });

  it('disableNACK removes nack for every payload and keeps pli', () => {
    const out = CodecsHandler.disableNACK(OFFER);
    assert.equal(out.match(/ nack/g), null);
    for (const pt of ['96', '102', '98']) {
      assert.equal(
        out.split(`a=rtcp-fb:${pt} pli`).length - 1,
        2,
        `pli for ${pt} in both sections`,
      );
    }
    assert.equal(CodecsHandler.disableNACK(out), out);
    assert.throws(() => CodecsHandler.disableNACK(undefined as unknown as string), {
      name: 'RtcError',
    });
  });

  it('removeNonG722 keeps only G722 in the audio section', () => {
    const out = CodecsHandler.removeNonG722(OFFER);
    const audio = sections(out).get('0') ?? [];
    assert.equal(audio[0], 'm=audio 9 UDP/TLS/RTP/SAVPF 9');
    assert.deepEqual(
      audio.filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):/.test(l)),
      ['a=rtpmap:9 G722/8000'],
    );
    assert.equal(mLine(out, '1'), mLine(OFFER, '1'));
  });

  it('setApplicationSpecificBandwidth writes b=AS/b=TIAS per kind, screen for screens', () => {
    const bw = { audio: 64, video: 512, screen: 1500 };
    const camera = CodecsHandler.setApplicationSpecificBandwidth(OFFER, bw, false);
    const s = sections(camera);
    assert.deepEqual(s.get('0')?.slice(1, 4), ['c=IN IP4 0.0.0.0', 'b=AS:64', 'b=TIAS:64000']);
    for (const mid of ['1', '2']) assert.ok(s.get(mid)?.includes('b=AS:512'));
    assert.equal(
      s.get('3')?.some((l) => l.startsWith('b=')),
      false,
    );
    const screen = BandwidthHandler.setApplicationSpecificBandwidth(OFFER, bw, true);
    for (const mid of ['1', '2']) assert.ok(sections(screen).get(mid)?.includes('b=AS:1500'));
    // v3's defaults (all false) and a missing object change nothing; a value replaces the old one.
    assert.equal(
      CodecsHandler.setApplicationSpecificBandwidth(OFFER, {
        audio: false,
        video: false,
        screen: false,
      }),
      OFFER,
    );
    assert.equal(CodecsHandler.setApplicationSpecificBandwidth(OFFER, undefined), OFFER);
    const again = CodecsHandler.setApplicationSpecificBandwidth(camera, { video: 300 });
    assert.equal(again.match(/b=AS:512/g), null);
    assert.equal(again.match(/b=AS:300/g)?.length, 2);
    assert.equal(again.match(/b=AS:64\r/g)?.length, 1);
  });

  it('setVideoBitrates merges x-google bitrates into every video codec fmtp', () => {
    const out = BandwidthHandler.setVideoBitrates(OFFER, { min: 300, max: 900 });
    for (const mid of ['1', '2']) {
      const lines = sections(out).get(mid) ?? [];
      assert.ok(lines.includes('a=fmtp:96 x-google-min-bitrate=300;x-google-max-bitrate=900'));
      assert.ok(
        lines.includes(
          'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f;x-google-min-bitrate=300;x-google-max-bitrate=900',
        ),
      );
      assert.ok(
        lines.includes('a=fmtp:98 profile-id=0;x-google-min-bitrate=300;x-google-max-bitrate=900'),
      );
      // RTX, RED and ULPFEC are not codecs of their own.
      assert.ok(lines.includes('a=fmtp:97 apt=96'));
      assert.equal(lines.filter((l) => /^a=fmtp:(118|120) /.test(l)).length, 0);
      // One fmtp line per payload type.
      assert.equal(lines.filter((l) => l.startsWith('a=fmtp:96 ')).length, 1);
    }
    // The fmtp line added for VP8 follows its rtpmap line.
    const video = sections(out).get('1') ?? [];
    assert.equal(
      video[video.indexOf('a=rtpmap:96 VP8/90000') + 1],
      'a=fmtp:96 x-google-min-bitrate=300;x-google-max-bitrate=900',
    );
    assert.match(
      CodecsHandler.setVideoBitrates(OFFER),
      /a=fmtp:96 x-google-min-bitrate=228;x-google-max-bitrate=228/,
    );
    assert.match(
      CodecsHandler.setVideoBitrates(OFFER, { max: 2000 }),
      /a=fmtp:96 x-google-max-bitrate=2000\r/,
    );
  });

  it('setOpusAttributes merges into the Opus fmtp line, clamps, and adds a=maxptime', () => {
    // The example in v3's documentation, with connection.bandwidth.audio = 128.
    const out = BandwidthHandler.setOpusAttributes(OFFER, {
      stereo: 1,
      maxaveragebitrate: 128 * 1000 * 8,
      maxplaybackrate: 128 * 1000 * 8,
      maxptime: 3,
    });
    const audio = sections(out).get('0') ?? [];
    assert.ok(
      audio.includes(
        'a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxaveragebitrate=510000;maxplaybackrate=48000',
      ),
    );
    assert.equal(audio.at(-1), 'a=maxptime:3');
    assert.match(
      CodecsHandler.setOpusAttributes(OFFER),
      /a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1\r/,
    );
    assert.match(
      CodecsHandler.setOpusAttributes(OFFER, { stereo: 0, usedtx: 1, useinbandfec: 0 }),
      /a=fmtp:111 minptime=10;useinbandfec=0;stereo=0;sprop-stereo=1;usedtx=1\r/,
    );
    assert.equal(
      CodecsHandler.setOpusAttributes(out, { maxptime: 20 }).match(/a=maxptime/g)?.length,
      1,
    );
    assert.equal(mLine(out, '1'), mLine(OFFER, '1'));
    assert.match(
      CodecsHandler.forceStereoAudio(OFFER),
      /a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1\r/,
    );
  });

  it('keeps LF-only SDP as LF, and handles no trailing newline', () => {
    const lf = OFFER.replaceAll('\r\n', '\n');
    const out = CodecsHandler.removeNonG722(lf);
    assert.equal(out.includes('\r'), false);
    assert.match(out, /m=audio 9 UDP\/TLS\/RTP\/SAVPF 9\n/);
    const bare = OFFER.slice(0, -2);
    assert.equal(CodecsHandler.disableNACK(bare).endsWith('\r\n'), false);
  });

  it('prioritize rejects what is not a MIME type and needs a connection', () => {
    assert.throws(() => CodecsHandler.prioritize('opus', null), { name: 'RtcError' });
    assert.equal(CodecsHandler.prioritize('audio/opus', null), false);
  });
});
