// Bits on the wire, measured with getStats in independent pages: bitrate caps, codecs, mute.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useE2E } from './harness.js';
import { codecsInUse, tiles, videoKbps } from './media-probe.js';
import {
  countEvents,
  roundTrip,
  setRoom,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForPeers,
} from './pages.js';

const AV = 'audio video';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('media on the wire: bandwidth, codecs, mute', { timeout: 180_000 }, () => {
  const env = useE2E();
  const pages = useApiPages(env);

  it('bandwidth-video="300" keeps the measured video under 300 kbps (+10%) for 5 s; raising it live takes effect', async () => {
    const roomId = 'bw-video';
    const a = await pages.open({
      roomId,
      userId: 'bw-a',
      session: AV,
      attributes: {
        'bandwidth-video': 300,
        // A large picture, so that without a cap the encoder would send far more than 300 kbps.
        'media-constraints': JSON.stringify({ audio: true, video: { width: 1280, height: 720 } }),
      },
    });
    const b = await pages.open({ roomId, userId: 'bw-b', session: AV });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForPeers(a.page, ['bw-b']);
    await pause(3000); // let bandwidth estimation ramp up to whatever the cap allows

    const [capped, received] = await Promise.all([
      videoKbps(a.page, 'bw-b', 'out', 5000),
      videoKbps(b.page, 'bw-a', 'in', 5000),
    ]);
    console.log(
      `bandwidth-video=300: sent ${capped.toFixed(0)} kbps, received ${received.toFixed(0)} kbps`,
    );
    assert.ok(capped > 50, `video is flowing (${capped} kbps)`);
    assert.ok(capped <= 330, `sent ${capped} kbps with a 300 kbps cap`);
    assert.ok(received <= 330, `received ${received} kbps with a 300 kbps cap`);

    // The owner of the page raises the cap: no renegotiation, the encoder follows.
    await setRoom(a.page, { bandwidthVideo: 1500 });
    const maxBitrates = await a.page.evaluate(() => {
      const pc = document.querySelector('rtc-room')!.connection!.peerConnection('bw-b')!;
      const sender = pc.getSenders().find((s) => s.track?.kind === 'video')!;
      return sender.getParameters().encodings.map((e) => e.maxBitrate);
    });
    assert.deepEqual(maxBitrates, [1_500_000]);
    // The encoder ramps up as bandwidth estimation grows (slowly, from Chromium's 300 kbps start):
    // sample 2 s windows until it is clearly past the old cap (or 40 s have gone by).
    const windows: number[] = [];
    for (let i = 0; i < 20 && !(windows.at(-1)! > 400); i++) {
      windows.push(await videoKbps(a.page, 'bw-b', 'out', 2000));
    }
    console.log(`bandwidth-video=1500: sent ${windows.map((k) => k.toFixed(0)).join(', ')} kbps`);
    const raised = Math.max(...windows);
    assert.ok(raised > 400, `raising the cap lets more through (${raised} kbps)`);
    assert.ok(
      windows.every((k) => k <= 1650),
      `still capped at 1500 kbps (${windows.join(', ')})`,
    );

    // And lowering it again, through the attribute.
    await a.page.evaluate(() =>
      document.querySelector('rtc-room')!.setAttribute('bandwidth-video', '150'),
    );
    await pause(2000);
    const lowered = await videoKbps(a.page, 'bw-b', 'out', 5000);
    console.log(`bandwidth-video=150: sent ${lowered.toFixed(0)} kbps`);
    assert.ok(lowered <= 165, `lowered to 150 kbps (${lowered} kbps)`);
  });

  it('codec-video="vp9" and codec-audio="g722" are what goes out and comes in', async () => {
    const roomId = 'codecs';
    const a = await pages.open({
      roomId,
      userId: 'codec-a',
      session: AV,
      attributes: { 'codec-video': 'vp9', 'codec-audio': 'g722' },
    });
    const b = await pages.open({ roomId, userId: 'codec-b', session: AV });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForPeers(a.page, ['codec-b']);
    await pause(1500);
    const sent = await codecsInUse(a.page, 'codec-b');
    const got = await codecsInUse(b.page, 'codec-a');
    assert.equal(sent.outVideo, 'video/VP9');
    assert.equal(got.inVideo, 'video/VP9');
    assert.equal(sent.outAudio, 'audio/G722');
    assert.equal(got.inAudio, 'audio/G722');
    // The library's own summary agrees.
    const stats = (await succeeds(a.page, 'getStats', 'codec-b')) as { videoCodec: string };
    assert.equal(stats.videoCodec, 'video/VP9');

    // Without a preference the browser's default (VP8) is used: the attribute is what changed it.
    const c = await pages.open({ roomId: 'codecs-default', userId: 'codec-c', session: AV });
    const d = await pages.open({ roomId: 'codecs-default', userId: 'codec-d', session: AV });
    await succeeds(c.page, 'open');
    await succeeds(d.page, 'join');
    await waitForPeers(c.page, ['codec-d']);
    await pause(1500);
    assert.notEqual((await codecsInUse(c.page, 'codec-d')).outVideo, 'video/VP9');
  });

  it('mute("video") cuts the sent video to near zero, peers get one rtc-mute and show the name', async () => {
    const roomId = 'mute-bits';
    const a = await pages.open({ roomId, userId: 'mb-a', session: AV, name: 'Ann' });
    const b = await pages.open({ roomId, userId: 'mb-b', session: AV, grid: true });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForPeers(a.page, ['mb-b']);
    await pause(2000);
    const before = await videoKbps(a.page, 'mb-b', 'out', 3000);
    assert.ok(before > 100, `video flows before muting (${before} kbps)`);

    await succeeds(a.page, 'mute', 'video');
    await pause(500);
    const sent = await videoKbps(a.page, 'mb-b', 'out', 4000);
    const received = await videoKbps(b.page, 'mb-a', 'in', 4000);
    console.log(
      `video before mute ${before.toFixed(0)} kbps; muted: sent ${sent.toFixed(1)}, received ${received.toFixed(1)} kbps`,
    );
    assert.ok(sent < 5, `muted video still sends ${sent} kbps`);
    assert.ok(received < 5, `muted video still arrives at ${received} kbps`);

    await waitForEvent(b.page, 'rtc-mute', { userId: 'mb-a', kind: 'video' });
    await b.page.waitForFunction(() =>
      document
        .querySelector('rtc-video-grid')!
        .shadowRoot!.querySelector('figure[data-user-id="mb-a"][data-video-off]'),
    );
    const placard = await b.page.evaluate(
      () =>
        document
          .querySelector('rtc-video-grid')!
          .shadowRoot!.querySelector('figure[data-user-id="mb-a"] .placard')!.textContent,
    );
    assert.equal(placard.trim(), 'Ann');

    await succeeds(a.page, 'unmute', 'video');
    await waitForEvent(b.page, 'rtc-unmute', { userId: 'mb-a', kind: 'video' });
    await pause(1500);
    const after = await videoKbps(b.page, 'mb-a', 'in', 3000);
    assert.ok(after > 50, `video flows again after unmute (${after} kbps)`);
    assert.ok(!(await tiles(b.page)).some((t) => t.videoOff), 'no tile shown as camera off');

    // `both` is one event with kind "both", and audio stops too.
    await succeeds(a.page, 'mute', 'both');
    await waitForEvent(b.page, 'rtc-mute', { userId: 'mb-a', kind: 'both' });
    await roundTrip(a.page);
    await roundTrip(b.page);
    assert.equal(await countEvents(b.page, 'rtc-mute', { userId: 'mb-a' }), 2);
    assert.equal(await countEvents(b.page, 'rtc-unmute', { userId: 'mb-a' }), 1);
    const audio = await a.page.evaluate(async () => {
      const pc = document.querySelector('rtc-room')!.connection!.peerConnection('mb-b')!;
      const sender = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
      return sender.getParameters().encodings.map((e) => e.active);
    });
    assert.deepEqual(audio, [false]);
  });
});
