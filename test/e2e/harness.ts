import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { AppOptions, RunningServer } from '../../server/index.js';
import { launchBrowser } from '../support/browser.js';
import { startSignaling, startStaticSite, type StaticSite } from '../support/servers.js';

export interface E2E {
  browser: Browser;
  /** The signaling server, which also serves the bundle at /dist/. */
  signaling: RunningServer;
  /** A second origin serving the test pages. */
  site: StaticSite;
}

/**
 * Starts the servers and the browser for the enclosing suite and stops them after it.
 * `signaling` gives the signaling server's options (it may start what they need first), or
 * `start` starts the signaling server itself; `stop` runs after everything else has closed.
 */
export function useE2E(
  setup: {
    signaling?: () => AppOptions | Promise<AppOptions>;
    start?: () => Promise<RunningServer>;
    stop?: () => Promise<void>;
  } = {},
): E2E {
  const env = {} as E2E;
  before(async () => {
    env.signaling = setup.start
      ? await setup.start()
      : await startSignaling((await setup.signaling?.()) ?? {});
    env.site = await startStaticSite();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser.close();
    await env.site.close();
    await env.signaling.close();
    await setup.stop?.();
  });
  return env;
}
