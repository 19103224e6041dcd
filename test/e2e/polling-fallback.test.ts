import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { newPage } from '../support/browser.js';
import { useE2E } from './harness.js';
import { elementPage, waitForRemoteVideos } from './pages.js';

/**
 * A proxy in front of the signaling server that passes HTTP requests on and refuses every
 * WebSocket upgrade (403), as some corporate proxies do. It records the paths it served.
 */
async function refusingProxy(target: string) {
  const paths: string[] = [];
  let upgrades = 0;
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '');
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('upgrade', (_req, socket) => {
    upgrades++;
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    upgrades: () => upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('signaling behind a proxy that refuses WebSockets', { timeout: 120_000 }, () => {
  const env = useE2E();
  let proxy: Awaited<ReturnType<typeof refusingProxy>>;
  before(async () => {
    proxy = await refusingProxy(env.signaling.url);
  });
  after(() => proxy.close());

  it('a page falls back to long-polling and shares a room with a WebSocket page: video both ways', async () => {
    // The same room: one page behind the proxy, one straight to the server.
    const behind = env.site.page(
      '/behind-proxy.html',
      elementPage({ signalingUrl: proxy.url, roomId: 'polling-room' }),
    );
    const direct = env.site.page(
      '/direct.html',
      elementPage({ signalingUrl: env.signaling.url, roomId: 'polling-room' }),
    );
    const a = await newPage(env.browser);
    const b = await newPage(env.browser);
    try {
      await a.page.goto(behind);
      await b.page.goto(direct);
      const [fromA, fromB] = await Promise.all([
        waitForRemoteVideos(a.page, 1),
        waitForRemoteVideos(b.page, 1),
      ]);
      assert.equal(fromA.length, 1);
      assert.equal(fromB.length, 1);
      // It tried the WebSocket first, then loaded the polling client and signalled over HTTP.
      assert.ok(proxy.upgrades() >= 1, 'no WebSocket was tried');
      assert.ok(proxy.paths.includes('/dist/rtc-polling.js'), 'the polling client was not loaded');
      assert.ok(
        proxy.paths.some(
          (path) => path.startsWith('/socket.io/?') && path.includes('transport=polling'),
        ),
        'no long-polling request reached the server',
      );
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});
