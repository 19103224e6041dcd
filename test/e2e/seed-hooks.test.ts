// The seed's code examples about hooks and helper objects (RTCMultiConnection API reference):
// processSdp with BandwidthHandler / CodecsHandler, codecs, DetectRTC, getStats from
// onPeerStateChanged, and getScreenConstraints overrides. Each runs in real pages on
// dist/rtcmulticonnection.js against our server and checks the descriptions the peers really
// exchanged, the codecs and caps really in use, and that screen sharing still works.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { useE2E } from './harness.js';
import {
  SCREEN,
  connectedTo,
  meet,
  record,
  run,
  runAsync,
  seen,
  until,
  senderCaps,
  useSeedPages,
  waitForAspect,
  waitSeen,
} from './seed-support.js';

/** The codecs a page sends and receives to and from a user (`video/VP8`, `audio/opus`, ...). */
function codecsInUse(page: Page, userid: string): Promise<Record<string, string>> {
  return runAsync(
    page,
    `var report = await connection.peers[${JSON.stringify(userid)}].peer.getStats();
    var out = {};
    report.forEach(function (s) {
      if ((s.type !== 'outbound-rtp' && s.type !== 'inbound-rtp') || !s.codecId) return;
      var codec = report.get(s.codecId);
      if (codec) out[(s.type === 'outbound-rtp' ? 'out ' : 'in ') + s.kind] = codec.mimeType;
    });
    return out;`,
  );
}

/** Waits until both directions of both kinds have a codec between a page and a user. */
async function waitForCodecs(page: Page, userid: string): Promise<Record<string, string>> {
  await until(page, `!!(connection.peers[${JSON.stringify(userid)}] || {}).peer`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const codecs = await codecsInUse(page, userid);
    if (Object.keys(codecs).length === 4) return codecs;
    if (Date.now() > deadline) throw new Error(`codecs: ${JSON.stringify(codecs)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The local and remote SDP of a page's connection to a user. */
function descriptions(page: Page, userid: string): Promise<{ local: string; remote: string }> {
  return run(
    page,
    `var pc = connection.peers[${JSON.stringify(userid)}].peer;
    ({ local: pc.localDescription.sdp, remote: pc.remoteDescription.sdp })`,
  );
}

/** The m-sections of an SDP by kind (`audio`, `video`, `application`): the first of each. */
function section(sdp: string, kind: string): string {
  return (
    sdp
      .split(/\r\n(?=m=)/)
      .slice(1)
      .find((s) => s.startsWith(`m=${kind}`)) ?? ''
  );
}

describe('seed examples: hooks and helpers', { timeout: 180_000 }, () => {
  const env = useE2E();
  const pages = useSeedPages(env);

  it('processSdp with BandwidthHandler: b=AS, video bitrates and Opus attributes in the SDP the peers exchange', async () => {
    const seed = `
      var BandwidthHandler = connection.BandwidthHandler;
      connection.bandwidth = {
          audio: 128,
          video: 256,
          screen: 300
      };
      connection.processSdp = function(sdp) {
          sdp = BandwidthHandler.setApplicationSpecificBandwidth(sdp, connection.bandwidth, !!connection.session.screen);
          sdp = BandwidthHandler.setVideoBitrates(sdp, {
              min: connection.bandwidth.video,
              max: connection.bandwidth.video
          });
          sdp = BandwidthHandler.setOpusAttributes(sdp);
          sdp = BandwidthHandler.setOpusAttributes(sdp, {
              'stereo': 1,
              //'sprop-stereo': 1,
              'maxaveragebitrate': connection.bandwidth.audio * 1000 * 8,
              'maxplaybackrate': connection.bandwidth.audio * 1000 * 8,
              //'cbr': 1,
              //'useinbandfec': 1,
              // 'usedtx': 1,
              'maxptime': 3
          });
          return sdp;
      };`;
    const a = await pages.open({ userid: 'bwh-a', seed });
    const b = await pages.open({ userid: 'bwh-b', seed });
    await meet('seed-bandwidth-handler', a.page, b.page);
    await connectedTo(a.page, ['bwh-b']);
    const { local } = await descriptions(a.page, 'bwh-b');
    const { remote } = await descriptions(b.page, 'bwh-a');
    for (const sdp of [local, remote]) {
      const audio = section(sdp, 'audio');
      const video = section(sdp, 'video');
      // b=AS (kbps) or b=TIAS (bps): either caps what the peer sends.
      assert.match(audio, /\r\nb=(AS:128|TIAS:128000)\r\n/);
      assert.match(video, /\r\nb=(AS:256|TIAS:256000)\r\n/);
      assert.match(
        video,
        /x-google-min-bitrate=256;x-google-max-bitrate=256|x-google-max-bitrate=256;x-google-min-bitrate=256/,
      );
      assert.match(audio, /a=fmtp:\d+ .*stereo=1/);
      assert.match(audio, /maxaveragebitrate=510000/);
      assert.match(audio, /\r\na=maxptime:3\r\n/);
    }
    // connection.bandwidth itself caps what is sent (RTCRtpSender.setParameters).
    const caps = await senderCaps(a.page, 'bwh-b');
    assert.deepEqual(caps, { audio: 128_000, video: 256_000 });
    await waitForAspect(b.page, 'bwh-a', 4 / 3);
  });

  it("codecs: connection.codecs.video = 'H264', or 'VP8' with connection.codecs.audio = 'G722'", async () => {
    const h264 = `connection.codecs.video = 'H264';`;
    const a = await pages.open({ userid: 'h264-a', seed: h264 });
    const b = await pages.open({ userid: 'h264-b', seed: h264 });
    await meet('seed-h264', a.page, b.page);
    const first = await waitForCodecs(a.page, 'h264-b');
    assert.equal(first['out video'], 'video/H264');
    assert.equal(first['in video'], 'video/H264');
    const vp8 = `
      connection.codecs.video = 'VP8';
      connection.codecs.audio = 'G722';`;
    const c = await pages.open({ userid: 'vp8-c', seed: vp8 });
    const d = await pages.open({ userid: 'vp8-d', seed: vp8 });
    await meet('seed-vp8-g722', c.page, d.page);
    assert.deepEqual(await waitForCodecs(c.page, 'vp8-d'), {
      'out audio': 'audio/G722',
      'in audio': 'audio/G722',
      'out video': 'video/VP8',
      'in video': 'video/VP8',
    });
  });

  it('processSdp with CodecsHandler.disableNACK: no NACK in the SDP, video still flows', async () => {
    // `<script src="/dev/CodecsHandler.js">` cannot load here; the page takes the same object
    // from the connection (v3 bundles it too).
    const seed = `
      var CodecsHandler = connection.CodecsHandler;
      connection.processSdp = function(sdp) {
          // Disable NACK to test IDR recovery
          sdp = CodecsHandler.disableNACK(sdp);
          return sdp;
      };`;
    const a = await pages.open({ userid: 'nack-a', seed });
    const b = await pages.open({ userid: 'nack-b', seed });
    await meet('seed-disable-nack', a.page, b.page);
    await waitForAspect(b.page, 'nack-a', 4 / 3);
    const { local, remote } = await descriptions(a.page, 'nack-b');
    assert.match(section(remote, 'video'), /a=rtcp-fb:\d+ transport-cc/);
    for (const sdp of [local, remote]) assert.doesNotMatch(sdp, /a=rtcp-fb:\d+ nack/);
  });

  it("CodecsHandler.prioritize('audio/opus', peer) for Firefox (and here on Chromium)", async () => {
    const a = await pages.open({
      userid: 'prio-a',
      setup: `var CodecsHandler = connection.CodecsHandler; // <script src="/dev/CodecsHandler.js">`,
    });
    const b = await pages.open({ userid: 'prio-b' });
    await meet('seed-prioritize', a.page, b.page);
    await connectedTo(a.page, ['prio-b']);
    const snippet = (condition: string) => `
      if(${condition}) {
          connection.getAllParticipants().forEach(function(p) {
              var peer = connection.peers[p].peer;
              CodecsHandler.prioritize('audio/opus', peer);
          });
      }`;
    await run(a.page, snippet(`connection.DetectRTC.browser.name === 'Firefox'`));
    // The same body on this browser: Opus goes first; the call goes on with it.
    await run(a.page, snippet(`connection.DetectRTC.browser.name === 'Chrome'`));
    await run(a.page, `connection.renegotiate()`);
    const first = await runAsync<string[]>(
      a.page,
      `return connection.peers['prio-b'].peer.getTransceivers()
        .filter(function (t) { return t.receiver.track.kind === 'audio'; })
        .map(function (t) { return t.sender.getParameters().codecs[0].mimeType; });`,
    );
    assert.ok(first.length > 0 && first.every((m) => m === 'audio/opus'), first.join());
    const codecs = await waitForCodecs(a.page, 'prio-b');
    assert.equal(codecs['out audio'], 'audio/opus');
  });

  it('DetectRTC: browser.isChrome, connection.UA, hasWebcam / hasMicrophone / hasSpeakers', async () => {
    // The seed reads `media.hasWebcam`: `media` is the DetectRTC object once loaded.
    const a = await pages.open({
      userid: 'detect',
      seed: `
        if(connection.DetectRTC.browser.isChrome) {
            // it is Chrome
            note('chrome');
        }
        // you can even set backward compatibility hack
        connection.UA = connection.DetectRTC.browser;
        if(connection.UA.isChrome) { note('ua'); }
        connection.DetectRTC.load(function () {
            var media = connection.DetectRTC;
            if(media.hasWebcam) { note('webcam'); }
            if(media.hasMicrophone) { note('microphone'); }
            if(media.hasSpeakers) { note('speakers'); }
            note('loaded', typeof media.hasSpeakers);
        });`,
    });
    assert.deepEqual(await waitSeen(a.page, 'loaded'), [['boolean']]);
    assert.deepEqual(await seen(a.page, 'chrome'), [[]]);
    assert.deepEqual(await seen(a.page, 'ua'), [[]]);
    assert.deepEqual(await seen(a.page, 'webcam'), [[]]);
    assert.deepEqual(await seen(a.page, 'microphone'), [[]]);
    assert.equal(await run(a.page, `connection.DetectRTC.browser.name`), 'Chrome');
  });

  it('multiPeersHandler.onPeerStateChanged and getStats(peer, callback, 5000): the connection type', async () => {
    // getStats.js is not loaded from anywhere: the page takes RTCMultiConnection.getStats.
    const a = await pages.open({
      userid: 'stats-a',
      setup: `
        var getStats = RTCMultiConnection.getStats; // <script src="getStats.js">
        console.debug = function () { note.apply(null, ['debug'].concat([].slice.call(arguments))); };`,
      seed: `
        connection.multiPeersHandler.onPeerStateChanged = function(state) {
            if (state.iceConnectionState.search(/disconnected|closed|failed/gi) === -1 && !connection.isConnected) {
                connection.isConnected = true;
                var peer = connection.peers[state.userid].peer;
                getStats(peer, function(result) {
                    if (!result || !result.connectionType) return;
                    // "relay" means TURN server
                    // "srflx" or "prflx" means STUN server
                    // "host" means neither STUN, nor TURN
                    console.debug('Incoming stream is using:', result.connectionType.remote.candidateType);
                    console.debug('Outgoing stream is using:', result.connectionType.local.candidateType);
                    // user external ip-addresses
                    console.debug('Remote user ip-address:', result.connectionType.remote.ipAddress);
                    console.debug('Local user ip-address:', result.connectionType.local.ipAddress);
                    // UDP is a real media port; TCP is a fallback.
                    console.debug('Peers are connected on port:', result.connectionType.transport);
                }, 5000);
                return;
            }
        };`,
    });
    const b = await pages.open({ userid: 'stats-b' });
    await meet('seed-get-stats', a.page, b.page);
    // The first result may come before ICE has chosen a pair; the next comes 5 s later.
    await until(
      a.page,
      `(seen.debug || []).some(function (d) { return d[0] === 'Peers are connected on port:' && d[1] === 'udp'; })`,
      15_000,
    );
    const lines = (await seen(a.page, 'debug')).slice(-5);
    assert.deepEqual(lines[0], ['Incoming stream is using:', ['host']]);
    assert.deepEqual(lines[1], ['Outgoing stream is using:', ['host']]);
    assert.match(String((lines[2] as string[][])[1]), /^127\.0\.0\.1:\d+$/);
    assert.match(String((lines[3] as string[][])[1]), /^127\.0\.0\.1:\d+$/);
    assert.equal(await run(a.page, 'connection.isConnected'), true);
  });

  it('getScreenConstraints overrides: deleting Chrome `mandatory` keys, a minimal `mandatory`, Firefox width/height', async () => {
    const variants = [
      `connection.__getScreenConstraints = connection.getScreenConstraints;
      connection.getScreenConstraints = function(callback) {
          connection.__getScreenConstraints(function(error, screen_constraints) {
              if (connection.DetectRTC.browser.name === 'Chrome') {
                  delete screen_constraints.mandatory.minAspectRatio;
                  delete screen_constraints.mandatory.googLeakyBucket;
                  delete screen_constraints.mandatory.googTemporalLayeredScreencast;
                  delete screen_constraints.mandatory.maxWidth;
                  delete screen_constraints.mandatory.maxHeight;
                  delete screen_constraints.mandatory.minFrameRate;
                  delete screen_constraints.mandatory.maxFrameRate;
              }
              note('override', 1, error);
              callback(error, screen_constraints);
          });
      };`,
      `connection.__getScreenConstraints = connection.getScreenConstraints;
      connection.getScreenConstraints = function(callback) {
          connection.__getScreenConstraints(function(error, screen_constraints) {
              if (connection.DetectRTC.browser.name === 'Chrome') {
                  screen_constraints.mandatory = {
                      chromeMediaSource: screen_constraints.mandatory.chromeMediaSource,
                      chromeMediaSourceId: screen_constraints.mandatory.chromeMediaSourceId
                  };
              }
              note('override', 2, error);
              callback(error, screen_constraints);
          });
      };`,
      `connection.__getScreenConstraints = connection.getScreenConstraints;
      connection.getScreenConstraints = function(callback) {
          connection.__getScreenConstraints(function(error, screen_constraints) {
              if (connection.DetectRTC.browser.name === 'Chrome') {
                  delete screen_constraints.mandatory.minAspectRatio;
              }
              if (connection.DetectRTC.browser.name === 'Firefox') {
                  delete screen_constraints.width;
                  delete screen_constraints.height;
              }
              note('override', 3, error);
              callback(error, screen_constraints);
          });
      };`,
    ];
    const a = await pages.open({ userid: 'gsc-a' });
    const b = await pages.open({ userid: 'gsc-b' });
    await record(b.page, ['onstream', 'onstreamended']);
    await meet('seed-screen-constraints', a.page, b.page);
    for (const [i, variant] of variants.entries()) {
      // Each override wraps the library's own getScreenConstraints, as the seed's does.
      await run(
        a.page,
        `connection.getScreenConstraints = RTCMultiConnection.prototype.getScreenConstraints; ${variant}`,
      );
      await run(a.page, `connection.addStream({ screen: true, oneway: true });`);
      await until(
        b.page,
        `connection.streamEvents.selectAll({ remote: true, isScreen: true }).length === 1`,
      );
      await until(
        b.page,
        `(function (v) { return v.videoWidth > 0 && Math.abs(v.videoWidth / v.videoHeight / ${SCREEN} - 1) < 0.04; })(connection.streamEvents.selectFirst({ remote: true, isScreen: true }).mediaElement)`,
      );
      await run(a.page, `connection.removeStream('screen');`);
      await waitSeen(b.page, 'onstreamended', i + 1);
    }
    assert.deepEqual(await seen(a.page, 'override'), [
      [1, null],
      [2, null],
      [3, null],
    ]);
  });

  it('getScreenConstraints with getScreenId.js (and /dev/globals.js): modifyScreenConstraints, with or without audioPlusTab', async () => {
    // getScreenId.js (from cdn.webrtc-experiment.com) and /dev/globals.js cannot load here: local
    // stand-ins give what they gave (v3's isAudioPlusTab; getScreenId's Chrome-extension answer,
    // legacy constraints with a desktop source id) and note their calls.
    const head = `<script>
      function isAudioPlusTab(connection, audioPlusTab) {
        if (connection.session.audio && connection.session.audio === 'two-way') return false;
        return audioPlusTab === true;
      }
      function getScreenConstraints(callback, audioPlusTab) {
        note('getScreenId', !!audioPlusTab);
        callback(null, {
          mandatory: { chromeMediaSource: 'desktop', chromeMediaSourceId: 'stand-in-source', maxWidth: 1920, maxHeight: 1080 },
          optional: []
        });
      }
    </script>`;
    const variants = [
      `// Using getScreenId.js to capture screen from any domain
      // You do NOT need to deploy Chrome Extension YOUR-Self!!
      connection.getScreenConstraints = function(callback, audioPlusTab) {
          if (isAudioPlusTab(connection, audioPlusTab)) {
              audioPlusTab = true;
          }
          getScreenConstraints(function(error, screen_constraints) {
              if (!error) {
                  screen_constraints = connection.modifyScreenConstraints(screen_constraints);
                  callback(error, screen_constraints);
              }
          }, audioPlusTab);
      };`,
      `// Using getScreenId.js to capture screen from any domain
      // You do NOT need to deploy Chrome Extension YOUR-Self!!
      connection.getScreenConstraints = function(callback) {
          getScreenConstraints(function(error, screen_constraints) {
              if (!error) {
                  screen_constraints = connection.modifyScreenConstraints(screen_constraints);
                  callback(error, screen_constraints);
              }
          });
      };`,
    ];
    const a = await pages.open({ userid: 'gsi-a', head });
    const b = await pages.open({ userid: 'gsi-b' });
    await record(b.page, ['onstreamended']);
    await meet('seed-get-screen-id', a.page, b.page);
    for (const [i, variant] of variants.entries()) {
      await run(a.page, variant);
      await run(a.page, `connection.addStream({ screen: true, oneway: true });`);
      await until(
        b.page,
        `(function (e) { return e && e.mediaElement.videoWidth > 0; })(connection.streamEvents.selectFirst({ remote: true, isScreen: true }))`,
      );
      await run(a.page, `connection.removeStream('screen');`);
      await waitSeen(b.page, 'onstreamended', i + 1);
    }
    assert.deepEqual(await seen(a.page, 'getScreenId'), [[false], [false]]);
  });
});
