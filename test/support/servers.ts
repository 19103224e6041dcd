import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer, type AppOptions, type RunningServer } from '../../server/index.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The real signaling server (with the built bundle at /dist/) on 127.0.0.1 and a free port. */
export function startSignaling(options: AppOptions = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    host: '127.0.0.1',
    logger: 'silent',
    distDir: `${ROOT}dist`,
    demoDir: `${ROOT}demo`,
    ...options,
  });
}

export interface StaticSite {
  url: string;
  /** Sets the HTML served at a path. */
  page(path: string, html: string): string;
  close(): Promise<void>;
}

/**
 * A second origin (another port) serving test pages, like a CMS or a PHP template would,
 * plus RTCMultiConnection 3.7's own file at /vendor/RTCMultiConnection.js and the
 * FileBufferReader it shares files with (fbr 2.0.8, its dependency) at /vendor/FileBufferReader.js.
 */
export async function startStaticSite(): Promise<StaticSite> {
  const pages = new Map<string, string>();
  const vendor: Record<string, Buffer> = {
    '/vendor/RTCMultiConnection.js': readFileSync(
      `${ROOT}node_modules/rtcmulticonnection/dist/RTCMultiConnection.js`,
    ),
    '/vendor/FileBufferReader.js': readFileSync(`${ROOT}node_modules/fbr/FileBufferReader.js`),
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const script = vendor[path];
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    const html = pages.get(path);
    if (html === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    page(path, html) {
      pages.set(path, html);
      return `${url}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
