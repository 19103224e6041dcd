// `socket-url="broadcast-channel:"`: tabs of one browser profile and origin hold a room with no
// signaling server at all (BroadcastChannel + Web Locks; one tab hosts the hub). The signaling
// server only serves the bundle here, and the test checks that it never saw a socket. Figures
// (time until a closed tab is noticed, time to rebuild after the hub tab closes) go to stderr
// only when RTC_E2E_FIGURES is set.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { useE2E } from './harness.js';
import { waitForRemoteVideos } from './pages.js';

interface Recorded {
  type: string;
  detail: Record<string, unknown> | null;
  at: number;
}

const RECORDED = [
  'rtc-joined',
  'rtc-participant-joined',
  'rtc-participant-left',
  'rtc-owner-changed',
  'rtc-reconnecting',
  'rtc-reconnected',
  'rtc-message',
  'rtc-custom-message',
  'rtc-error',
];

const report = (line: string) => {
  if (process.env['RTC_E2E_FIGURES']) process.stderr.write(`${line}\n`);
};

describe('broadcast-channel: a room across tabs with no server', { timeout: 180_000 }, () => {
  const env = useE2E();
  const contexts: BrowserContext[] = [];
  after(async () => {
    for (const context of contexts) await context.close();
  });

  /** A browser context: its tabs share BroadcastChannels and Web Locks (other contexts do not). */
  async function profile(): Promise<BrowserContext> {
    const context = await env.browser.newContext({ permissions: ['camera', 'microphone'] });
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    contexts.push(context);
    return context;
  }

  /** A tab with only the public bundle and an <rtc-room> on `broadcast-channel:`; it records events. */
  async function tab(
    context: BrowserContext,
    o: { roomId: string; userId: string; session: string },
  ): Promise<Page> {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${o.userId}</title>
<script type="module" src="${env.signaling.url}/dist/rtc-elements.js"></script></head>
<body><rtc-room room-id="${o.roomId}" user-id="${o.userId}" socket-url="broadcast-channel:"
  session="${o.session}"><rtc-video-grid></rtc-video-grid></rtc-room>
<script>
  window.recorded = [];
  for (const type of ${JSON.stringify(RECORDED)}) {
    document.addEventListener(type, (event) => {
      const detail = event.detail instanceof Error ? { code: event.detail.code } : event.detail;
      window.recorded.push({ type, detail: JSON.parse(JSON.stringify(detail ?? null)), at: Date.now() });
    });
  }
</script></body></html>`;
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
    await page.goto(env.site.page(`/${o.roomId}-${o.userId}.html`, html));
    await waitFor(page, 'rtc-joined');
    return page;
  }

  const recorded = (page: Page) =>
    page.evaluate(() => (window as unknown as { recorded: Recorded[] }).recorded);

  /** Waits for an event whose detail includes `match`; returns it. */
  async function waitFor(
    page: Page,
    type: string,
    match: Record<string, unknown> = {},
    timeout = 20_000,
  ): Promise<Recorded> {
    const handle = await page.waitForFunction(
      ({ type, match }) =>
        (window as unknown as { recorded: Recorded[] }).recorded.find(
          (e) =>
            e.type === type &&
            Object.entries(match).every(
              ([key, value]) => JSON.stringify(e.detail?.[key]) === JSON.stringify(value),
            ),
        ),
      { type, match },
      { timeout },
    );
    return (await handle.jsonValue()) as Recorded;
  }

  const socketsSeen = () =>
    Number(/^rtc_connections_total (\d+)$/m.exec(env.signaling.hub.metrics())?.[1] ?? NaN);

  it('two tabs see each other’s video; a closed tab is noticed at once', async () => {
    const context = await profile();
    const a = await tab(context, { roomId: 'video', userId: 'ann', session: 'audio video' });
    const b = await tab(context, { roomId: 'video', userId: 'bob', session: 'audio video' });
    assert.deepEqual(await waitForRemoteVideos(a, 1), ['bob']);
    assert.deepEqual(await waitForRemoteVideos(b, 1), ['ann']);
    assert.equal(
      await b.evaluate(() => document.querySelector('rtc-room')!.connection?.owner),
      'ann',
    );

    // Bob's tab closes (not the hub's: Ann's tab came first and hosts it).
    const closedAt = Date.now();
    await b.close();
    const left = await waitFor(a, 'rtc-participant-left', { userId: 'bob' }, 5_000);
    const noticedMs = left.at - closedAt;
    report(`broadcast-channel: closed tab noticed after ${noticedMs} ms`);
    assert.ok(noticedMs < 1_000, `noticed after ${noticedMs} ms`);
    await a.waitForFunction(
      () =>
        !document
          .querySelector('rtc-video-grid')
          ?.shadowRoot?.querySelector('video[data-stream-type="remote"]'),
      undefined,
      { timeout: 5_000 },
    );
    assert.equal(socketsSeen(), 0, 'the signaling server saw no socket');
  });

  it('the hub tab closes with three tabs in: the other two rebuild the room and go on', async () => {
    const context = await profile();
    const session = 'data';
    const a = await tab(context, { roomId: 'hub', userId: 'ann', session });
    const b = await tab(context, { roomId: 'hub', userId: 'bob', session });
    const c = await tab(context, { roomId: 'hub', userId: 'cid', session });
    for (const [page, others] of [
      [b, ['ann', 'cid']],
      [c, ['ann', 'bob']],
    ] as const) {
      await page.waitForFunction(
        (others) =>
          others.every(
            (id) =>
              document.querySelector('rtc-room')!.connection?.peerConnection(id)
                ?.connectionState === 'connected',
          ),
        others,
        { timeout: 20_000 },
      );
    }

    // Ann's tab hosts the hub (it came first) and owns the room.
    const closedAt = Date.now();
    await a.close();
    const rebuilt = await Promise.all([b, c].map((page) => waitFor(page, 'rtc-reconnected')));
    report(
      `broadcast-channel: rebuilt after the hub tab closed in ${Math.max(...rebuilt.map((e) => e.at)) - closedAt} ms`,
    );
    for (const event of rebuilt) assert.equal(event.detail?.['resumed'], false);
    const owners = await Promise.all(
      [b, c].map((page) =>
        page.evaluate(() => document.querySelector('rtc-room')!.connection?.owner),
      ),
    );
    assert.equal(owners[0], owners[1]);
    assert.ok(owners[0] === 'bob' || owners[0] === 'cid', `owner ${String(owners[0])}`);
    await Promise.all(
      [b, c].map((page) => waitFor(page, 'rtc-participant-left', { userId: 'ann' }, 20_000)),
    );

    // Data channels between the two kept going; the new hub carries signaling.
    await b.evaluate(() => document.querySelector('rtc-room')!.send('over the data channel'));
    await waitFor(c, 'rtc-message', { userId: 'bob', data: 'over the data channel' });
    await c.evaluate(() => document.querySelector('rtc-room')!.sendCustom({ via: 'the new hub' }));
    await waitFor(b, 'rtc-custom-message', { data: { via: 'the new hub' } });
    // A fourth tab joins through the new hub and connects to both.
    const d = await tab(context, { roomId: 'hub', userId: 'dan', session });
    await d.waitForFunction(
      () =>
        ['bob', 'cid'].every(
          (id) =>
            document.querySelector('rtc-room')!.connection?.peerConnection(id)?.connectionState ===
            'connected',
        ),
      undefined,
      { timeout: 20_000 },
    );
    const errors = (await Promise.all([b, c, d].map(recorded)))
      .flat()
      .filter((e) => e.type === 'rtc-error');
    assert.deepEqual(errors, []);
    assert.equal(socketsSeen(), 0, 'the signaling server saw no socket');
  });
});
