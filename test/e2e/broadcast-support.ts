/**
 * What the scalable-broadcast end-to-end tests share: counting captures, watching a viewer's
 * frames, waiting for live video, reading a page's parent, and the longest stall in a window.
 */
import type { Page } from 'playwright-core';
import { succeeds, type OpenedPage, type useApiPages } from './pages.js';

/** Counts getUserMedia calls (viewers must never capture). */
export const COUNT_CAPTURE = `(() => {
  window.captures = 0;
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => { window.captures++; return original(constraints); };
})();`;

/**
 * Samples the grid's remote video every 25 ms: `window.frameTimes` holds each moment its
 * decoded-frame count went up (what the viewer sees moving).
 */
export function watchFrames(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { frameTimes: number[]; lastFrames: number };
    w.frameTimes = [];
    w.lastFrames = 0;
    setInterval(() => {
      const video = document
        .querySelector('rtc-video-grid')
        ?.shadowRoot?.querySelector<HTMLVideoElement>('video[data-stream-type="remote"]');
      const frames = video?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
      if (frames !== w.lastFrames) w.frameTimes.push(Date.now());
      w.lastFrames = frames;
    }, 25);
  });
}

export const frameTimes = (page: Page) =>
  page.evaluate(() => (window as unknown as { frameTimes: number[] }).frameTimes);

/**
 * Waits until the page's grid shows a remote video whose frames keep coming. `since` (a
 * `Date.now()`): only frames decoded more than half a second after it count, so frames still
 * buffered from a connection that just ended never pass for a healed one.
 */
export async function waitForLiveVideo(page: Page, timeout = 30_000, since = 0): Promise<void> {
  await page.waitForFunction(
    (since) => {
      const times = (window as unknown as { frameTimes?: number[] }).frameTimes ?? [];
      const now = Date.now();
      return times.filter((t) => t > since + 500 && now - t < 1000).length >= 3;
    },
    since,
    { timeout, polling: 100 },
  );
}

/** The member this page receives the broadcast from (undefined for the broadcaster). */
export const parentOf = (page: Page) =>
  page.evaluate(() => document.querySelector('rtc-room')!.connection!.broadcastParent);

/** The longest stretch without a new frame in [from, to], and when it ended. */
export function longestStall(
  times: number[],
  from: number,
  to: number,
): { ms: number; endedAt: number } {
  const inside = [from, ...times.filter((t) => t > from && t <= to), to];
  let best = { ms: 0, endedAt: from };
  for (let i = 1; i < inside.length; i++) {
    const gap = inside[i]! - inside[i - 1]!;
    if (gap > best.ms) best = { ms: gap, endedAt: inside[i]! };
  }
  return best;
}

export interface BroadcastOptions {
  /** getUserMedia constraints (JSON) of every page. */
  constraints: string;
  /** Children per relay (`single-broadcast-attendees`). */
  limit: number;
  /** Viewers to join. */
  count: number;
  session?: string;
  scalable?: boolean;
  grid?: boolean;
  /** One more script every page runs first (instrumentation). */
  init?: string;
}

/** A broadcaster and `count` viewers, joined one after the other (placement follows arrival). */
export async function openBroadcast(
  pages: ReturnType<typeof useApiPages>,
  roomId: string,
  options: BroadcastOptions,
): Promise<{ broadcaster: OpenedPage; viewers: OpenedPage[]; ids: string[] }> {
  const session = options.session ?? 'audio video broadcast';
  const attributes = {
    'scalable-broadcast': options.scalable ?? true,
    'single-broadcast-attendees': options.limit,
    'media-constraints': options.constraints,
  };
  const grid = options.grid ?? true;
  const broadcaster = await pages.open({
    roomId,
    userId: `${roomId}-b`,
    session,
    attributes,
    grid,
  });
  await succeeds(broadcaster.page, 'open');
  const viewers: OpenedPage[] = [];
  const ids: string[] = [];
  for (let i = 1; i <= options.count; i++) {
    const id = `${roomId}-v${i}`;
    viewers.push(await openViewer(pages, roomId, id, options));
    ids.push(id);
  }
  return { broadcaster, viewers, ids };
}

/** One more viewer of a broadcast (that never captures: counted by COUNT_CAPTURE). */
export async function openViewer(
  pages: ReturnType<typeof useApiPages>,
  roomId: string,
  userId: string,
  options: BroadcastOptions,
): Promise<OpenedPage> {
  const attributes = {
    'scalable-broadcast': options.scalable ?? true,
    'single-broadcast-attendees': options.limit,
    'media-constraints': options.constraints,
  };
  const session = options.session ?? 'audio video broadcast';
  const viewer = await pages.open(
    { roomId, userId, session, attributes, grid: options.grid ?? true },
    async (page) => {
      await page.addInitScript(COUNT_CAPTURE);
      if (options.init) await page.addInitScript(options.init);
    },
  );
  await succeeds(viewer.page, 'join');
  return viewer;
}
