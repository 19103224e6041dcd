// A static web server for a local copy of the RTCMultiConnection repository (its demos/, dev/,
// dist/ and the node_modules files the demo pages load), serving files as they are. Nothing of
// that copy is part of this repository: the copy's folder comes from $RTCMC_REPO (see
// ../rmc-demos.test.ts). The one substitution a file gets on the way out: in HTML,
// `connection.socketURL = '/';` names the signaling server under test. (The page's routing,
// ./routing.ts, swaps scripts; a document it fulfilled itself would count as coming from the
// public address space, and Chromium's local network access checks would then block the page's
// requests to 127.0.0.1.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { ROOT } from '../../support/servers.js';

/**
 * The packages whose files the demo pages load from /node_modules/ (the author's server.js
 * serves the same ones): taken from this project's node_modules, where they arrive as
 * dependencies of the `rtcmulticonnection` devDependency.
 */
const PACKAGES = [
  'webrtc-adapter',
  'fbr',
  'recordrtc',
  'getstats',
  'multistreamsmixer',
  'canvas-designer',
  'detectrtc',
] as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Which file a request path names in the copy (or in node_modules), or undefined. */
export function resolveDemoFile(repo: string, pathname: string): string | undefined {
  let path: string;
  try {
    path = normalize(decodeURIComponent(pathname));
  } catch {
    return undefined;
  }
  if (path.includes('..')) return undefined;
  const [, top, pkg] = path.split('/');
  let file: string;
  if (top === 'node_modules') {
    if (!PACKAGES.includes(pkg as (typeof PACKAGES)[number])) return undefined;
    file = join(ROOT, path);
  } else if (top === 'demos' || top === 'dev' || top === 'dist' || top === 'favicon.ico') {
    file = join(repo, path);
  } else return undefined;
  if (!existsSync(file)) return undefined;
  if (statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) ? file : undefined;
}

const SOCKET_URL = /connection\.socketURL\s*=\s*'\/'\s*;/g;

/**
 * Serves the copy's files (false when the request names none: the caller answers 404). HTML
 * gets `socketUrl` (an origin) as its `connection.socketURL`, when given.
 */
export function serveDemoFile(
  repo: string,
  req: IncomingMessage,
  res: ServerResponse,
  socketUrl?: string,
): boolean {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  const file = resolveDemoFile(repo, pathname);
  if (!file || req.method !== 'GET') return false;
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': 'no-store',
  });
  const body = readFileSync(file);
  if (socketUrl && extname(file).toLowerCase() === '.html') {
    res.end(body.toString().replace(SOCKET_URL, `connection.socketURL = '${socketUrl}/';`));
  } else res.end(body);
  return true;
}

export interface DemoSite {
  /** Origin of the site, e.g. http://127.0.0.1:1234 */
  url: string;
  close(): Promise<void>;
}

/** The copy's files on 127.0.0.1 and a free port, its pages pointed at `socketUrl`. */
export async function startDemoSite(repo: string, socketUrl: string): Promise<DemoSite> {
  const server: Server = createServer((req, res) => {
    if (!serveDemoFile(repo, req, res, socketUrl)) res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
