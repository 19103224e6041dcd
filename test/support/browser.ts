import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh, independent browser context (own cookies, storage and devices) with one page. Its
 * uncaught errors go to stderr unless `collectErrors` (the caller records them itself).
 */
export async function newPage(
  browser: Browser,
  options: { collectErrors?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  // tsx compiles test code with esbuild's keepNames, so functions passed to page.evaluate() may
  // call its `__name` helper: give pages a no-op one.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = await context.newPage();
  if (!options.collectErrors) {
    page.on('pageerror', (error) => {
      process.stderr.write(`[page error] ${error.message}\n`);
    });
  }
  return { context, page };
}
