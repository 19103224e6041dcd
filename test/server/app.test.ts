import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createApp } from '../../server/index.js';
import { cleanup, closeHttp, connect, onCleanup, startTestServer, withTimeout } from './helpers.js';

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** GET without keep-alive, with any headers (Origin included). */
function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return withTimeout(
    new Promise<Response>((resolve, reject) => {
      const req = httpRequest(url, { headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    }),
    `GET ${url}`,
  );
}

/** Resolves with the connect_error of a client that must be refused. */
async function refused(url: string, options: Record<string, unknown>): Promise<Error> {
  const client = await connect(url, { query: { userid: 'refused' }, options, waitConnect: false });
  return withTimeout(
    new Promise<Error>((resolve, reject) => {
      client.socket.once('connect_error', resolve);
      client.socket.once('connect', () => reject(new Error('the socket was not refused')));
    }),
    'connect_error',
  );
}

describe('app', () => {
  let distDir = '';
  let demoDir = '';
  const BUNDLE = 'export const bundle = 1;\n';
  const PAGE = '<!doctype html><title>demo</title>\n';

  before(() => {
    distDir = mkdtempSync(join(tmpdir(), 'rtc-dist-'));
    demoDir = mkdtempSync(join(tmpdir(), 'rtc-demo-'));
    writeFileSync(join(distDir, 'bundle.js'), BUNDLE);
    writeFileSync(join(demoDir, 'index.html'), PAGE);
  });
  after(() => {
    rmSync(distDir, { recursive: true, force: true });
    rmSync(demoDir, { recursive: true, force: true });
  });
  afterEach(cleanup);

  it('answers GET /healthz (200 with the node id; 503 once shutting down)', async () => {
    const server = await startTestServer();
    const res = await get(`${server.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { ok: true, node: server.node });
    assert.match(server.node, /^[\w-]{8,}$/);
    assert.equal(res.headers['x-powered-by'], undefined);
    // While draining (the first step of close()), load balancers are told to send new clients
    // elsewhere, and new sockets are refused.
    const client = await connect(server);
    await server.hub.drain();
    const draining = await get(`${server.url}/healthz`);
    assert.equal(draining.status, 503);
    assert.deepEqual(JSON.parse(draining.body), { ok: false, node: server.node, draining: true });
    await assert.rejects(connect(server), /Server shutting down/);
    assert.deepEqual(await client.waitFor('reconnect-elsewhere'), [{ retryAfterMs: 0 }]);
  });

  it('close() drains promptly even while a join waits for the owner (the join is refused)', async () => {
    const server = await startTestServer();
    const owner = await connect(server, { query: { userid: 'drain-owner', rtcElements: '1' } });
    const joiner = await connect(server, { query: { userid: 'drain-joiner', rtcElements: '1' } });
    assert.deepEqual(await owner.openRoom('drain-room', { approveJoins: true }), [true]);
    const joining = joiner.joinRoom('drain-room');
    await owner.waitFor('participation-request');
    const started = Date.now();
    await withTimeout(server.close(), 'close() with a pending join', 3000);
    assert.ok(Date.now() - started < 3000);
    assert.deepEqual(await joining.catch(() => ['no ack']), [false, 'Join rejected']);
  });

  it('serves /dist/ to any origin by default and the demo at /', async () => {
    const server = await startTestServer({ distDir, demoDir });
    const res = await get(`${server.url}/dist/bundle.js`, { origin: 'http://anywhere.test' });
    assert.equal(res.status, 200);
    assert.equal(res.body, BUNDLE);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.equal(
      (await get(`${server.url}/dist/bundle.js`)).headers['access-control-allow-origin'],
      '*',
    );
    assert.equal((await get(`${server.url}/dist/missing.js`)).status, 404);
    const page = await get(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.equal(page.body, PAGE);
    // The demo folder is not reachable through /dist/ and vice versa.
    assert.equal((await get(`${server.url}/dist/index.html`)).status, 404);
    assert.equal((await get(`${server.url}/bundle.js`)).status, 404);
    assert.equal((await get(`${server.url}/dist/..%2f..%2fetc%2fpasswd`)).status, 404);
  });

  it('echoes only an allowed origin on /dist/ when allowedOrigins is set', async () => {
    const server = await startTestServer({ distDir, allowedOrigins: ['http://a.test'] });
    const allowed = await get(`${server.url}/dist/bundle.js`, { origin: 'http://a.test' });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://a.test');
    assert.match(String(allowed.headers['vary']), /Origin/);
    const other = await get(`${server.url}/dist/bundle.js`, { origin: 'http://b.test' });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const none = await get(`${server.url}/dist/bundle.js`);
    assert.equal(none.headers['access-control-allow-origin'], undefined);
  });

  it('serves no pages and no bundle without demoDir and distDir', async () => {
    const server = await startTestServer();
    assert.equal((await get(`${server.url}/`)).status, 404);
    assert.equal((await get(`${server.url}/dist/bundle.js`)).status, 404);
  });

  it('serves the socket.io client at /socket.io/socket.io.js', async () => {
    const server = await startTestServer();
    const res = await get(`${server.url}/socket.io/socket.io.js`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.match(res.body, /Socket\.IO/);
  });

  it('accepts sockets from any origin by default', async () => {
    const server = await startTestServer();
    const client = await connect(server, {
      query: { userid: 'any-origin' },
      options: { extraHeaders: { origin: 'http://whatever.test' } },
    });
    assert.ok(client.connected);
  });

  it('refuses sockets from origins that are not allowed', async () => {
    const server = await startTestServer({ allowedOrigins: ['http://a.test'] });
    await refused(server.url, { extraHeaders: { origin: 'http://b.test' } });
    await refused(server.url, {
      transports: ['polling'],
      extraHeaders: { origin: 'http://evil.test' },
    });
    const ok = await connect(server, {
      query: { userid: 'allowed-origin' },
      options: { extraHeaders: { origin: 'http://a.test' } },
    });
    assert.deepEqual(await ok.openRoom('origin-room'), [true]);
    // Clients that send no Origin (servers, scripts) are not browsers and are let in.
    const script = await connect(server, { query: { userid: 'no-origin' } });
    assert.deepEqual(await script.joinRoom('origin-room'), [true]);
  });

  it('createApp alone is an Express app to mount anywhere (no signaling)', async () => {
    const http = createServer(createApp({ distDir }));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    onCleanup(() => closeHttp(http));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    assert.equal((await get(`${url}/healthz`)).status, 200);
    assert.equal((await get(`${url}/dist/bundle.js`)).body, BUNDLE);
    assert.equal((await get(`${url}/socket.io/socket.io.js`)).status, 404);
  });
});
