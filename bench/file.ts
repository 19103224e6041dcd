/**
 * npm run bench:file: file transfer throughput between independent pages (real Chromium, real
 * signaling server, loopback network namespace).
 *
 * 1. 64 MiB from one page to another with `<rtc-room>.send(file)` (read from a Blob in slices,
 *    SHA-256 on both sides, verified, assembled into a File), and in the same run on the same
 *    RTCPeerConnection a raw RTCDataChannel pump: 64 KiB chunks of an in-memory buffer with
 *    bufferedAmountLowThreshold backpressure, the receiver only counting bytes. Runs alternate;
 *    both are timed on the sender from the first byte to the receiver's "all here" reply.
 *    Prints both medians and the ratio (target >= 0.85).
 * 2. 64 MiB from one page to three: aggregate throughput (3 x 64 MiB / time until all verified).
 * 3. The sender's peak JS heap while sending 64 MiB and 256 MiB (sampled every 20 ms over CDP):
 *    it must not grow with the file size.
 *
 * Options: --runs N (default 5).
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { startSignaling, startStaticSite, type StaticSite } from '../test/support/servers.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const MiB = 1024 * 1024;

function roomPage(signalingUrl: string, roomId: string, userId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${userId}</title>
<script type="module" src="${signalingUrl}/dist/rtc-elements.js"></script></head><body>
<rtc-room manual session="data" room-id="${roomId}" user-id="${userId}" socket-url="${signalingUrl}"></rtc-room>
<script type="module">
  const room = document.querySelector('rtc-room');
  // Raw pump receiver: counts bytes on "bench-raw" channels, replies "done" at the expected total.
  window.armRaw = (userId) => {
    const pc = room.connection.peerConnection(userId);
    pc.addEventListener('datachannel', ({ channel }) => {
      if (channel.label !== 'bench-raw') return;
      channel.binaryType = 'arraybuffer';
      let expected = -1;
      let got = 0;
      channel.onmessage = ({ data }) => {
        if (typeof data === 'string') expected = Number(data);
        else got += data.byteLength;
        if (got === expected) channel.send('done');
      };
    });
  };
  // Raw pump sender: 64 KiB chunks of one buffer, backpressure at 1 MiB low / 4 MiB high.
  window.rawSend = async (userId, size) => {
    const pc = room.connection.peerConnection(userId);
    const channel = pc.createDataChannel('bench-raw', { ordered: true });
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = 1 << 20;
    await new Promise((resolve) => (channel.onopen = resolve));
    const chunk = new Uint8Array(65536);
    crypto.getRandomValues(chunk);
    const done = new Promise((resolve) => (channel.onmessage = resolve));
    const t0 = performance.now();
    channel.send(String(size));
    for (let sent = 0; sent < size; sent += chunk.byteLength) {
      if (channel.bufferedAmount > 4 << 20) {
        await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
      }
      channel.send(chunk);
    }
    await done;
    const ms = performance.now() - t0;
    channel.close();
    return ms;
  };
  window.makeFile = (size) => {
    const parts = [];
    for (let at = 0; at < size; at += 1 << 20) {
      const part = new Uint8Array(Math.min(1 << 20, size - at));
      for (let i = 0; i < part.length; i += 65536) crypto.getRandomValues(part.subarray(i, i + 65536));
      parts.push(part);
    }
    window.benchFile = new File(parts, 'bench.bin');
    return window.benchFile.size;
  };
  // Ours: send(file) to everyone (or one user); resolves when every receiver verified it.
  window.fileSend = async (count) => {
    const file = window.benchFile;
    let ends = 0;
    let fileId;
    const done = new Promise((resolve, reject) => {
      room.addEventListener('rtc-file-end', (e) => {
        if (e.detail.fileId === fileId && e.detail.direction === 'send' && ++ends === count) resolve();
      });
      room.addEventListener('rtc-error', (e) => reject(new Error(e.detail.message)));
    });
    const t0 = performance.now();
    fileId = await room.send(file);
    await done;
    return performance.now() - t0;
  };
  // Receivers drop the files they got (keeps memory flat across runs).
  room.addEventListener('rtc-file-end', (e) => e.detail.url && URL.revokeObjectURL(e.detail.url));
</script></body></html>`;
}

async function openRoom(
  browser: Browser,
  site: StaticSite,
  signalingUrl: string,
  roomId: string,
  count: number,
): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const userId = `${roomId}-${i}`;
    await page.goto(site.page(`/${userId}.html`, roomPage(signalingUrl, roomId, userId)));
    await page.evaluate(() => customElements.whenDefined('rtc-room'));
    await page.evaluate((i) => document.querySelector('rtc-room')![i ? 'join' : 'open'](), i);
    pages.push(page);
  }
  const others = Array.from({ length: count - 1 }, (_, i) => `${roomId}-${i + 1}`);
  await pages[0]!.waitForFunction(
    (others) =>
      others.every(
        (id) =>
          document.querySelector('rtc-room')!.connection!.peerConnection(id)?.connectionState ===
          'connected',
      ),
    others,
    { timeout: 20_000 },
  );
  return pages;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mbps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

/** Samples the page's used JS heap every 20 ms while `action` runs; returns the peak (bytes). */
async function peakHeap(cdp: CDPSession, action: () => Promise<unknown>): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  let peak = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, (await cdp.send('Runtime.getHeapUsage')).usedSize);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await action();
  running = false;
  await sampler;
  return peak;
}

const signaling = await startSignaling();
const site = await startStaticSite();
const browser = await launchBrowser();
try {
  const SIZE = 64 * MiB;
  // 1. One to one, ours against the raw pump on the same connection.
  const [sender, receiver] = await openRoom(browser, site, signaling.url, 'pair', 2);
  await receiver!.evaluate(() =>
    (window as unknown as { armRaw(id: string): void }).armRaw('pair-0'),
  );
  await sender!.evaluate(
    (size) => (window as unknown as { makeFile(n: number): number }).makeFile(size),
    SIZE,
  );
  const raw: number[] = [];
  const ours: number[] = [];
  for (let run = -1; run < RUNS; run++) {
    const rawMs = await sender!.evaluate(
      (size) =>
        (window as unknown as { rawSend(id: string, n: number): Promise<number> }).rawSend(
          'pair-1',
          size,
        ),
      SIZE,
    );
    const oursMs = await sender!.evaluate(() =>
      (window as unknown as { fileSend(n: number): Promise<number> }).fileSend(1),
    );
    if (run < 0) continue; // warm-up
    raw.push(rawMs);
    ours.push(oursMs);
  }
  const rawMedian = mbps(SIZE, median(raw));
  const oursMedian = mbps(SIZE, median(ours));
  const ratio = oursMedian / rawMedian;
  const fmt = (values: number[]) => values.map((ms) => mbps(SIZE, ms).toFixed(0)).join(' ');
  console.log(`64 MiB, one page to another, ${RUNS} runs each (MiB/s)`);
  console.log(`  <rtc-room>.send(file):   median ${oursMedian.toFixed(1)}   [${fmt(ours)}]`);
  console.log(`  raw RTCDataChannel pump: median ${rawMedian.toFixed(1)}   [${fmt(raw)}]`);
  console.log(
    `  ratio (ours / raw):      ${ratio.toFixed(2)}  (target >= 0.85: ${ratio >= 0.85 ? 'met' : 'NOT met'})`,
  );

  // 3. Peak heap of the sender: 64 MiB against 256 MiB.
  const cdp = await sender!.context().newCDPSession(sender!);
  const heap: Record<string, number> = {};
  for (const size of [64 * MiB, 256 * MiB]) {
    await sender!.evaluate(
      (size) => (window as unknown as { makeFile(n: number): number }).makeFile(size),
      size,
    );
    heap[size / MiB] = await peakHeap(cdp, () =>
      sender!.evaluate(() =>
        (window as unknown as { fileSend(n: number): Promise<number> }).fileSend(1),
      ),
    );
  }
  console.log('sender peak JS heap during a send (MiB)');
  console.log(`  64 MiB file:  ${(heap[64]! / MiB).toFixed(1)}`);
  console.log(
    `  256 MiB file: ${(heap[256]! / MiB).toFixed(1)}  (growth ${((heap[256]! / heap[64]!) * 100 - 100).toFixed(0)}%)`,
  );
  await Promise.all([sender!, receiver!].map((p) => p.context().close()));

  // 2. One page to three.
  const fan = await openRoom(browser, site, signaling.url, 'fan', 4);
  await fan[0]!.evaluate(
    (size) => (window as unknown as { makeFile(n: number): number }).makeFile(size),
    SIZE,
  );
  const fanMs: number[] = [];
  for (let run = -1; run < 3; run++) {
    const ms = await fan[0]!.evaluate(() =>
      (window as unknown as { fileSend(n: number): Promise<number> }).fileSend(3),
    );
    if (run >= 0) fanMs.push(ms);
  }
  console.log('64 MiB, one page to three (3 runs)');
  console.log(
    `  aggregate: median ${mbps(3 * SIZE, median(fanMs)).toFixed(1)} MiB/s  [${fanMs.map((ms) => mbps(3 * SIZE, ms).toFixed(0)).join(' ')}]`,
  );
  await Promise.all(fan.map((p) => p.context().close()));
} finally {
  await browser.close();
  await site.close();
  await signaling.close();
}
