// Every request a demo page makes goes through here (playwright's context.route). The page is
// served as it is, except for the three substitutions the suite allows itself:
//   1. the RTCMultiConnection script (`/dist/RTCMultiConnection.min.js` or `.js`, or the copy a
//      few 3.6.3 pages load from the author's CDN or GitHub releases) is RTCMultiConnection
//      3.7.1's own file (node_modules/rtcmulticonnection/dist/, same name) or our compat script
//      (dist/rtcmulticonnection.js), per page;
//   2. `/socket.io/socket.io.js` comes from the signaling server under test (the demos load it
//      from their own origin, which is the signaling server in the author's setup);
//   3. `connection.socketURL = '/';` in the HTML names the signaling server under test (done by
//      the site, ./site.ts, since a document fulfilled here would lose its loopback origin).
// Scripts from outside this machine are served by the stubs in ./stubs.ts; any other request
// for an address other than 127.0.0.1 is aborted and recorded in `outside`.
import { readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { ROOT } from '../../support/servers.js';
import { stubFor } from './stubs.js';

/** Which RTCMultiConnection a page runs. */
export const SCRIPTS = {
  /** RTCMultiConnection 3.7.1's dist file (npm `rtcmulticonnection`). */
  legacy: 'RTCMultiConnection 3.7.1',
  /** Our dist/rtcmulticonnection.js (run `npm run build` first). */
  compat: 'rtc-elements compat',
} as const;
export type Script = keyof typeof SCRIPTS;

export interface PageRouting {
  /** The demo site's origin. */
  site: string;
  /** The signaling server's origin. */
  signaling: string;
  script: Script;
  /** Requests for other hosts that no stub answered (aborted). */
  outside: string[];
}

const scriptCache = new Map<string, Buffer>();
function scriptFile(script: Script, name: string): Buffer {
  const file =
    script === 'compat'
      ? `${ROOT}dist/rtcmulticonnection.js`
      : `${ROOT}node_modules/rtcmulticonnection/dist/${name}`;
  let body = scriptCache.get(file);
  if (!body) {
    body = readFileSync(file);
    scriptCache.set(file, body);
  }
  return body;
}

export async function routeDemoPage(context: BrowserContext, routing: PageRouting): Promise<void> {
  await context.route('**/*', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    // The page's RTCMultiConnection, wherever it comes from (its own /dist/, or a CDN copy that
    // some 3.6.3 pages load): 3.7.1's file or ours.
    const script = /\/(RTCMultiConnection(?:\.min)?\.js)$/.exec(url.pathname);
    if (script && (url.origin === routing.site || url.hostname !== '127.0.0.1')) {
      await route.fulfill({
        status: 200,
        contentType: 'text/javascript',
        body: scriptFile(routing.script, script[1]!),
      });
      return;
    }
    if (url.hostname !== '127.0.0.1') {
      const stub = stubFor(url);
      if (stub) {
        await route.fulfill({
          status: 200,
          contentType: stub.contentType,
          body: stub.body(),
          headers: { 'access-control-allow-origin': '*' },
        });
        return;
      }
      routing.outside.push(url.href);
      await route.abort('blockedbyclient');
      return;
    }
    if (url.origin === routing.site) {
      if (url.pathname === '/socket.io/socket.io.js') {
        const response = await route.fetch({ url: `${routing.signaling}/socket.io/socket.io.js` });
        await route.fulfill({ response });
        return;
      }
    }
    await route.continue();
  });
}
