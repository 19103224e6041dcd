import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPage } from '../support/browser.js';
import { useE2E } from './harness.js';
import { elementPage, waitForRemoteVideos } from './pages.js';

// A CMS page with one script tag, the autoloader, and markup: it loads <rtc-room> and
// <rtc-video-grid> (and what they share) from the built dist/, and nothing else of ours.
describe('the autoloader from the built package', { timeout: 120_000 }, () => {
  const env = useE2E();

  it('two pages with only the autoloader and markup see each other; each loads only the modules of its tags', async () => {
    const url = env.site.page(
      '/autoloaded.html',
      elementPage({
        signalingUrl: env.signaling.url,
        roomId: 'autoloader-room',
        script: 'autoloader.js',
      }),
    );
    // The second page omits socket-url: the modules came from the signaling server's /dist/.
    const servedUrl = `${env.signaling.url}/dist/`;
    const a = await newPage(env.browser);
    const b = await newPage(env.browser);
    const fetched: string[] = [];
    for (const { page } of [a, b]) {
      page.on('request', (request) => {
        if (request.url().startsWith(servedUrl))
          fetched.push(request.url().slice(servedUrl.length));
      });
    }
    try {
      await a.page.goto(url);
      await b.page.goto(
        env.site.page(
          '/autoloaded-default.html',
          elementPage({
            signalingUrl: env.signaling.url,
            roomId: 'autoloader-room',
            script: 'autoloader.js',
            defaultSocketUrl: true,
          }),
        ),
      );
      const [fromA, fromB] = await Promise.all([
        waitForRemoteVideos(a.page, 1),
        waitForRemoteVideos(b.page, 1),
      ]);
      assert.equal(fromA.length, 1);
      assert.equal(fromB.length, 1);
      const files = new Set(fetched);
      for (const file of ['autoloader.js', 'room.js', 'video-grid.js'])
        assert.ok(files.has(file), `${file} was not loaded: ${[...files].join(', ')}`);
      for (const file of ['rtc-elements.js', 'chat.js', 'file-share.js', 'media-controls.js'])
        assert.ok(!files.has(file), `${file} was loaded, though the page does not use it`);
      for (const page of [a.page, b.page]) {
        const defined = await page.evaluate(() =>
          ['rtc-room', 'rtc-video-grid', 'rtc-chat'].map((tag) => Boolean(customElements.get(tag))),
        );
        assert.deepEqual(defined, [true, true, false]);
      }
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});
