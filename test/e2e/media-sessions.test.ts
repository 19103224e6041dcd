// Who sends what to whom: app streams, dont-* switches, per-peer hooks, one-way sessions,
// stats, and the keyboard-driven media controls, in independent pages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { useE2E } from './harness.js';
import { videoKbps } from './media-probe.js';
import {
  countEvents,
  events,
  roundTrip,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForPeers,
  waitForRemoteVideos,
} from './pages.js';

const AV = 'audio video';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ids of the remote streams a page received (rtc-stream) and still has, by sender. */
async function receivedFrom(page: Page, userId: string): Promise<string[]> {
  return page.evaluate(
    (userId) =>
      document
        .querySelector('rtc-room')!
        .streams.filter((s) => s.type === 'remote' && s.userId === userId)
        .map((s) => s.stream.id),
    userId,
  );
}

/** Kinds of the tracks a page's connection to a user really sends (senders with a live track). */
async function sendingKinds(page: Page, userId: string): Promise<string[]> {
  return page.evaluate((userId) => {
    const pc = document.querySelector('rtc-room')!.connection!.peerConnection(userId)!;
    return pc
      .getSenders()
      .filter((s) => s.track && s.track.readyState === 'live')
      .map((s) => s.track!.kind)
      .sort();
  }, userId);
}

/** Starts a moving 320x240 canvas stream in the page (with no audio); returns its id. */
function canvasStream(page: Page): Promise<string> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const g = canvas.getContext('2d')!;
    setInterval(() => {
      g.fillStyle = `hsl(${Date.now() % 360} 80% 50%)`;
      g.fillRect(0, 0, 320, 240);
    }, 40);
    const stream = canvas.captureStream(25);
    (window as unknown as { appStream: MediaStream }).appStream = stream;
    return stream.id;
  });
}

describe(
  'media sessions: app streams, switches, hooks, one-way, stats, controls',
  { timeout: 180_000 },
  () => {
    const env = useE2E();
    const pages = useApiPages(env);

    it('dont-capture: the app adds its own stream, for everyone or one user, and takes it back', async () => {
      const roomId = 'app-streams';
      const a = await pages.open({
        roomId,
        userId: 'as-a',
        session: AV,
        attributes: { 'dont-capture': true },
      });
      const b = await pages.open({ roomId, userId: 'as-b', session: AV });
      const c = await pages.open({ roomId, userId: 'as-c', session: AV });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await waitForPeers(a.page, ['as-b', 'as-c']);
      assert.deepEqual(await sendingKinds(a.page, 'as-b'), [], 'nothing captured');
      assert.equal(
        await a.page.evaluate(
          () =>
            document.querySelector('rtc-room')!.streams.filter((s) => s.type === 'local').length,
        ),
        0,
      );

      // The whole room gets the app's stream, with its id.
      const everyone = await canvasStream(a.page);
      await a.page.evaluate(() => {
        const room = document.querySelector('rtc-room')!;
        return room.addStream((window as unknown as { appStream: MediaStream }).appStream);
      });
      await waitForEvent(b.page, 'rtc-stream', { userId: 'as-a', stream: `stream:${everyone}` });
      await waitForEvent(c.page, 'rtc-stream', { userId: 'as-a', stream: `stream:${everyone}` });

      // A camera stream captured now, only for C.
      const onlyC = (await succeeds(a.page, 'addStream', { video: true }, 'as-c')) as string;
      await waitForEvent(c.page, 'rtc-stream', { userId: 'as-a', stream: onlyC });
      await roundTrip(b.page);
      await pause(1000);
      assert.deepEqual(await receivedFrom(b.page, 'as-a'), [everyone], "B does not get C's stream");

      // Taken back from C only, then the app's stream from everyone.
      await succeeds(a.page, 'removeStream', onlyC.slice('stream:'.length), 'as-c');
      await waitForEvent(c.page, 'rtc-stream-ended', { userId: 'as-a', stream: onlyC });
      await succeeds(a.page, 'removeStream', everyone);
      await waitForEvent(b.page, 'rtc-stream-ended', {
        userId: 'as-a',
        stream: `stream:${everyone}`,
      });
      await waitForEvent(c.page, 'rtc-stream-ended', {
        userId: 'as-a',
        stream: `stream:${everyone}`,
      });
      // renegotiate() with one user and with everyone leaves every connection up.
      await succeeds(a.page, 'renegotiate', 'as-b');
      await succeeds(a.page, 'renegotiate');
      await waitForPeers(a.page, ['as-b', 'as-c']);
      assert.equal(await countEvents(a.page, 'rtc-error'), 0);
    });

    it('dont-attach-stream sends nothing; dont-get-remote-stream receives nothing', async () => {
      const roomId = 'dont-switches';
      const quiet = await pages.open({
        roomId,
        userId: 'ds-quiet',
        session: AV,
        attributes: { 'dont-attach-stream': true },
      });
      const deaf = await pages.open({
        roomId,
        userId: 'ds-deaf',
        session: AV,
        attributes: { 'dont-get-remote-stream': true },
      });
      const plain = await pages.open({ roomId, userId: 'ds-plain', session: AV, grid: true });
      await succeeds(quiet.page, 'open');
      await succeeds(deaf.page, 'join');
      await succeeds(plain.page, 'join');
      await waitForPeers(quiet.page, ['ds-deaf', 'ds-plain']);
      // The plain page gets the deaf page's camera, and nothing from the quiet one.
      await waitForRemoteVideos(plain.page, 1);
      await pause(1500);
      assert.deepEqual(await receivedFrom(plain.page, 'ds-quiet'), []);
      assert.equal((await receivedFrom(plain.page, 'ds-deaf')).length, 1);
      assert.deepEqual(await sendingKinds(quiet.page, 'ds-plain'), []);
      // The quiet page still captured (its own preview) and still receives.
      assert.equal((await receivedFrom(quiet.page, 'ds-plain')).length, 1);
      assert.equal((await events(quiet.page, 'rtc-stream', { type: 'local' })).length, 1);
      // The deaf page receives nothing from anyone, but sends.
      assert.deepEqual(await receivedFrom(deaf.page, 'ds-plain'), []);
      assert.deepEqual(await receivedFrom(deaf.page, 'ds-quiet'), []);
      assert.deepEqual(await sendingKinds(deaf.page, 'ds-plain'), ['audio', 'video']);
      assert.ok((await videoKbps(plain.page, 'ds-deaf', 'in', 2000)) > 30, 'its video arrives');
    });

    it('setUserPreferences and beforeAddingStream decide per peer', async () => {
      const roomId = 'hooks';
      const a = await pages.open({ roomId, userId: 'hk-a', session: AV });
      await a.page.evaluate(() => {
        const room = document.querySelector('rtc-room')!;
        // Nothing of ours for hk-b; nothing of hk-c's for us.
        room.setUserPreferences = (preferences, userId) =>
          userId === 'hk-b'
            ? { ...preferences, dontAttachLocalStream: true }
            : userId === 'hk-c'
              ? { ...preferences, dontGetRemoteStream: true }
              : preferences;
        // Our screen never goes to hk-d.
        room.beforeAddingStream = (stream, userId) =>
          !(userId === 'hk-d' && stream.getVideoTracks()[0]?.label.startsWith('screen'));
      });
      const b = await pages.open({ roomId, userId: 'hk-b', session: AV });
      const c = await pages.open({ roomId, userId: 'hk-c', session: AV });
      const d = await pages.open({ roomId, userId: 'hk-d', session: AV });
      await succeeds(a.page, 'open');
      for (const p of [b, c, d]) await succeeds(p.page, 'join');
      await waitForPeers(a.page, ['hk-b', 'hk-c', 'hk-d']);
      await waitForEvent(c.page, 'rtc-stream', { userId: 'hk-a', type: 'remote' });
      await waitForEvent(d.page, 'rtc-stream', { userId: 'hk-a', type: 'remote' });
      await waitForEvent(a.page, 'rtc-stream', { userId: 'hk-b', type: 'remote' });
      await pause(1500);
      assert.deepEqual(await receivedFrom(b.page, 'hk-a'), [], 'hk-b gets nothing from us');
      assert.deepEqual(await receivedFrom(a.page, 'hk-c'), [], 'we take nothing from hk-c');
      assert.equal((await receivedFrom(c.page, 'hk-a')).length, 1, 'hk-c still gets ours');

      assert.equal(await succeeds(a.page, 'shareScreen'), true);
      await waitForEvent(c.page, 'rtc-stream', { userId: 'hk-a', isScreen: true });
      await pause(1500);
      assert.equal(await countEvents(d.page, 'rtc-stream', { userId: 'hk-a', isScreen: true }), 0);
      assert.equal((await receivedFrom(d.page, 'hk-a')).length, 1, 'hk-d keeps the camera');
    });

    it('one-way sessions: viewers send nothing and receive; "audio:two-way" lets them talk back', async () => {
      const host = await pages.open({
        roomId: 'oneway',
        userId: 'ow-host',
        session: 'audio video oneway',
      });
      const viewer = await pages.open({
        roomId: 'oneway',
        userId: 'ow-viewer',
        session: 'audio video oneway',
        grid: true,
      });
      await succeeds(host.page, 'open');
      await succeeds(viewer.page, 'join');
      await waitForRemoteVideos(viewer.page, 1);
      await pause(1000);
      assert.deepEqual(await sendingKinds(viewer.page, 'ow-host'), []);
      assert.deepEqual(await receivedFrom(host.page, 'ow-viewer'), []);
      assert.equal(
        (await events(viewer.page, 'rtc-stream', { type: 'local' })).length,
        0,
        'no capture',
      );
      assert.ok(
        (await videoKbps(viewer.page, 'ow-host', 'in', 2000)) > 30,
        "the host's video arrives",
      );

      const talker = await pages.open({
        roomId: 'two-way',
        userId: 'tw-host',
        session: 'audio:two-way video oneway',
      });
      const listener = await pages.open({
        roomId: 'two-way',
        userId: 'tw-viewer',
        session: 'audio:two-way video oneway',
      });
      await succeeds(talker.page, 'open');
      await succeeds(listener.page, 'join');
      await waitForEvent(talker.page, 'rtc-stream', { userId: 'tw-viewer', type: 'remote' });
      await waitForEvent(listener.page, 'rtc-stream', { userId: 'tw-host', type: 'remote' });
      assert.deepEqual(await sendingKinds(listener.page, 'tw-host'), ['audio']);
      assert.deepEqual(await sendingKinds(talker.page, 'tw-viewer'), ['audio', 'video']);
      const audioIn = await talker.page.evaluate(async () => {
        const pc = document.querySelector('rtc-room')!.connection!.peerConnection('tw-viewer')!;
        const first = await pc.getStats();
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const last = await pc.getStats();
        let before = 0;
        let after = 0;
        first.forEach((s: Record<string, unknown>) => {
          if (s['type'] === 'inbound-rtp' && s['kind'] === 'audio')
            before += Number(s['packetsReceived']);
        });
        last.forEach((s: Record<string, unknown>) => {
          if (s['type'] === 'inbound-rtp' && s['kind'] === 'audio')
            after += Number(s['packetsReceived']);
        });
        return after - before;
      });
      assert.ok(audioIn > 20, `the viewer's audio arrives (${audioIn} packets in 1.5 s)`);
    });

    it('getStats(userId) summarises the connection and <rtc-video-grid show-stats> shows it', async () => {
      const a = await pages.open({ roomId: 'stats', userId: 'st-a', session: AV });
      const b = await pages.open({
        roomId: 'stats',
        userId: 'st-b',
        session: AV,
        grid: 'show-stats',
      });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForRemoteVideos(b.page, 1);
      await succeeds(b.page, 'getStats', 'st-a');
      await pause(1500);
      const stats = (await succeeds(b.page, 'getStats', 'st-a')) as Record<string, unknown> & {
        inbound: Record<string, number>;
        outbound: Record<string, number>;
      };
      assert.equal(stats['candidateType'], 'host');
      assert.equal(typeof stats['rttMs'], 'number');
      assert.ok((stats['inboundKbps'] as number) > 30, JSON.stringify(stats));
      assert.ok((stats['outboundKbps'] as number) > 30, JSON.stringify(stats));
      assert.equal(typeof stats['packetLossPercent'], 'number');
      // The 640x480 camera, or a 4:3 step down from it when the encoder adapts to CPU load.
      const { frameWidth, frameHeight, framesPerSecond } = stats.inbound;
      assert.ok(frameWidth! <= 640 && frameWidth! >= 160, JSON.stringify(stats.inbound));
      assert.equal(frameWidth! * 3, frameHeight! * 4, JSON.stringify(stats.inbound));
      assert.ok(framesPerSecond! > 5, JSON.stringify(stats.inbound));
      assert.ok(stats.outbound['frameWidth']! >= 160, JSON.stringify(stats.outbound));
      const overlay = await b.page.waitForFunction(
        () =>
          document
            .querySelector('rtc-video-grid')!
            .shadowRoot!.querySelector('figure[data-user-id="st-a"] [part="stats"]')
            ?.textContent.replace(/\s+/g, ' ')
            .trim(),
        undefined,
        { timeout: 10_000 },
      );
      const text = String(await overlay.jsonValue());
      assert.match(text, /^host · \d+ ms · ↓\d+ ↑\d+ kbps · \d+\.\d% loss · \d+×\d+@\d+$/);
    });

    it('<rtc-media-controls> works from the keyboard and announces each state', async () => {
      const a = await pages.open({
        roomId: 'controls',
        userId: 'mc-a',
        session: AV,
        children: '<rtc-media-controls no-devices></rtc-media-controls>',
      });
      const b = await pages.open({ roomId: 'controls', userId: 'mc-b', session: AV });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForPeers(a.page, ['mc-b']);
      const controls = a.page.locator('rtc-media-controls');
      const mic = controls.getByRole('button', { name: 'Mute microphone' });
      const camera = controls.getByRole('button', { name: 'Camera off' });
      const status = controls.getByRole('status');
      await mic.waitFor();
      await a.page.keyboard.press('Tab');
      assert.equal(
        await mic.evaluate((el) => el.matches(':focus')),
        true,
        'Tab reaches the mic first',
      );
      await a.page.keyboard.press('Space');
      await waitForEvent(b.page, 'rtc-mute', { userId: 'mc-a', kind: 'audio' });
      assert.equal(await mic.getAttribute('aria-pressed'), 'true');
      assert.equal((await status.textContent())?.trim(), 'Microphone muted');
      await a.page.keyboard.press('Tab');
      await a.page.keyboard.press('Enter');
      await waitForEvent(b.page, 'rtc-mute', { userId: 'mc-a', kind: 'video' });
      assert.equal(await camera.getAttribute('aria-pressed'), 'true');
      assert.equal((await status.textContent())?.trim(), 'Camera off');
      await a.page.keyboard.press('Shift+Tab');
      await a.page.keyboard.press('Enter');
      await waitForEvent(b.page, 'rtc-unmute', { userId: 'mc-a', kind: 'audio' });
      assert.equal((await status.textContent())?.trim(), 'Microphone on');
      await controls.getByRole('button', { name: 'Leave' }).press('Enter');
      await waitForEvent(b.page, 'rtc-participant-left', { userId: 'mc-a' });
      assert.equal(await countEvents(a.page, 'rtc-left'), 1);
    });
  },
);
