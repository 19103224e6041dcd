// Screen sharing, track replacement, constraints and devices, seen from independent pages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { useE2E } from './harness.js';
import { CAMERA, SCREEN, tiles, waitForShape } from './media-probe.js';
import {
  countEvents,
  events,
  fails,
  roundTrip,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForPeers,
  waitForRemoteVideos,
} from './pages.js';

const AV = 'audio video';

/** The screen button's own <button>, inside its shadow root. */
const screenButton = (page: Page) => page.locator('rtc-screen-button').getByRole('button');

describe(
  'media tracks: screen sharing, replace/reset, constraints, devices',
  { timeout: 180_000 },
  () => {
    const env = useE2E();
    const pages = useApiPages(env);

    it('<rtc-screen-button> shares the screen as an extra stream: the peer gets it large, then its end', async () => {
      const roomId = 'screen-extra';
      const a = await pages.open({
        roomId,
        userId: 'se-a',
        session: AV,
        children: '<rtc-screen-button></rtc-screen-button>',
      });
      const b = await pages.open({ roomId, userId: 'se-b', session: AV, grid: true });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForRemoteVideos(b.page, 1);
      const button = screenButton(a.page);
      assert.equal(await button.getAttribute('aria-pressed'), 'false');

      await button.click();
      await waitForEvent(b.page, 'rtc-stream', { userId: 'se-a', type: 'remote', isScreen: true });
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      assert.equal(await a.page.locator('rtc-screen-button[sharing]').count(), 1);
      await waitForRemoteVideos(b.page, 2);
      const shown = await tiles(b.page);
      assert.deepEqual(shown[0], { userId: 'se-a', screen: true, videoOff: false, type: 'remote' });
      assert.equal(shown.filter((t) => t.screen).length, 1, 'one screen tile');
      const wide = await b.page.evaluate(() => {
        const grid = document.querySelector('rtc-video-grid')!.shadowRoot!;
        const screen = grid.querySelector('figure[data-screen]')!.getBoundingClientRect();
        const camera = grid.querySelector('figure:not([data-screen])')!.getBoundingClientRect();
        return { screen: screen.width, camera: camera.width };
      });
      assert.ok(wide.screen > wide.camera, `the screen tile is larger (${JSON.stringify(wide)})`);

      await button.click();
      await waitForEvent(b.page, 'rtc-stream-ended', { userId: 'se-a', isScreen: true });
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      assert.equal(await a.page.locator('rtc-screen-button[sharing]').count(), 0);

      // Stopping from the browser's own "Stop sharing" control ends the track: handled too.
      await button.click();
      await waitForEvent(b.page, 'rtc-stream', { userId: 'se-a', isScreen: true }, { count: 2 });
      await a.page.evaluate(() => {
        const room = document.querySelector('rtc-room')!;
        const screen = room.streams.find((s) => s.type === 'local' && s.isScreen)!;
        const [track] = screen.stream.getVideoTracks();
        track!.stop();
        track!.dispatchEvent(new Event('ended'));
      });
      await waitForEvent(
        b.page,
        'rtc-stream-ended',
        { userId: 'se-a', isScreen: true },
        { count: 2 },
      );
      await a.page.waitForFunction(
        () => !document.querySelector('rtc-screen-button')!.hasAttribute('sharing'),
      );
      assert.equal(await countEvents(a.page, 'rtc-error'), 0);
    });

    it('<rtc-screen-button mode="replace"> sends the screen on the camera track, and the camera back', async () => {
      const roomId = 'screen-replace';
      const a = await pages.open({
        roomId,
        userId: 'sr-a',
        session: AV,
        children: '<rtc-screen-button mode="replace"></rtc-screen-button>',
      });
      const b = await pages.open({ roomId, userId: 'sr-b', session: AV, grid: true });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForShape(b.page, 'sr-a', CAMERA);
      const localSdp = () =>
        a.page.evaluate(
          () =>
            document.querySelector('rtc-room')!.connection!.peerConnection('sr-b')!
              .localDescription!.sdp,
        );
      const sdpBefore = await localSdp();
      await screenButton(a.page).click();
      await waitForShape(b.page, 'sr-a', SCREEN);
      assert.equal(await countEvents(b.page, 'rtc-stream', { isScreen: true }), 0);
      assert.equal(await localSdp(), sdpBefore, 'no renegotiation');
      await screenButton(a.page).click();
      await waitForShape(b.page, 'sr-a', CAMERA);
      assert.equal(await screenButton(a.page).getAttribute('aria-pressed'), 'false');
    });

    it('replaceTrack({screen: true}, userId) and resetTrack(userId) touch only that user; without a user, everyone', async () => {
      const roomId = 'replace-reset';
      const a = await pages.open({ roomId, userId: 'rr-a', session: AV });
      const b = await pages.open({ roomId, userId: 'rr-b', session: AV, grid: true });
      const c = await pages.open({ roomId, userId: 'rr-c', session: AV, grid: true });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await waitForPeers(a.page, ['rr-b', 'rr-c']);
      await waitForShape(b.page, 'rr-a', CAMERA);
      await waitForShape(c.page, 'rr-a', CAMERA);

      await succeeds(a.page, 'replaceTrack', { screen: true }, 'rr-b');
      await waitForShape(b.page, 'rr-a', SCREEN);
      await waitForShape(c.page, 'rr-a', CAMERA);
      await succeeds(a.page, 'resetTrack', 'rr-b');
      await waitForShape(b.page, 'rr-a', CAMERA);

      // A track the page made itself, for everyone, then back for everyone.
      await a.page.evaluate(() => {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 320;
        const g = canvas.getContext('2d')!;
        setInterval(() => {
          g.fillStyle = `hsl(${Date.now() % 360} 80% 50%)`;
          g.fillRect(0, 0, 320, 320);
        }, 40);
        const [track] = canvas.captureStream(25).getVideoTracks();
        return document.querySelector('rtc-room')!.replaceTrack(track!);
      });
      await waitForShape(b.page, 'rr-a', 1);
      await waitForShape(c.page, 'rr-a', 1);
      await succeeds(a.page, 'resetTrack', ['rr-b', 'rr-c'], 'video');
      await waitForShape(b.page, 'rr-a', CAMERA);
      await waitForShape(c.page, 'rr-a', CAMERA);
      assert.equal(await countEvents(a.page, 'rtc-error'), 0);
    });

    it('applyConstraints() changes the live camera resolution without a new capture', async () => {
      const roomId = 'constraints';
      const a = await pages.open({ roomId, userId: 'ac-a', session: AV });
      const b = await pages.open({ roomId, userId: 'ac-b', session: AV, grid: true });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForShape(b.page, 'ac-a', CAMERA);
      const trackId = () =>
        a.page.evaluate(
          () =>
            document
              .querySelector('rtc-room')!
              .streams.find((s) => s.type === 'local')!
              .stream.getVideoTracks()[0]!.id,
        );
      const before = await trackId();
      await succeeds(a.page, 'applyConstraints', { width: 320, height: 180, frameRate: 15 });
      const settings = await a.page.evaluate(() => {
        const local = document.querySelector('rtc-room')!.streams.find((s) => s.type === 'local')!;
        const { width, height, frameRate } = local.stream.getVideoTracks()[0]!.getSettings();
        return { width, height, frameRate };
      });
      assert.deepEqual(settings, { width: 320, height: 180, frameRate: 15 });
      assert.equal(await trackId(), before, 'the same track: no new getUserMedia');
      await b.page.waitForFunction(
        () => {
          const video = document
            .querySelector('rtc-video-grid')!
            .shadowRoot!.querySelector<HTMLVideoElement>('video[data-user-id="ac-a"]');
          return video?.videoWidth === 320 && video.videoHeight === 180;
        },
        undefined,
        { timeout: 15_000 },
      );
    });

    it('lists cameras, microphones and speakers and switches the camera live', async () => {
      const roomId = 'devices';
      const a = await pages.open({ roomId, userId: 'dv-a', session: AV });
      const b = await pages.open({ roomId, userId: 'dv-b', session: AV, grid: true });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForRemoteVideos(b.page, 1);
      const devices = (await succeeds(a.page, 'getDevices')) as Record<
        string,
        { deviceId: string; label: string }[]
      >;
      assert.ok(devices['cameras']!.length >= 1, 'a camera');
      assert.ok(devices['microphones']!.length >= 1, 'a microphone');
      assert.ok(Array.isArray(devices['speakers']), 'a speaker list');
      assert.ok(
        devices['cameras']!.every((d) => d.label !== ''),
        'labelled once permission is given',
      );

      const camera = devices['cameras']!.at(-1)!;
      const microphone = devices['microphones']!.at(-1)!;
      const senders = () =>
        a.page.evaluate(() => {
          const room = document.querySelector('rtc-room')!;
          const local = room.streams.find((s) => s.type === 'local')!.stream;
          const pc = room.connection!.peerConnection('dv-b')!;
          return pc
            .getSenders()
            .filter((s) => s.track)
            .map((s) => ({
              kind: s.track!.kind,
              live: s.track!.readyState === 'live',
              local: local.getTracks().includes(s.track!),
              id: s.track!.id,
            }));
        });
      const before = await senders();
      await succeeds(a.page, 'switchDevice', 'video', camera.deviceId);
      await succeeds(a.page, 'switchDevice', 'audio', microphone.deviceId);
      const after = await senders();
      assert.ok(
        after.every((s) => s.live && s.local),
        JSON.stringify(after),
      );
      assert.ok(
        after.every((s) => !before.some((old) => old.id === s.id)),
        'new tracks on the same senders',
      );
      // Frames keep arriving on the same remote video.
      const frames = () =>
        b.page.evaluate(() => {
          const video = document
            .querySelector('rtc-video-grid')!
            .shadowRoot!.querySelector<HTMLVideoElement>('video[data-user-id="dv-a"]')!;
          return video.getVideoPlaybackQuality().totalVideoFrames;
        });
      const seen = await frames();
      await b.page.waitForTimeout(1000);
      assert.ok((await frames()) > seen + 5, 'frames keep coming');
      assert.equal(
        await countEvents(b.page, 'rtc-stream', { userId: 'dv-a' }),
        1,
        'no new stream from the switching page',
      );
      assert.equal(
        await fails(a.page, 'switchDevice', 'video', 'no-such-camera'),
        'DEVICE_NOT_FOUND',
      );
    });

    it('media failures give specific codes and the user stays in the room, receiving', async () => {
      const roomId = 'media-failures';
      const a = await pages.open({ roomId, userId: 'mf-a', session: AV });
      await succeeds(a.page, 'open');

      // No such camera: a real OverconstrainedError from the browser.
      const missing = await pages.open({
        roomId,
        userId: 'mf-missing',
        session: AV,
        grid: true,
        attributes: {
          'media-constraints': JSON.stringify({ video: { deviceId: { exact: 'missing' } } }),
        },
      });
      await succeeds(missing.page, 'join');
      await waitForEvent(missing.page, 'rtc-error', { code: 'DEVICE_NOT_FOUND' });
      await waitForRemoteVideos(missing.page, 1);

      // Permission refused: a browser context that was not granted camera and microphone.
      const denied = await pages.open(
        { roomId, userId: 'mf-denied', session: AV, grid: true },
        async (page) => {
          await page.context().clearPermissions();
          await page.addInitScript(() => {
            // Headless Chromium's fake UI accepts every prompt: answer as a user who refuses would.
            const devices = navigator.mediaDevices;
            devices.getUserMedia = () =>
              Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
          });
        },
      );
      await succeeds(denied.page, 'join');
      await waitForEvent(denied.page, 'rtc-error', { code: 'PERMISSION_DENIED' });
      await waitForRemoteVideos(denied.page, 1);

      // The device is in use by another program.
      const busy = await pages.open(
        { roomId, userId: 'mf-busy', session: AV, grid: true },
        async (page) => {
          await page.addInitScript(() => {
            navigator.mediaDevices.getUserMedia = () =>
              Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
          });
        },
      );
      await succeeds(busy.page, 'join');
      await waitForEvent(busy.page, 'rtc-error', { code: 'DEVICE_BUSY' });
      await waitForRemoteVideos(busy.page, 1);

      // They are all in the room, and the owner sees them.
      const participants = (await succeeds(a.page, 'getAllParticipants')) as string[];
      assert.deepEqual(participants.sort(), ['mf-busy', 'mf-denied', 'mf-missing']);
      for (const page of [missing.page, denied.page, busy.page]) {
        assert.equal(await countEvents(page, 'rtc-left'), 0);
        assert.equal((await events(page, 'rtc-error')).length, 1);
      }
      await roundTrip(a.page);
    });
  },
);
