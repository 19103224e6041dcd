import { afterEach } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { newPage } from '../support/browser.js';
import type { E2E } from './harness.js';

export interface ElementPageOptions {
  signalingUrl: string;
  roomId: string;
  userId?: string;
  /** Omit socket-url (the element defaults to the bundle's origin). */
  defaultSocketUrl?: boolean;
  session?: string;
  name?: string;
  /** The script the page loads from the server's /dist/ (default the whole bundle). */
  script?: 'rtc-elements.js' | 'autoloader.js';
}

/** A page that uses only the public bundle and two tags of markup, from another origin. */
export function elementPage(o: ElementPageOptions): string {
  const attrs = [
    `room-id="${o.roomId}"`,
    o.defaultSocketUrl ? '' : `socket-url="${o.signalingUrl}"`,
    o.userId ? `user-id="${o.userId}"` : '',
    o.session ? `session="${o.session}"` : '',
    o.name ? `extra='${JSON.stringify({ name: o.name })}'` : '',
  ].join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>room</title>
<script type="module" src="${o.signalingUrl}/dist/${o.script ?? 'rtc-elements.js'}"></script></head>
<body><rtc-room ${attrs}><rtc-video-grid></rtc-video-grid></rtc-room></body></html>`;
}

/** A page running unmodified RTCMultiConnection 3.7 against our server. */
export function legacyPage(o: {
  signalingUrl: string;
  roomId: string;
  userId: string;
  open: boolean;
  /** Include `data` in the session (default true). */
  data?: boolean;
  /** `connection.password`, for password rooms. */
  password?: string;
  /** `connection.extra`. */
  extra?: Record<string, unknown>;
  /** Neither open nor join on load (`window.ready` is not set). */
  manual?: boolean;
  /** Which RTCMultiConnection: 3.7's own file (default) or ours (`dist/rtcmulticonnection.js`). */
  script?: 'rtcmulticonnection-3.7' | 'rtc-elements';
  /** `connection.enableFileSharing`, with FileBufferReader.js loaded as 3.7 pages load it. */
  fileSharing?: boolean;
  /** Audio and video in the session (default true; false: data only). */
  media?: boolean;
}): string {
  const settings = [
    o.password === undefined ? '' : `connection.password = ${JSON.stringify(o.password)};`,
    o.extra === undefined ? '' : `connection.extra = ${JSON.stringify(o.extra)};`,
    o.fileSharing ? 'connection.enableFileSharing = true;' : '',
  ].join('\n  ');
  const media = o.media ?? true;
  const start = o.manual
    ? ''
    : `window.ready = new Promise((resolve) => {
    connection.${o.open ? 'open' : 'join'}(${JSON.stringify(o.roomId)}, (ok, roomid, error) => resolve({ ok, error }));
  });`;
  const scripts =
    o.script === 'rtc-elements'
      ? `<script src="${o.signalingUrl}/dist/rtcmulticonnection.js"></script>`
      : `<script src="${o.signalingUrl}/socket.io/socket.io.js"></script>
<script src="/vendor/RTCMultiConnection.js"></script>${
          o.fileSharing ? '\n<script src="/vendor/FileBufferReader.js"></script>' : ''
        }`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rtcmc</title>
${scripts}</head>
<body><div id="videos"></div><script>
  const connection = new RTCMultiConnection();
  connection.socketURL = ${JSON.stringify(o.signalingUrl + '/')};
  connection.userid = ${JSON.stringify(o.userId)};
  connection.session = { audio: ${media}, video: ${media}, data: ${o.data ?? true} };
  connection.sdpConstraints.mandatory = { OfferToReceiveAudio: true, OfferToReceiveVideo: true };
  connection.iceServers = [];
  connection.enableLogs = false;
  connection.videosContainer = document.getElementById('videos');
  window.remoteStreams = [];
  window.messages = [];
  connection.onstream = (event) => {
    const video = document.createElement('video');
    video.muted = true; video.autoplay = true; video.playsInline = true;
    video.srcObject = event.stream;
    video.dataset.type = event.type;
    video.dataset.userid = event.userid;
    document.getElementById('videos').appendChild(video);
    if (event.type === 'remote') window.remoteStreams.push(event.userid);
  };
  connection.onmessage = (event) => window.messages.push({ userid: event.userid, data: event.data });
  window.connection = connection;
  ${settings}
  ${start}
</script></body></html>`;
}

/** Waits until the page's grid shows `count` remote videos that decode frames; returns their user ids. */
export async function waitForRemoteVideos(
  page: Page,
  count: number,
  timeout = 20_000,
): Promise<string[]> {
  await page.waitForFunction(
    (n) => {
      const grid = document.querySelector('rtc-video-grid');
      const videos = [
        ...(grid?.shadowRoot?.querySelectorAll('video[data-stream-type="remote"]') ?? []),
      ];
      return videos.filter((v) => (v as HTMLVideoElement).videoWidth > 0).length >= n;
    },
    count,
    { timeout },
  );
  return page.evaluate(() =>
    [
      ...(document
        .querySelector('rtc-video-grid')
        ?.shadowRoot?.querySelectorAll('video[data-stream-type="remote"]') ?? []),
    ]
      .filter((v) => (v as HTMLVideoElement).videoWidth > 0)
      .map((v) => (v as HTMLElement).dataset['userId'] ?? ''),
  );
}

/** Waits until a legacy page's remote <video> elements decode frames. */
export async function waitForLegacyRemoteVideos(
  page: Page,
  count: number,
  timeout = 20_000,
): Promise<void> {
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll('#videos video[data-type="remote"]')].filter(
        (v) => (v as HTMLVideoElement).videoWidth > 0,
      ).length >= n,
    count,
    { timeout },
  );
}

export interface ApiPageOptions {
  /** The signaling server: the bundle comes from it, and the room connects to it. */
  signalingUrl: string;
  /** Connect the room to another server than the bundle's. */
  socketUrl?: string;
  roomId: string;
  userId?: string;
  /** Session tokens (default `data`: no camera or microphone). */
  session?: string;
  /** Shorthand for `extra: {name}`. */
  name?: string;
  extra?: Record<string, unknown>;
  /** More attributes of the room: `true` for a boolean attribute, strings and numbers as values. */
  attributes?: Record<string, string | number | boolean | undefined>;
  /** Join on load instead of waiting for open()/join() (default false: the room is `manual`). */
  autoJoin?: boolean;
  /** Add an <rtc-user-status> inside the room. */
  userStatus?: boolean;
  /** Add an <rtc-chat> inside the room. */
  chat?: boolean;
  /** Add an <rtc-video-grid> inside the room (`true`), or one with these attributes. */
  grid?: boolean | string;
  /** More markup inside the room, after the rest (e.g. `<rtc-screen-button>`). */
  children?: string;
}

/** Every event <rtc-room> fires (src/elements/events/events.ts). */
export const ROOM_EVENTS = [
  'rtc-joined',
  'rtc-left',
  'rtc-participant-joined',
  'rtc-participant-left',
  'rtc-extra-updated',
  'rtc-user-status',
  'rtc-owner-changed',
  'rtc-participation-request',
  'rtc-kicked',
  'rtc-participant-renamed',
  'rtc-user-id-changed',
  'rtc-mute',
  'rtc-unmute',
  'rtc-custom-message',
  'rtc-stream',
  'rtc-stream-ended',
  'rtc-message',
  'rtc-room-full',
  'rtc-session-closed',
  'rtc-error',
  'rtc-file-offer',
  'rtc-file-start',
  'rtc-file-progress',
  'rtc-file-end',
  'rtc-file-cancel',
  'rtc-reconnecting',
  'rtc-reconnected',
  'rtc-broadcast-viewers',
  'rtc-broadcast-ended',
] as const;

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A page with a `manual` <rtc-room id="room"> (plus optional <rtc-user-status>, <rtc-chat> and
 * <rtc-video-grid> inside it) and a recorder: every rtc-* event of the room lands in
 * `window.events` as a JSON-safe `{type, detail, target, cancelable, defaultPrevented}`
 * (MediaStreams become `stream:<id>`, errors their code). `window.handlers[type]` may act on an
 * event before it is recorded (e.g. `preventDefault()`); `window.api` calls room methods.
 */
export function apiPage(o: ApiPageOptions): string {
  const extra = o.extra ?? (o.name ? { name: o.name } : undefined);
  const attributes: Record<string, string | number | boolean | undefined> = {
    id: 'room',
    'room-id': o.roomId,
    'socket-url': o.socketUrl ?? o.signalingUrl,
    'user-id': o.userId,
    session: o.session ?? 'data',
    extra: extra ? JSON.stringify(extra) : undefined,
    manual: !o.autoJoin,
    ...o.attributes,
  };
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([name, value]) => (value === true ? name : `${name}="${escapeAttribute(String(value))}"`))
    .join(' ');
  const children = [
    o.userStatus ? '<rtc-user-status></rtc-user-status>' : '',
    o.chat ? '<rtc-chat></rtc-chat>' : '',
    o.grid ? `<rtc-video-grid ${o.grid === true ? '' : o.grid}></rtc-video-grid>` : '',
    o.children ?? '',
  ].join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>room api</title>
<script type="module" src="${o.signalingUrl}/dist/rtc-elements.js"></script></head>
<body><rtc-room ${attrs}>${children}</rtc-room><script>
(() => {
  const room = document.getElementById('room');
  const safe = (value) => {
    if (value instanceof MediaStream) return 'stream:' + value.id;
    if (typeof value === 'function') return 'function';
    if (value instanceof Blob) return 'blob:' + value.size;
    if (value instanceof Error) return value.code || value.name;
    if (Array.isArray(value)) return value.map(safe);
    if (value && typeof value === 'object') {
      const out = {};
      for (const [key, inner] of Object.entries(value)) out[key] = safe(inner);
      return out;
    }
    return value === undefined ? null : value;
  };
  const matches = (detail, match) =>
    Object.entries(match).every(([key, value]) => JSON.stringify(detail?.[key]) === JSON.stringify(value));
  window.events = [];
  window.handlers = {};
  // Received files, by file id (the recorded event only keeps JSON-safe fields).
  window.files = {};
  room.addEventListener('rtc-file-end', (e) => {
    if (e.detail.file) window.files[e.detail.fileId] = e.detail.file;
  });
  window.pending = {};
  for (const type of ${JSON.stringify(ROOM_EVENTS)}) {
    room.addEventListener(type, (event) => {
      window.handlers[type]?.(event);
      window.events.push({
        type,
        detail: safe(event.detail),
        target: event.target === room ? 'rtc-room' : event.target.localName,
        cancelable: event.cancelable,
        defaultPrevented: event.defaultPrevented,
        at: Date.now(),
      });
    });
  }
  window.api = {
    room,
    find: (type, match) => window.events.filter((e) => e.type === type && matches(e.detail, match)),
    async call(method, args) {
      try {
        const value = await room[method](...args);
        return { value: value === undefined ? undefined : safe(value) };
      } catch (error) {
        return { code: error?.code ?? String(error), message: String(error?.message ?? error) };
      }
    },
    /** FNV-1a of a string, or of a value's JSON. */
    hash(value) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      let h = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 16777619) >>> 0;
      }
      return h.toString(16) + ':' + text.length;
    },
    /** The rtc-message events so far, with their data summarised: {userId, kind, digest}. */
    messages: () =>
      window.events
        .filter((e) => e.type === 'rtc-message')
        .map((e) => ({
          userId: e.detail.userId,
          kind: typeof e.detail.data,
          digest: window.api.hash(e.detail.data),
        })),
    begin(key, method, args) {
      window.pending[key] = { settled: false };
      window.api.call(method, args).then((outcome) => {
        window.pending[key] = { settled: true, outcome };
      });
    },
  };
})();
</script></body></html>`;
}

/** A JSON-safe copy of an event the room fired, as `apiPage` records it. */
export interface RecordedEvent {
  type: string;
  detail: Record<string, unknown>;
  target: string;
  cancelable: boolean;
  defaultPrevented: boolean;
  /** When the page saw it (Date.now() in the page). */
  at: number;
}

/** How a room method call ended: `{value}` or `{code, message}` (an RtcError's stable code). */
export type Outcome = { value: unknown; code?: undefined } | { code: string; message: string };

/** An rtc-message, summarised: the sender, `typeof data` and a digest (hash and length). */
export interface ReceivedMessage {
  userId: string;
  kind: string;
  digest: string;
}

/** The page's received messages, summarised (see {@link digest}). */
export function receivedMessages(page: Page): Promise<ReceivedMessage[]> {
  return page.evaluate(() => (window as unknown as ApiWindow).api.messages());
}

/** The digest `receivedMessages()` gives for a value (computed in the page). */
export function digest(page: Page, value: unknown): Promise<string> {
  return page.evaluate((value) => (window as unknown as ApiWindow).api.hash(value), value);
}

/** Waits until the page's room has connected peer connections to exactly these users. */
export async function waitForPeers(page: Page, userIds: string[], timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (userIds) => {
      const connection = document.querySelector('rtc-room')?.connection;
      if (!connection) return false;
      const ids = connection.connectedUserIds;
      return (
        ids.length === userIds.length &&
        userIds.every((id) => connection.peerConnection(id)?.connectionState === 'connected')
      );
    },
    userIds,
    { timeout },
  );
}

interface ApiWindow {
  events: RecordedEvent[];
  pending: Record<string, { settled: boolean; outcome?: Outcome }>;
  api: {
    room: HTMLElementTagNameMap['rtc-room'];
    find(type: string, match: Record<string, unknown>): RecordedEvent[];
    call(method: string, args: unknown[]): Promise<Outcome>;
    begin(key: string, method: string, args: unknown[]): void;
    hash(value: unknown): string;
    messages(): ReceivedMessage[];
  };
}

/** Calls a method of the page's room; resolves to `{value}` or `{code, message}`. */
export function call(page: Page, method: string, ...args: unknown[]): Promise<Outcome> {
  return page.evaluate(
    ({ method, args }) => (window as unknown as ApiWindow).api.call(method, args),
    { method, args },
  );
}

/** Calls a method that must succeed; returns its value. */
export async function succeeds(page: Page, method: string, ...args: unknown[]): Promise<unknown> {
  const outcome = await call(page, method, ...args);
  if (outcome.code !== undefined) {
    throw new Error(`${method}() rejected with ${outcome.code}: ${outcome.message}`);
  }
  return outcome.value;
}

/** Calls a method that must fail; returns the error code. */
export async function fails(page: Page, method: string, ...args: unknown[]): Promise<string> {
  const outcome = await call(page, method, ...args);
  if (outcome.code === undefined) {
    throw new Error(`${method}() resolved with ${JSON.stringify(outcome.value)}`);
  }
  return outcome.code;
}

/** Starts a method call and leaves it running; see {@link settled} and {@link isPending}. */
export async function begin(
  page: Page,
  key: string,
  method: string,
  ...args: unknown[]
): Promise<void> {
  await page.evaluate(
    ({ key, method, args }) => {
      (window as unknown as ApiWindow).api.begin(key, method, args);
    },
    { key, method, args },
  );
}

/** Whether a call started with {@link begin} is still running. */
export function isPending(page: Page, key: string): Promise<boolean> {
  return page.evaluate((key) => !(window as unknown as ApiWindow).pending[key]?.settled, key);
}

/** Waits for a call started with {@link begin} to settle; returns how it ended. */
export async function settled(page: Page, key: string, timeout = 20_000): Promise<Outcome> {
  await page.waitForFunction(
    (key) => (window as unknown as ApiWindow).pending[key]?.settled === true,
    key,
    { timeout },
  );
  return page.evaluate((key) => (window as unknown as ApiWindow).pending[key]!.outcome!, key);
}

/** Recorded events of a type whose detail has every key of `match` (compared as JSON). */
export function events(
  page: Page,
  type: string,
  match: Record<string, unknown> = {},
): Promise<RecordedEvent[]> {
  return page.evaluate(
    ({ type, match }) => (window as unknown as ApiWindow).api.find(type, match),
    { type, match },
  );
}

/** How many events of a type matching `match` the room has fired. */
export async function countEvents(
  page: Page,
  type: string,
  match: Record<string, unknown> = {},
): Promise<number> {
  return (await events(page, type, match)).length;
}

/** Waits until the room has fired `count` (default 1) events of a type matching `match`; returns the first. */
export async function waitForEvent(
  page: Page,
  type: string,
  match: Record<string, unknown> = {},
  options: { count?: number; timeout?: number } = {},
): Promise<RecordedEvent> {
  const count = options.count ?? 1;
  const timeout = options.timeout ?? 20_000;
  try {
    await page.waitForFunction(
      ({ type, match, count }) =>
        (window as unknown as ApiWindow).api.find(type, match).length >= count,
      { type, match, count },
      { timeout },
    );
  } catch (error) {
    const seen = (await events(page, type)).map((e) => e.detail);
    throw new Error(
      `${type} ${JSON.stringify(match)} (${count}x) did not come within ${timeout} ms; ` +
        `${type} events so far: ${JSON.stringify(seen)}`,
      { cause: error },
    );
  }
  return (await events(page, type, match))[0]!;
}

/** Whether the page's room is joined (the reflected `joined` attribute). */
export function isJoined(page: Page): Promise<boolean> {
  return page.evaluate(() => document.getElementById('room')!.hasAttribute('joined'));
}

/**
 * A request the page's room answers over its own signaling socket: once it resolves, every server
 * event sent to this page before the request has arrived (so counting events after it is final).
 */
export async function roundTrip(page: Page): Promise<void> {
  await succeeds(page, 'checkPresence');
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
}

let pageCounter = 0;

/**
 * Opens `apiPage` pages, each in its own browser context, for the enclosing suite; `closeAll()`
 * ends a test, and whatever a failed test left open is closed after it.
 */
export function useApiPages(env: E2E) {
  const open = new Set<BrowserContext>();
  const closeAll = async () => {
    const contexts = [...open];
    open.clear();
    await Promise.all(contexts.map((context) => context.close()));
  };
  afterEach(closeAll);
  return {
    /** A new context with one page showing `apiPage(options)`, once the elements are defined. */
    async open(
      options: Omit<ApiPageOptions, 'signalingUrl'> & { signalingUrl?: string },
      setup?: (page: Page) => Promise<void>,
    ): Promise<OpenedPage> {
      const opened = await newPage(env.browser);
      open.add(opened.context);
      await setup?.(opened.page);
      const path = `/api-${++pageCounter}-${encodeURIComponent(options.roomId)}.html`;
      const url = env.site.page(path, apiPage({ signalingUrl: env.signaling.url, ...options }));
      await opened.page.goto(url);
      await opened.page.evaluate(async () => {
        await customElements.whenDefined('rtc-room');
        await document.querySelector('rtc-room')!.updateComplete;
      });
      return opened;
    },
    /** A new context with one RTCMultiConnection 3.7 page (`legacyPage(options)`). */
    async openLegacy(
      options: Omit<Parameters<typeof legacyPage>[0], 'signalingUrl'>,
    ): Promise<OpenedPage> {
      const opened = await newPage(env.browser);
      open.add(opened.context);
      const path = `/legacy-${++pageCounter}-${encodeURIComponent(options.userId)}.html`;
      await opened.page.goto(
        env.site.page(path, legacyPage({ signalingUrl: env.signaling.url, ...options })),
      );
      return opened;
    },
    closeAll,
  };
}

/** Sets properties of the page's room (and waits for it to update). */
export async function setRoom(page: Page, properties: Record<string, unknown>): Promise<void> {
  await page.evaluate(async (properties) => {
    const room = document.querySelector('rtc-room')!;
    Object.assign(room, properties);
    await room.updateComplete;
  }, properties);
}
