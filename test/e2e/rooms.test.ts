import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPage } from '../support/browser.js';
import { useE2E } from './harness.js';
import { census, instrument } from './instrument.js';
import { elementPage, waitForRemoteVideos } from './pages.js';

describe(
  'rooms across independent pages (public bundle, another origin)',
  { timeout: 120_000 },
  () => {
    const env = useE2E();

    it("two pages see each other's video", async () => {
      const url = env.site.page(
        '/two.html',
        elementPage({ signalingUrl: env.signaling.url, roomId: 'two', defaultSocketUrl: true }),
      );
      const a = await newPage(env.browser);
      const b = await newPage(env.browser);
      await a.page.goto(url);
      await b.page.goto(url);
      const [fromA, fromB] = await Promise.all([
        waitForRemoteVideos(a.page, 1),
        waitForRemoteVideos(b.page, 1),
      ]);
      assert.equal(fromA.length, 1);
      assert.equal(fromB.length, 1);
      await a.context.close();
      await b.context.close();
    });

    it('three pages each see two remote videos', async () => {
      const url = env.site.page(
        '/three.html',
        elementPage({ signalingUrl: env.signaling.url, roomId: 'three' }),
      );
      const pages = await Promise.all([
        newPage(env.browser),
        newPage(env.browser),
        newPage(env.browser),
      ]);
      for (const { page } of pages) await page.goto(url);
      const seen = await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, 2)));
      for (const ids of seen) {
        assert.equal(ids.length, 2);
        assert.equal(new Set(ids).size, 2);
      }
      await Promise.all(pages.map(({ context }) => context.close()));
    });

    it('leave() leaves no open RTCPeerConnection and no live camera track', async () => {
      const url = env.site.page(
        '/leave.html',
        elementPage({ signalingUrl: env.signaling.url, roomId: 'leave' }),
      );
      const a = await newPage(env.browser);
      const b = await newPage(env.browser);
      await instrument(a.page);
      await a.page.goto(url);
      await b.page.goto(url);
      await waitForRemoteVideos(a.page, 1);
      await waitForRemoteVideos(b.page, 1);
      const before = await census(a.page);
      assert.equal(before.openPeerConnections, 1);
      assert.equal(before.liveTracks, 2);
      await a.page.evaluate(() => document.querySelector('rtc-room')!.leave());
      const after = await census(a.page);
      assert.deepEqual(
        { open: after.openPeerConnections, live: after.liveTracks },
        { open: 0, live: 0 },
        'nothing left open after leave()',
      );
      // The other page drops the tile once the leaver is gone.
      await b.page.waitForFunction(
        () =>
          document
            .querySelector('rtc-video-grid')!
            .shadowRoot!.querySelectorAll('video[data-stream-type="remote"]').length === 0,
      );
      await a.context.close();
      await b.context.close();
    });

    it('a dropped signaling connection ends the room cleanly with rtc-error SIGNALING_LOST', async () => {
      const url = env.site.page(
        '/lost.html',
        elementPage({ signalingUrl: env.signaling.url, roomId: 'lost', userId: 'lost-user' }),
      );
      const a = await newPage(env.browser);
      await instrument(a.page);
      await a.page.goto(url);
      await a.page.waitForFunction(() => document.querySelector('rtc-room')?.joined === true);
      // Listen first (in the page), then cut the socket from the server side.
      await a.page.evaluate(() => {
        const room = document.querySelector('rtc-room')!;
        const seen: string[] = [];
        (window as unknown as { lost: Promise<string[]> }).lost = new Promise((resolve) => {
          room.addEventListener('rtc-error', (e) => seen.push(e.detail.code));
          room.addEventListener('rtc-left', () => resolve([...seen, 'left']), { once: true });
        });
      });
      env.signaling.io.in('user:lost-user').disconnectSockets(true);
      const events = a.page.evaluate(() => (window as unknown as { lost: Promise<string[]> }).lost);
      assert.deepEqual(await events, ['SIGNALING_LOST', 'left']);
      const after = await census(a.page);
      assert.equal(after.liveTracks, 0);
      assert.equal(await a.page.evaluate(() => document.querySelector('rtc-room')!.joined), false);
      await a.context.close();
    });
  },
);
