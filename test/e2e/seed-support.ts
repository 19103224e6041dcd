// Pages for the seed's code examples (the RTCMultiConnection API reference, issue 9): each page
// loads /dist/rtcmulticonnection.js from the test's signaling server, creates `connection` as the
// seed's pages do, and runs a snippet as a classic script, so the snippet's code stays as the seed
// wrote it. Each user is a page in its own browser context; pages reach 127.0.0.1 only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { newPage } from '../support/browser.js';
import type { E2E } from './harness.js';

export interface SeedPageOptions {
  /** `connection.userid` (omit to keep the random one). */
  userid?: string;
  /** The arguments of `new RTCMultiConnection(...)`, as source. */
  construct?: string;
  /** Test code that runs before the seed's code (what the snippet assumes, set up minimally). */
  setup?: string;
  /** The seed's code, as close to verbatim as the page allows. */
  seed?: string;
  /** Markup at the start of <body> (the elements a snippet looks up). */
  body?: string;
  /** More <head> markup: local stand-ins for scripts the seed loads from elsewhere. */
  head?: string;
  /**
   * Serve the page from the signaling server's own origin (as the seed's `socketURL = '/'`
   * assumes) and leave `socketURL` at its default; otherwise the page comes from another origin
   * and `socketURL` names the server.
   */
  sameOrigin?: boolean;
  /** Keep the default camera (640x480) instead of 160x120. */
  fullSizeCamera?: boolean;
  /** Leave `enableLogs` at its default (true) instead of false. */
  logs?: boolean;
  /**
   * A data-only session (`{data: true}`) instead of v3's default audio and video, for examples
   * whose subject is not media: no capture or encoding keeps the suite light.
   */
  data?: boolean;
}

export interface SeedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and unhandled rejections of the page. */
  errors: string[];
}

/** Runs first on every page: alert/confirm are recorded, and `note()` records anything. */
const PRELUDE = `
  window.alerts = [];
  window.alert = function (message) { alerts.push(String(message)); };
  window.confirms = [];
  window.confirmAnswer = true;
  window.confirm = function (message) { confirms.push(String(message)); return window.confirmAnswer; };
  window.jsonSafe = function jsonSafe(value, depth) {
    depth = depth || 0;
    if (typeof MediaStream !== 'undefined' && value instanceof MediaStream) return 'stream:' + value.id;
    if (typeof MediaStreamTrack !== 'undefined' && value instanceof MediaStreamTrack) return 'track:' + value.kind;
    if (typeof RTCPeerConnection !== 'undefined' && value instanceof RTCPeerConnection) return '[RTCPeerConnection]';
    if (typeof Node !== 'undefined' && value instanceof Node) return '<' + (value.localName || value.nodeName) + '>';
    if (typeof File !== 'undefined' && value instanceof File) return 'file:' + value.name + ':' + value.size;
    if (typeof value === 'function') return 'function';
    if (value instanceof Error) return { name: value.name, message: value.message, code: value.code };
    if (value === undefined) return null;
    if (value === null || typeof value !== 'object') return value;
    if (depth > 5) return '...';
    if (Array.isArray(value)) return value.map(function (v) { return jsonSafe(v, depth + 1); });
    var out = {};
    Object.keys(value).forEach(function (key) { out[key] = jsonSafe(value[key], depth + 1); });
    return out;
  };
  window.seen = {};
  window.note = function (name) {
    var args = [].slice.call(arguments, 1);
    (seen[name] = seen[name] || []).push(jsonSafe(args));
  };
`;

let pageCounter = 0;

/** The HTML of a seed page. */
export function seedPage(signalingUrl: string, o: SeedPageOptions): string {
  const defaults = [
    o.sameOrigin ? '' : `connection.socketURL = ${JSON.stringify(signalingUrl + '/')};`,
    o.userid === undefined ? '' : `connection.userid = ${JSON.stringify(o.userid)};`,
    o.logs ? '' : 'connection.enableLogs = false;',
    o.data ? 'connection.session = { data: true };' : '',
    // A small camera keeps the suite fast on two cores.
    o.fullSizeCamera
      ? ''
      : 'connection.mediaConstraints = { audio: true, video: { width: 160, height: 120 } };',
  ]
    .filter(Boolean)
    .join('\n  ');
  const script = (code: string | undefined) => (code ? `<script>\n${code}\n</script>` : '');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>seed</title>
<script>${PRELUDE}</script>
<script src="${o.sameOrigin ? '' : signalingUrl}/dist/rtcmulticonnection.js"></script>
${o.head ?? ''}
</head><body>${o.body ?? ''}
<script>
  var connection = new RTCMultiConnection(${o.construct ?? ''});
  ${defaults}
</script>
${script(o.setup)}
${script(o.seed)}
</body></html>`;
}

/**
 * Opens seed pages, each in its own browser context, for the enclosing suite. After each test
 * every page is closed, and the test fails if a page had an uncaught error.
 */
export function useSeedPages(
  env: E2E,
  ownOrigin?: string,
  defaults: Partial<SeedPageOptions> = {},
) {
  const open: SeedPage[] = [];
  afterEach(async () => {
    const pages = open.splice(0);
    await Promise.all(pages.map((p) => p.context.close()));
    const errors = pages.flatMap((p) => p.errors);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join(' | ')}`);
  });
  return {
    async open(given: SeedPageOptions = {}): Promise<SeedPage> {
      const options = { ...defaults, ...given };
      const { context, page } = await newPage(env.browser);
      const opened: SeedPage = { context, page, errors: [] };
      open.push(opened);
      page.on('pageerror', (error) => opened.errors.push(error.message));
      // Pages may reach the loopback servers only (e.g. the seed's CDN poster image).
      await context.route(
        (url) => url.hostname !== '127.0.0.1',
        (route) => route.abort(),
      );
      const html = seedPage(env.signaling.url, options);
      const path = `/seed-${++pageCounter}-${options.userid ?? 'page'}.html`;
      if (options.sameOrigin) {
        if (!ownOrigin) throw new Error('start the server with seedOrigin() for same-origin pages');
        writeFileSync(join(ownOrigin, path), html);
        await page.goto(`${env.signaling.url}${path}`);
      } else {
        await page.goto(env.site.page(path, html));
      }
      return opened;
    },
  };
}

/**
 * A folder for pages the signaling server serves itself (its `demoDir`): pass it to
 * `useE2E({ signaling: () => ({ demoDir }) })` and to `useSeedPages(env, demoDir)`.
 */
export function seedOrigin(): string {
  return mkdtempSync(join(tmpdir(), 'seed-pages-'));
}

/** Runs code in the page as a classic script would (its `var`s become globals); returns its value. */
export function run<T = unknown>(page: Page, code: string): Promise<T> {
  return page.evaluate((code) => {
    const value: unknown = (0, eval)(code);
    return (window as unknown as { jsonSafe(v: unknown): unknown }).jsonSafe(value);
  }, code) as Promise<T>;
}

/** Runs the body of an async function in the page; resolves with what it returns (JSON-safe). */
export function runAsync<T = unknown>(page: Page, body: string): Promise<T> {
  return page.evaluate(async (body) => {
    const value: unknown = await ((0, eval)(`(async () => {\n${body}\n})()`) as Promise<unknown>);
    return (window as unknown as { jsonSafe(v: unknown): unknown }).jsonSafe(value);
  }, body) as Promise<T>;
}

/**
 * Calls a v3 method whose last argument is a callback and resolves with the callback's
 * arguments: `callback(page, "connection.open('r', CALLBACK)")`.
 */
export function callback<T extends unknown[] = unknown[]>(
  page: Page,
  call: string,
  timeout = 20_000,
): Promise<T> {
  return runAsync<T>(
    page,
    `return await new Promise(function (resolve, reject) {
      setTimeout(function () { reject(new Error('no callback within ${timeout} ms: ' + ${JSON.stringify(call)})); }, ${timeout});
      var CALLBACK = function () { resolve([].slice.call(arguments)); };
      ${call};
    });`,
  );
}

/** Waits until a JavaScript expression is truthy in the page (bounded). */
export async function until(page: Page, expression: string, timeout = 20_000): Promise<void> {
  try {
    await page.waitForFunction(expression, undefined, { timeout, polling: 50 });
  } catch (error) {
    const state = await page
      .evaluate(() => {
        const w = window as unknown as { seen: unknown; alerts: unknown };
        return JSON.stringify({ seen: w.seen, alerts: w.alerts }).slice(0, 1500);
      })
      .catch(() => '(page gone)');
    throw new Error(`not true within ${timeout} ms: ${expression}\npage: ${state}`, {
      cause: error,
    });
  }
}

/** Records calls of the connection's callbacks into `seen[name]` (each call's arguments). */
export function record(page: Page, names: string[]): Promise<unknown> {
  return run(
    page,
    `${JSON.stringify(names)}.forEach(function (name) {
      var previous = connection[name];
      seen[name] = seen[name] || [];
      connection[name] = function () {
        note.apply(null, [name].concat([].slice.call(arguments)));
        if (typeof previous === 'function') return previous.apply(this, arguments);
      };
    })`,
  );
}

/** What `note()` / `record()` saw under a name: one array of arguments per call. */
export function seen<T = unknown[]>(page: Page, name: string): Promise<T[]> {
  return page.evaluate(
    (name) => (window as unknown as { seen: Record<string, unknown[]> }).seen[name] ?? [],
    name,
  ) as Promise<T[]>;
}

/** Waits until `seen[name]` has `count` calls; returns them. */
export async function waitSeen<T = unknown[]>(
  page: Page,
  name: string,
  count = 1,
  timeout = 20_000,
): Promise<T[]> {
  await until(page, `(seen[${JSON.stringify(name)}] || []).length >= ${count}`, timeout);
  return seen<T>(page, name);
}

/** What the page's alert() showed so far. */
export function alerts(page: Page): Promise<string[]> {
  return run<string[]>(page, 'alerts');
}

/** Waits until alert() showed a message containing `text`; returns every message so far. */
export async function waitAlert(page: Page, text: string, timeout = 20_000): Promise<string[]> {
  await until(
    page,
    `alerts.some(function (m) { return m.indexOf(${JSON.stringify(text)}) !== -1; })`,
    timeout,
  );
  return alerts(page);
}

/** Opens a room on one page and joins it from the others (v3 callbacks); resolves when all did. */
export async function meet(roomId: string, owner: Page, ...others: Page[]): Promise<void> {
  const [ok] = await callback<[boolean]>(
    owner,
    `connection.open(${JSON.stringify(roomId)}, CALLBACK)`,
  );
  if (!ok) throw new Error(`open(${roomId}) failed`);
  for (const page of others) {
    const [joined, , error] = await callback<[boolean, string, unknown]>(
      page,
      `connection.join(${JSON.stringify(roomId)}, CALLBACK)`,
    );
    if (!joined) throw new Error(`join(${roomId}) failed: ${String(error)}`);
  }
}

/** Waits until the page has a peer connection to each user, connected. */
export function connectedTo(page: Page, userids: string[], timeout = 20_000): Promise<void> {
  return until(
    page,
    `${JSON.stringify(userids)}.every(function (id) {
      var p = connection.peers[id];
      return p && p.peer && p.peer.connectionState === 'connected';
    })`,
    timeout,
  );
}

/** What the page receives from a user, straight from its RTCPeerConnection's stats. */
export interface Inbound {
  audio: boolean;
  video: boolean;
  /** Frame size of the video received (0 until frames are decoded). */
  width: number;
  height: number;
  framesDecoded: number;
  videoTracks: string[];
}

/** The RTP the page receives from a user, per its RTCPeerConnection's stats. */
export function inbound(page: Page, userid: string): Promise<Inbound> {
  return runAsync<Inbound>(
    page,
    `var entry = connection.peers[${JSON.stringify(userid)}];
    var out = { audio: false, video: false, width: 0, height: 0, framesDecoded: 0, videoTracks: [] };
    if (!entry || !entry.peer) return out;
    var report = await entry.peer.getStats();
    report.forEach(function (s) {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'audio' && s.packetsReceived > 0) out.audio = true;
      if (s.kind === 'video' && s.framesDecoded > 0) {
        out.video = true;
        out.videoTracks.push(s.trackIdentifier);
        out.framesDecoded += s.framesDecoded;
        if ((s.frameWidth || 0) * (s.frameHeight || 0) >= out.width * out.height) {
          out.width = s.frameWidth || 0;
          out.height = s.frameHeight || 0;
        }
      }
    });
    return out;`,
  );
}

/**
 * Waits until the video a page receives from a user has this aspect ratio (±4%), i.e. until the
 * track the user sends really changed; 0 waits for no video at all.
 */
export async function waitForAspect(
  page: Page,
  userid: string,
  ratio: number,
  timeout = 20_000,
): Promise<Inbound> {
  const deadline = Date.now() + timeout;
  let last: Inbound | undefined;
  for (;;) {
    last = await inbound(page, userid);
    const aspect = last.height ? last.width / last.height : 0;
    if (last.video && Math.abs(aspect / ratio - 1) < 0.04) return last;
    if (Date.now() > deadline)
      throw new Error(
        `video from ${userid} did not reach aspect ${ratio.toFixed(2)}: ${JSON.stringify(last)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const CAMERA = 4 / 3;
export const SCREEN = 16 / 9;

/** The `maxBitrate` of each kind the page sends to a user (null when uncapped), from its senders. */
export function senderCaps(page: Page, userid: string): Promise<Record<string, number | null>> {
  return run<Record<string, number | null>>(
    page,
    `var out = {};
    connection.peers[${JSON.stringify(userid)}].peer.getSenders().forEach(function (s) {
      if (s.track) out[s.track.kind] = (s.getParameters().encodings[0] || {}).maxBitrate || null;
    });
    out`,
  );
}
