/**
 * npm run bench:connect: time from "join" to the first decoded remote video frame on the joining
 * page, for two <rtc-room> pages (the public bundle, our signaling server) and, in the same run,
 * for a minimal hand-written RTCPeerConnection pair over a bare socket.io relay. Runs alternate
 * between the two; the medians and their ratio are printed. Target: ratio <= 1.25.
 *
 * Both sides count the same work: getUserMedia on the joiner, the socket connection, signaling,
 * ICE and DTLS, and the first frame. The opener is already in the room with its camera on.
 *
 * Options: --runs N (default 21).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { startSignaling, startStaticSite } from '../test/support/servers.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;

/** The baseline relay: join a room, forward {to, data} between sockets. */
async function startBaselineRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const io = new Server(http, { cors: { origin: true } });
  io.on('connection', (socket) => {
    socket.on('join', (room: string) => {
      void socket.join(room);
      socket.to(room).emit('peer', socket.id);
    });
    socket.on('signal', ({ to, data }: { to: string; data: unknown }) => {
      io.to(to).emit('signal', { from: socket.id, data });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

/** Resolves with performance.now() at the first presented frame of a <video>. */
const FIRST_FRAME = `
  function firstFrame(video) {
    return new Promise((resolve) => {
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => resolve(performance.now()));
      else {
        const poll = () => (video.videoWidth > 0 ? resolve(performance.now()) : setTimeout(poll, 2));
        poll();
      }
    });
  }`;

function elementsJoiner(sig: string, room: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ours</title>
<script type="module" src="${sig}/dist/rtc-elements.js"></script></head><body>
<rtc-room manual room-id="${room}" socket-url="${sig}"><rtc-video-grid></rtc-video-grid></rtc-room>
<script>${FIRST_FRAME}
  window.run = async () => {
    await customElements.whenDefined('rtc-room');
    const room = document.querySelector('rtc-room');
    const grid = document.querySelector('rtc-video-grid');
    const remote = new Promise((resolve) => room.addEventListener('rtc-stream', async (e) => {
      if (e.detail.type !== 'remote') return;
      await null; // let the grid see the same engine event, then wait for its render
      await grid.updateComplete;
      resolve(grid.shadowRoot.querySelector('video[data-stream-type="remote"]'));
    }));
    const t0 = performance.now();
    await room.join();
    const t1 = await firstFrame(await remote);
    return t1 - t0;
  };
</script></body></html>`;
}

function elementsOpener(sig: string, room: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ours-open</title>
<script type="module" src="${sig}/dist/rtc-elements.js"></script></head><body>
<rtc-room room-id="${room}" socket-url="${sig}"><rtc-video-grid></rtc-video-grid></rtc-room></body></html>`;
}

/** The hand-written pair: the member offers when a peer joins, the joiner answers. */
function baselinePage(relay: string, room: string, role: 'open' | 'join'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title>
<script src="${relay}/socket.io/socket.io.js"></script>
<style>body{margin:0;display:grid;grid-template-columns:1fr 1fr;gap:8px}video{width:100%;aspect-ratio:16/9;object-fit:cover;background:#111}</style>
</head><body><video id="local" muted autoplay playsinline></video><video id="remote" autoplay playsinline></video>
<script>${FIRST_FRAME}
  let pc;
  function makePc(socket, peerId, stream) {
    pc = new RTCPeerConnection({ iceServers: [] });
    pc.onicecandidate = (e) => e.candidate && socket.emit('signal', { to: peerId, data: { candidate: e.candidate.toJSON() } });
    pc.ontrack = (e) => { const v = document.getElementById('remote'); if (v.srcObject !== e.streams[0]) v.srcObject = e.streams[0]; };
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    return pc;
  }
  async function start() {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    document.getElementById('local').srcObject = stream;
    const socket = io(${JSON.stringify(relay)}, { transports: ['websocket'] });
    socket.on('peer', async (peerId) => {
      makePc(socket, peerId, stream);
      await pc.setLocalDescription(await pc.createOffer());
      socket.emit('signal', { to: peerId, data: { description: pc.localDescription.toJSON() } });
    });
    socket.on('signal', async ({ from, data }) => {
      if (data.description) {
        if (data.description.type === 'offer') {
          makePc(socket, from, stream);
          await pc.setRemoteDescription(data.description);
          await pc.setLocalDescription(await pc.createAnswer());
          socket.emit('signal', { to: from, data: { description: pc.localDescription.toJSON() } });
        } else await pc.setRemoteDescription(data.description);
      } else if (data.candidate) await pc.addIceCandidate(data.candidate);
    });
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.emit('join', ${JSON.stringify(room)});
  }
  ${
    role === 'open'
      ? 'window.ready = start();'
      : `window.run = async () => {
    const video = document.getElementById('remote');
    const t0 = performance.now();
    await start();
    await new Promise((resolve) => { const wait = () => (video.srcObject ? resolve() : setTimeout(wait, 1)); wait(); });
    const t1 = await firstFrame(video);
    return t1 - t0;
  };`
  }
</script></body></html>`;
}

/** An independent context; small viewport so that painting video costs little on 2 cores. */
async function newPage(browser: Browser) {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: { width: 640, height: 360 },
  });
  return { context, page: await context.newPage() };
}

async function measure(
  browser: Browser,
  openerUrl: string,
  joinerUrl: string,
  ready: (p: Page) => Promise<unknown>,
) {
  const opener = await newPage(browser);
  const joiner = await newPage(browser);
  try {
    await opener.page.goto(openerUrl);
    await ready(opener.page);
    await joiner.page.goto(joinerUrl);
    await joiner.page.waitForFunction(
      () => typeof (window as unknown as { run?: unknown }).run === 'function',
    );
    return await joiner.page.evaluate(() =>
      (window as unknown as { run: () => Promise<number> }).run(),
    );
  } finally {
    await opener.context.close();
    await joiner.context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const signaling = await startSignaling();
const relay = await startBaselineRelay();
const site = await startStaticSite();
const browser = await launchBrowser();
const ours: number[] = [];
const baseline: number[] = [];
try {
  // One warm-up of each, not counted (first bundle parse, first codec start-up).
  for (let run = -1; run < RUNS; run++) {
    const room = `bench-${run + 1}`;
    const oursMs = await measure(
      browser,
      site.page(`/o-open-${room}.html`, elementsOpener(signaling.url, `o-${room}`)),
      site.page(`/o-join-${room}.html`, elementsJoiner(signaling.url, `o-${room}`)),
      (p) => p.waitForFunction(() => document.querySelector('rtc-room')?.joined === true),
    );
    const baseMs = await measure(
      browser,
      site.page(`/b-open-${room}.html`, baselinePage(relay.url, `b-${room}`, 'open')),
      site.page(`/b-join-${room}.html`, baselinePage(relay.url, `b-${room}`, 'join')),
      (p) => p.evaluate(() => (window as unknown as { ready: Promise<void> }).ready),
    );
    if (run >= 0) {
      ours.push(oursMs);
      baseline.push(baseMs);
    }
  }
} finally {
  await browser.close();
  await site.close();
  await relay.close();
  await signaling.close();
}

const fmt = (values: number[]) => values.map((v) => v.toFixed(0)).join(' ');
const oursMedian = median(ours);
const baseMedian = median(baseline);
const ratio = oursMedian / baseMedian;
console.log(`join -> first decoded remote frame, ${RUNS} runs each (ms)`);
console.log(`  <rtc-room> pages:        median ${oursMedian.toFixed(1)}   [${fmt(ours)}]`);
console.log(`  hand-written pair:       median ${baseMedian.toFixed(1)}   [${fmt(baseline)}]`);
console.log(
  `  ratio (ours / baseline): ${ratio.toFixed(2)}  (target <= 1.25: ${ratio <= 1.25 ? 'met' : 'NOT met'})`,
);
