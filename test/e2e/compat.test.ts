// RTCMultiConnection pages on our engine: a page written for RTCMultiConnection 3.7 swaps its
// script tag for dist/rtcmulticonnection.js and keeps its code. Such pages meet each other, real
// 3.7 pages and <rtc-room> pages in one room, and their documented callbacks fire.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { newPage } from '../support/browser.js';
import { useE2E } from './harness.js';
import {
  elementPage,
  legacyPage,
  waitForLegacyRemoteVideos,
  waitForRemoteVideos,
} from './pages.js';

type Window = {
  connection: {
    userid: string;
    send(data: unknown, userid?: string): void;
    getAllParticipants(): string[];
    peers: Record<string, { extra: Record<string, unknown>; peer?: RTCPeerConnection }> & {
      getLength(): number;
    };
    [key: string]: unknown;
  };
  ready: Promise<{ ok: boolean; error?: string }>;
  remoteStreams: string[];
  messages: { userid: string; data: unknown }[];
  seen: Record<string, unknown[]>;
};

const ready = (page: Page) => page.evaluate(() => (window as unknown as Window).ready);

/** Records the given callbacks of the page's connection into `window.seen[name]`. */
function record(page: Page, names: string[]): Promise<void> {
  return page.evaluate((names) => {
    const w = window as unknown as Window;
    w.seen = {};
    for (const name of names) {
      w.seen[name] = [];
      const previous = w.connection[name] as ((...args: unknown[]) => void) | undefined;
      w.connection[name] = (...args: unknown[]) => {
        w.seen[name]!.push(
          JSON.parse(
            JSON.stringify(args, (k, v: unknown) =>
              v instanceof MediaStream || v instanceof HTMLElement ? `[${k}]` : v,
            ),
          ),
        );
        previous?.(...args);
      };
    }
  }, names);
}

const seen = (page: Page, name: string) =>
  page.evaluate((name) => (window as unknown as Window).seen[name] ?? [], name);

async function waitSeen(page: Page, name: string, count = 1): Promise<unknown[]> {
  await page.waitForFunction(
    ({ name, count }) => ((window as unknown as Window).seen[name]?.length ?? 0) >= count,
    { name, count },
    { timeout: 20_000 },
  );
  return seen(page, name);
}

/** Sends from `from` (retrying until a peer is connected) and waits for `to` to get it. */
async function exchange(from: Page, to: Page, data: unknown): Promise<void> {
  await from.waitForFunction(
    (data) => {
      const c = (window as unknown as Window).connection;
      if (c.getAllParticipants().length === 0) return false;
      c.send(data);
      return true;
    },
    data,
    { polling: 200 },
  );
  await to.waitForFunction(
    (data) =>
      (window as unknown as Window).messages.some(
        (m) => JSON.stringify(m.data) === JSON.stringify(data),
      ),
    data,
    { timeout: 20_000 },
  );
}

describe(
  'RTCMultiConnection pages on rtc-elements (dist/rtcmulticonnection.js)',
  { timeout: 180_000 },
  () => {
    const env = useE2E();

    async function open(
      path: string,
      options: Omit<Parameters<typeof legacyPage>[0], 'signalingUrl'>,
    ): Promise<{ page: Page; close: () => Promise<void> }> {
      const { context, page } = await newPage(env.browser);
      await page.goto(
        env.site.page(path, legacyPage({ signalingUrl: env.signaling.url, ...options })),
      );
      return { page, close: () => context.close() };
    }

    it('the classic script defines exactly window.RTCMultiConnection and window.DetectRTC (connection.DetectRTC), and two such pages call with video and messages', async () => {
      const roomId = 'compat-pair';
      const a = await open('/c1.html', {
        roomId,
        userId: 'c1',
        open: true,
        script: 'rtc-elements',
      });
      try {
        const globals = await a.page.evaluate(() =>
          [
            'RTCMultiConnection',
            'io',
            'DetectRTC',
            'getStats',
            'RoomConnection',
            'CodecsHandler',
            'BandwidthHandler',
            'FileBufferReader',
          ].filter((name) => name in window),
        );
        // v3's demos call DetectRTC as the global its script defined.
        assert.deepEqual(globals, ['RTCMultiConnection', 'DetectRTC']);
        assert.equal(
          await a.page.evaluate(
            () =>
              (window as unknown as { DetectRTC: unknown }).DetectRTC ===
              (window as unknown as Window).connection['DetectRTC'],
          ),
          true,
        );
        assert.equal((await ready(a.page)).ok, true);
        const b = await open('/c2.html', {
          roomId,
          userId: 'c2',
          open: false,
          script: 'rtc-elements',
        });
        try {
          assert.equal((await ready(b.page)).ok, true);
          await Promise.all([
            waitForLegacyRemoteVideos(a.page, 1),
            waitForLegacyRemoteVideos(b.page, 1),
          ]);
          await exchange(a.page, b.page, { hello: 'from c1' });
          await exchange(b.page, a.page, 'from c2');
          const peers = await a.page.evaluate(() => {
            const c = (window as unknown as Window).connection;
            return {
              participants: c.getAllParticipants(),
              length: c.peers.getLength(),
              native: c.peers['c2']?.peer instanceof RTCPeerConnection,
            };
          });
          assert.deepEqual(peers, { participants: ['c2'], length: 1, native: true });
        } finally {
          await b.close();
        }
      } finally {
        await a.close();
      }
    });

    it('one room with a real RTCMultiConnection 3.7 page, a page on our script and an <rtc-room> page', async () => {
      const roomId = 'compat-mixed';
      const ours = await open('/m1.html', {
        roomId,
        userId: 'ours',
        open: true,
        script: 'rtc-elements',
      });
      const theirs = await open('/m2.html', { roomId, userId: 'theirs', open: false });
      const element = await newPage(env.browser);
      try {
        assert.equal((await ready(ours.page)).ok, true);
        assert.equal((await ready(theirs.page)).ok, true);
        await element.page.goto(
          env.site.page(
            '/m3.html',
            elementPage({ signalingUrl: env.signaling.url, roomId, userId: 'element' }),
          ),
        );
        await Promise.all([
          waitForLegacyRemoteVideos(ours.page, 2, 30_000),
          waitForLegacyRemoteVideos(theirs.page, 2, 30_000),
          waitForRemoteVideos(element.page, 2, 30_000),
        ]);
        const remote = await ours.page.evaluate(() =>
          [...(window as unknown as Window).remoteStreams].sort(),
        );
        assert.deepEqual(remote, ['element', 'theirs']);
        await exchange(ours.page, theirs.page, 'ours to 3.7');
        await exchange(theirs.page, ours.page, '3.7 to ours');
      } finally {
        await Promise.all([ours.close(), theirs.close(), element.context.close()]);
      }
    });

    it('setCustomSocketHandler: a v3-style handler carries the signaling (here the socket.io client, as v3 used it)', async () => {
      const roomId = 'compat-custom-socket';
      // The seed's handlers (FirebaseConnection.js, PubNubConnection.js...) cannot load here: this
      // stand-in follows their contract — make a socket.io-like object, store it in
      // connection.socket, call connectCallback(socket) — over the server's own socket.io client.
      const handler = (signalingUrl: string) => `
      window.handlerCalls = 0;
      connection.setCustomSocketHandler(function IoConnection(connection, connectCallback) {
        window.handlerCalls++;
        var socket = io(${JSON.stringify(signalingUrl)}, { transports: ['websocket'], query: connection.socketQuery });
        connection.socket = socket;
        socket.on('connect', function () { connectCallback(socket); });
      });`;
      const pages = [];
      try {
        for (const [i, userId] of ['h1', 'h2'].entries()) {
          const { context, page } = await newPage(env.browser);
          pages.push(context);
          const html = legacyPage({
            signalingUrl: env.signaling.url,
            roomId,
            userId,
            open: i === 0,
            manual: true,
            script: 'rtc-elements',
          })
            .replace(
              '</head>',
              `<script src="${env.signaling.url}/socket.io/socket.io.js"></script></head>`,
            )
            .replace(
              '</script></body>',
              `${handler(env.signaling.url)}
          window.ready = new Promise((resolve) => connection.${i === 0 ? 'open' : 'join'}(${JSON.stringify(roomId)}, (ok, id, error) => resolve({ ok, error })));
        </script></body>`,
            );
          await page.goto(env.site.page(`/h${i}.html`, html));
          assert.equal((await ready(page)).ok, true);
          assert.equal(
            await page.evaluate(() => (window as unknown as { handlerCalls: number }).handlerCalls),
            1,
          );
        }
        const [a, b] = await Promise.all(pages.map(async (c) => c.pages()[0]!));
        await Promise.all([waitForLegacyRemoteVideos(a!, 1), waitForLegacyRemoteVideos(b!, 1)]);
        await exchange(a!, b!, 'over a custom socket');
      } finally {
        await Promise.all(pages.map((c) => c.close()));
      }
    });

    it('documented callbacks: presence, status, extra, room full, custom socket events, files, closing the session', async () => {
      const roomId = 'compat-callbacks';
      const a = await open('/k1.html', {
        roomId,
        userId: 'k1',
        open: false,
        manual: true,
        script: 'rtc-elements',
        extra: { name: 'Kay' },
      });
      const b = await open('/k2.html', {
        roomId,
        userId: 'k2',
        open: false,
        manual: true,
        script: 'rtc-elements',
      });
      const c = await open('/k3.html', {
        roomId,
        userId: 'k3',
        open: false,
        manual: true,
        script: 'rtc-elements',
      });
      try {
        const names = [
          'onUserStatusChanged',
          'onExtraDataUpdated',
          'onRoomFull',
          'onEntireSessionClosed',
          'onFileEnd',
          'onopen',
          'onleave',
        ];
        for (const p of [a, b, c]) await record(p.page, names);
        // checkPresence before the room exists; then k1 opens a one-to-one room.
        const before = await a.page.evaluate(
          (roomId) =>
            new Promise(
              (resolve) =>
                (window as unknown as Window).connection['checkPresence'] instanceof Function &&
                (
                  (window as unknown as Window).connection['checkPresence'] as (
                    r: string,
                    cb: (...a: unknown[]) => void,
                  ) => void
                )(roomId, (...args) => resolve(args)),
            ),
          roomId,
        );
        assert.deepEqual(before, [
          false,
          roomId,
          { _room: { isFull: false, isPasswordProtected: false } },
        ]);
        const opened = await a.page.evaluate(
          (roomId) =>
            new Promise((resolve) => {
              const c = (window as unknown as Window).connection as unknown as {
                maxParticipantsAllowed: number;
                openOrJoin(id: string, cb: (...a: unknown[]) => void): void;
              };
              c.maxParticipantsAllowed = 1;
              c.openOrJoin(roomId, (...args) => resolve(args));
            }),
          roomId,
        );
        assert.deepEqual(opened, [true, roomId]);
        const joined = await b.page.evaluate(
          (roomId) =>
            new Promise((resolve) =>
              (
                (window as unknown as Window).connection as unknown as {
                  openOrJoin(id: string, cb: (...a: unknown[]) => void): void;
                }
              ).openOrJoin(roomId, (...args) => resolve(args)),
            ),
          roomId,
        );
        assert.deepEqual(joined, [false, roomId]);
        // The third is turned away: onRoomFull(roomid), and join's callback gets v3's error string.
        const refused = await c.page.evaluate(
          (roomId) =>
            new Promise((resolve) =>
              (
                (window as unknown as Window).connection as unknown as {
                  join(id: string, cb: (...a: unknown[]) => void): void;
                }
              ).join(roomId, (...args) => resolve(args)),
            ),
          roomId,
        );
        assert.deepEqual(refused, [false, roomId, 'Room full']);
        assert.deepEqual(await waitSeen(c.page, 'onRoomFull'), [[roomId]]);
        // Status and extra.
        const status = (await waitSeen(b.page, 'onUserStatusChanged')) as [
          { userid: string; status: string; extra: unknown },
        ][];
        assert.deepEqual(status[0]![0], { userid: 'k1', status: 'online', extra: { name: 'Kay' } });
        await waitSeen(a.page, 'onopen');
        await a.page.evaluate(() => {
          const c = (window as unknown as Window).connection as unknown as {
            extra: Record<string, unknown>;
            updateExtraData(): void;
          };
          c.extra['name'] = 'Kay Renamed';
          c.updateExtraData();
        });
        const updated = (await waitSeen(b.page, 'onExtraDataUpdated')) as [
          { userid: string; extra: unknown },
        ][];
        assert.deepEqual(updated.at(-1)![0], { userid: 'k1', extra: { name: 'Kay Renamed' } });
        assert.deepEqual(
          await b.page.evaluate(() => (window as unknown as Window).connection.peers['k1']?.extra),
          { name: 'Kay Renamed' },
        );
        // The room's custom socket event, on the socket v3 pages use directly.
        const custom = b.page.evaluate(
          () =>
            new Promise((resolve) => {
              const c = (window as unknown as Window).connection as unknown as {
                socketCustomEvent: string;
                socket: { on(e: string, f: (m: unknown) => void): void };
              };
              c.socket.on(c.socketCustomEvent, resolve);
            }),
        );
        await a.page.evaluate(() => {
          const c = (window as unknown as Window).connection as unknown as {
            socketCustomEvent: string;
            getSocket(): { emit(e: string, m: unknown): void };
          };
          c.getSocket().emit(c.socketCustomEvent, { hi: 'there' });
        });
        assert.deepEqual(await custom, { hi: 'there' });
        // A file: onFileEnd on the receiver with a download link in filesContainer (text as text).
        await a.page.evaluate(() => {
          const c = (window as unknown as Window).connection;
          c.send(new File(['<b>not html</b>'], '<img src=x>.txt', { type: 'text/plain' }));
        });
        const ended = (await waitSeen(b.page, 'onFileEnd')) as [
          { name: string; userid: string; url?: string },
        ][];
        assert.equal(ended[0]![0].name, '<img src=x>.txt');
        assert.equal(ended[0]![0].userid, 'k1');
        const link = await b.page.evaluate(() => {
          const a = document.querySelector('a[download]');
          return { text: a?.textContent, images: document.querySelectorAll('img').length };
        });
        assert.deepEqual(link, { text: '<img src=x>.txt', images: 0 });
        // The owner closes the session: the other page hears onEntireSessionClosed.
        await a.page.evaluate(
          () =>
            new Promise<void>((resolve) =>
              (
                (window as unknown as Window).connection as unknown as {
                  closeEntireSession(cb: () => void): void;
                }
              ).closeEntireSession(resolve),
            ),
        );
        const closed = (await waitSeen(b.page, 'onEntireSessionClosed')) as [
          { sessionid: string },
        ][];
        assert.equal(closed[0]![0].sessionid, roomId);
      } finally {
        await Promise.all([a.close(), b.close(), c.close()]);
      }
    });
  },
);
