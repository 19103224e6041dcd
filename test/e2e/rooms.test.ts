import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startSignaling, startStaticSite, type StaticSite } from '../support/servers.js';
import type { RunningServer } from '../../server/index.js';
import { elementPage, waitForRemoteVideos } from './pages.js';

describe('rooms across independent pages (public bundle, another origin)', () => {
  let browser: Browser;
  let signaling: RunningServer;
  let site: StaticSite;

  before(async () => {
    signaling = await startSignaling();
    site = await startStaticSite();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await site.close();
    await signaling.close();
  });

  it("two pages see each other's video", async () => {
    const url = site.page(
      '/two.html',
      elementPage({ signalingUrl: signaling.url, roomId: 'two', defaultSocketUrl: true }),
    );
    const a = await newPage(browser);
    const b = await newPage(browser);
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
});
