import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preferCodec, setBandwidth, setOpusParameters } from '../../src/engine/media/sdp.js';

// A trimmed unified-plan offer as Chromium writes it: mids are numbers, two video sections.
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 9 0',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 45',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=98',
  'a=rtpmap:45 AV1/90000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99',
  'c=IN IP4 0.0.0.0',
  'a=mid:2',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=98',
  '',
].join('\r\n');

const mLines = (sdp: string) => sdp.split('\r\n').filter((l) => l.startsWith('m='));

describe('SDP helpers (unified plan)', () => {
  it('preferCodec puts the codec and its RTX first in every section of that kind', () => {
    const out = preferCodec(OFFER, 'video', 'vp9');
    assert.deepEqual(mLines(out), [
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 9 0',
      'm=video 9 UDP/TLS/RTP/SAVPF 98 99 96 97 45',
      'm=video 9 UDP/TLS/RTP/SAVPF 98 99 96 97',
    ]);
    assert.deepEqual(
      mLines(preferCodec(OFFER, 'audio', 'g722'))[0],
      'm=audio 9 UDP/TLS/RTP/SAVPF 9 111 0',
    );
    // A codec a section lacks leaves it alone.
    assert.deepEqual(mLines(preferCodec(OFFER, 'video', 'av1')).slice(1), [
      'm=video 9 UDP/TLS/RTP/SAVPF 45 96 97 98 99',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99',
    ]);
    assert.ok(out.endsWith('\r\n'));
  });

  it('setBandwidth writes b=AS (kbps) and b=TIAS (bps) after c= in every section of that kind', () => {
    const out = setBandwidth(OFFER, 'video', 300);
    const lines = out.split('\r\n');
    const asLines = lines.filter((l) => l.startsWith('b=AS:'));
    assert.deepEqual(asLines, ['b=AS:300', 'b=AS:300']);
    assert.equal(lines.filter((l) => l === 'b=TIAS:300000').length, 2);
    const mid1 = lines.indexOf('a=mid:1');
    assert.equal(lines[mid1 - 3], 'c=IN IP4 0.0.0.0');
    assert.equal(lines[mid1 - 2], 'b=AS:300');
    // The audio section is untouched, and removing the limit removes the lines.
    assert.equal(
      lines.slice(0, lines.indexOf('a=mid:0')).some((l) => l.startsWith('b=')),
      false,
    );
    assert.equal(setBandwidth(out, 'video', undefined), OFFER);
  });

  it('setOpusParameters merges into the fmtp line (bps units), adding one when missing', () => {
    const out = setOpusParameters(OFFER, { stereo: 1, maxaveragebitrate: 64000 });
    assert.ok(
      out.includes('a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;maxaveragebitrate=64000'),
    );
    const bare = OFFER.replace('a=fmtp:111 minptime=10;useinbandfec=1\r\n', '');
    assert.ok(
      setOpusParameters(bare, { usedtx: 1 }).includes(
        'a=rtpmap:111 opus/48000/2\r\na=fmtp:111 usedtx=1',
      ),
    );
  });
});
