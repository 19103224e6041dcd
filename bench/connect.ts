/**
 * npm run bench:connect: how long until two pages show each other's video, for two <rtc-room>
 * pages (the public bundle from the signaling server, pages from another origin, independent
 * browser contexts) and, in the same run, for a hand-written RTCPeerConnection pair over a bare
 * socket.io relay. The first page is in its room with its camera on; the clock starts when the
 * second page inserts its <rtc-room> (or starts the hand-written code) and stops when BOTH pages
 * have presented a decoded frame of the other's camera. Runs alternate between the two; the
 * medians, their ratio, the path to video step by step (ours | hand-written) and the median
 * time of every mark are printed. Target: ratio <= 1.10, on a quiet machine and beside two busy
 * processes (`node scripts/pressure.mjs npm run bench:connect`).
 *
 * Both sides do the same work: the joiner's getUserMedia, its socket, signaling, ICE and DTLS,
 * and the first frame on each side. The same instrumentation (an init script that timestamps
 * getUserMedia, the WebSocket, descriptions, ICE and frames) runs in every page, and it never
 * polls: frames are watched from the srcObject setter and marks are awaited, so the page with
 * more elements pays nothing more for being measured.
 *
 * Options: --runs N (default 7).
 */
import { fork } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { startStaticSite } from '../test/support/servers.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

/** Our signaling server and the baseline relay, in a process of their own. */
async function startServers(): Promise<{
  signaling: string;
  relay: string;
  stop(): Promise<void>;
}> {
  const child = fork(new URL('./connect-servers.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
  });
  const urls = await new Promise<{ signaling: string; relay: string }>((resolve) =>
    child.once('message', (message) => resolve(message as { signaling: string; relay: string })),
  );
  return {
    ...urls,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/**
 * Timestamps (epoch ms, comparable across pages of this machine) of what every page does:
 * `window.marks`. Each mark is taken once, the first time.
 */
const INSTRUMENT = `(() => {
  const marks = (window.marks = {});
  const now = () => performance.timeOrigin + performance.now();
  const waiters = {};
  const mark = (name) => { if (!(name in marks)) { marks[name] = now(); for (const w of waiters[name] ?? []) w(); } };
  // Resolves once the page took that mark (no polling).
  window.waitMark = (name) => name in marks ? Promise.resolve() : new Promise((r) => (waiters[name] ??= []).push(r));
  window.mark = mark;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => { mark('gum-start'); const s = await gum(c); mark('gum-done'); for (const t of s.getTracks()) window.localTracks.add(t); return s; };
  const WS = window.WebSocket;
  // Socket.io packets by event name: 'send join-room', 'recv user-connected', acks as 'recv ack'.
  // Relays (ours and the hand-written pair's 'signal') are named by what they carry.
  const carried = (m) => !m || typeof m !== 'object' ? 'message' : m.type ?? (m.candidate ? 'candidate' : m.description ? m.description.type : m.newParticipationRequest ? 'request' : Object.keys(m)[0]);
  const event = (data) => {
    if (typeof data !== 'string') return undefined;
    if (data === '40' || data.startsWith('40{')) return 'connect';
    const m = /^4([23])\\d*(\\[.*)?$/s.exec(data);
    if (!m) return undefined;
    if (m[1] === '3') return 'ack';
    try {
      const [name, payload] = JSON.parse(m[2]);
      if (name === 'signal') return 'signal:' + carried(payload.data);
      if (payload && typeof payload === 'object' && 'remoteUserId' in payload) return 'relay:' + carried(payload.message);
      return name;
    } catch { return undefined; }
  };
  window.WebSocket = class extends WS {
    constructor(...a) { super(...a); mark('ws-create'); this.addEventListener('open', () => mark('ws-open'));
      this.addEventListener('message', (e) => { const name = event(e.data); if (name) mark('recv ' + name); }); }
    send(data) { const name = event(data); if (name) mark('send ' + name); return super.send(data); }
  };
  const P = RTCPeerConnection.prototype;
  const sld = P.setLocalDescription, srd = P.setRemoteDescription;
  P.setLocalDescription = function (d) { mark('local-' + (d?.type ?? (this.signalingState === 'have-remote-offer' ? 'answer' : 'offer'))); return sld.apply(this, arguments); };
  P.setRemoteDescription = function (d) { mark('remote-' + d.type); return srd.apply(this, arguments); };
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Orig { constructor(...a) { super(...a); mark('pc-create');
    this.addEventListener('iceconnectionstatechange', () => { if (this.iceConnectionState === 'connected') mark('ice-connected'); });
    this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') mark('dtls-connected'); });
    this.addEventListener('track', (e) => { if (e.track.kind === 'video') mark('track'); });
    this.addEventListener('icecandidate', (e) => { if (e.candidate) mark('ice-candidate'); });
  } };
  // The first decoded frame presented by any <video> given a remote stream: the srcObject setter
  // is watched (no polling: the harness must not cost the page with more elements more time).
  window.localTracks = new Set();
  const remote = (s) => s instanceof MediaStream && s.getVideoTracks().some((t) => !window.localTracks.has(t));
  const watch = (video, s) => {
    if (remote(s)) video.requestVideoFrameCallback(() => mark('first-frame'));
    else if (s instanceof MediaStream) s.addEventListener('addtrack', () => { if (video.srcObject === s && remote(s)) watch(video, s); }, { once: true });
  };
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', { ...srcObject,
    set(s) { srcObject.set.call(this, s); if (this instanceof HTMLVideoElement) watch(this, s); } });
})();`;

/** A page of ours: the bundle from the signaling server, the room inserted by `run()`. */
function elementsPage(sig: string, room: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ours</title>
<script type="module" src="${sig}/dist/rtc-elements.js"></script></head><body>
<script>
  window.run = () => {
    mark('start');
    const room = document.createElement('rtc-room');
    room.setAttribute('room-id', ${JSON.stringify(room)});
    room.setAttribute('socket-url', ${JSON.stringify(sig)});
    room.addEventListener('rtc-stream', (e) => { if (e.detail.type === 'local') for (const t of e.detail.stream.getTracks()) localTracks.add(t); });
    room.addEventListener('rtc-joined', () => mark('joined'));
    room.append(document.createElement('rtc-video-grid'));
    document.body.append(room);
  };
</script></body></html>`;
}

/** The hand-written pair: the member offers when a peer joins, the joiner answers. */
function baselinePage(relay: string, room: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title>
<script src="${relay}/socket.io/socket.io.js"></script>
<style>body{margin:0;display:grid;grid-template-columns:1fr 1fr;gap:8px}video{width:100%;aspect-ratio:16/9;object-fit:cover;background:#111}</style>
</head><body><video id="local" muted autoplay playsinline></video><video id="remote" autoplay playsinline></video>
<script>
  let pc;
  function makePc(socket, peerId, stream) {
    pc = new RTCPeerConnection({ iceServers: [] });
    pc.onicecandidate = (e) => e.candidate && socket.emit('signal', { to: peerId, data: { candidate: e.candidate.toJSON() } });
    pc.ontrack = (e) => { const v = document.getElementById('remote'); if (v.srcObject !== e.streams[0]) v.srcObject = e.streams[0]; };
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    return pc;
  }
  window.run = async () => {
    mark('start');
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const t of stream.getTracks()) localTracks.add(t);
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
    mark('joined');
  };
</script></body></html>`;
}

/** An independent context; small viewport so that painting video costs little on 2 cores. */
async function newPage(browser: Browser) {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: { width: 640, height: 360 },
  });
  await context.addInitScript(INSTRUMENT);
  return { context, page: await context.newPage() };
}

type Marks = Record<string, number>;
const marksOf = (page: Page) => page.evaluate(() => (window as unknown as { marks: Marks }).marks);
const hasMark = (page: Page, name: string) =>
  page.evaluate(
    (name) =>
      Promise.race([
        (window as unknown as { waitMark(name: string): Promise<void> }).waitMark(name),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${name}`)), 30_000)),
      ]),
    name,
  );
const run = (page: Page) => page.evaluate(() => (window as unknown as { run: () => void }).run());

/** One measurement: the member is in the room; the clock starts when the joiner starts. */
async function measure(browser: Browser, url: string): Promise<Run> {
  const member = await newPage(browser);
  const joiner = await newPage(browser);
  try {
    await member.page.goto(url);
    await joiner.page.goto(url);
    await run(member.page);
    await hasMark(member.page, 'joined');
    // Let the member's camera settle, as a person in a room would have it.
    await member.page.waitForTimeout(500);
    await run(joiner.page);
    await Promise.all([hasMark(joiner.page, 'first-frame'), hasMark(member.page, 'first-frame')]);
    const [m, j] = await Promise.all([marksOf(member.page), marksOf(joiner.page)]);
    const t0 = j['start']!;
    const phases: Marks = {};
    for (const [name, at] of Object.entries(j)) phases[`joiner ${name}`] = at - t0;
    for (const [name, at] of Object.entries(m)) if (at >= t0) phases[`member ${name}`] = at - t0;
    return { total: Math.max(j['first-frame']!, m['first-frame']!) - t0, phases };
  } finally {
    await member.context.close();
    await joiner.context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const servers = await startServers();
const site = await startStaticSite();
const browser = await launchBrowser();
interface Run {
  total: number;
  phases: Marks;
}
const results: { ours: Run[]; base: Run[] } = { ours: [], base: [] };
try {
  // One warm-up of each, not counted (first bundle parse, first codec start-up).
  for (let i = -1; i < RUNS; i++) {
    const room = `bench-${i + 1}`;
    const ours = await measure(
      browser,
      site.page(`/o-${room}.html`, elementsPage(servers.signaling, `o-${room}`)),
    );
    const base = await measure(
      browser,
      site.page(`/b-${room}.html`, baselinePage(servers.relay, `b-${room}`)),
    );
    if (i >= 0) {
      results.ours.push(ours);
      results.base.push(base);
    }
  }
} finally {
  await browser.close();
  await site.close();
  await servers.stop();
}

const fmt = (values: number[]) => values.map((v) => v.toFixed(0)).join(' ');
const totals = (list: { total: number }[]) => list.map((r) => r.total);
const oursMedian = median(totals(results.ours));
const baseMedian = median(totals(results.base));
const ratio = oursMedian / baseMedian;
console.log(`join -> both pages show the other's video, ${RUNS} alternating runs each (ms)`);
console.log(
  `  <rtc-room> pages:   median ${oursMedian.toFixed(0)}   [${fmt(totals(results.ours))}]`,
);
console.log(
  `  hand-written pair:  median ${baseMedian.toFixed(0)}   [${fmt(totals(results.base))}]`,
);
console.log(
  `  ratio (ours / hand-written): ${ratio.toFixed(2)}  (target <= 1.10: ${ratio <= 1.1 ? 'met' : 'NOT met'})`,
);
const names = new Set([...results.ours, ...results.base].flatMap((r) => Object.keys(r.phases)));
const phaseMedian = (list: { phases: Marks }[], name: string) => {
  const values = list.map((r) => r.phases[name]).filter((v): v is number => v !== undefined);
  return values.length ? median(values).toFixed(0) : '-';
};
// The path from start to video as a chain of intervals, ours and the hand-written pair's: each
// step from the end of the one before it unless it names its start.
const STEPS: { label: string; from?: [string, string]; to: [string, string] }[] = [
  { label: 'joiner asks to join', to: ['joiner send join-room', 'joiner send join'] },
  { label: 'member hears of it', to: ['member recv relay:request', 'member recv peer'] },
  { label: 'member sends its offer', to: ['member send relay:offer', 'member send signal:offer'] },
  { label: 'offer relayed', to: ['joiner recv relay:offer', 'joiner recv signal:offer'] },
  {
    label: 'joiner sends its answer',
    to: ['joiner send relay:answer', 'joiner send signal:answer'],
  },
  { label: 'answer relayed', to: ['member recv relay:answer', 'member recv signal:answer'] },
  { label: 'member connected (DTLS)', to: ['member dtls-connected', 'member dtls-connected'] },
  { label: 'member shows a frame', to: ['member first-frame', 'member first-frame'] },
  {
    label: 'joiner connected (DTLS)',
    from: ['joiner send relay:answer', 'joiner send signal:answer'],
    to: ['joiner dtls-connected', 'joiner dtls-connected'],
  },
  { label: 'joiner shows a frame', to: ['joiner first-frame', 'joiner first-frame'] },
];
const interval = (list: Run[], from: string, to: string) =>
  median(
    list
      .map((r) => (r.phases[to] ?? NaN) - (r.phases[from] ?? NaN))
      .filter((v) => Number.isFinite(v)),
  );
console.log('path to video, median ms per step (ours | hand-written):');
let end: [string, string] = ['joiner start', 'joiner start'];
for (const { label, from = end, to } of STEPS) {
  const ours = interval(results.ours, from[0], to[0]).toFixed(0);
  const base = interval(results.base, from[1], to[1]).toFixed(0);
  console.log(`  ${label.padEnd(26)} ${ours.padStart(6)} | ${base.padStart(6)}`);
  end = to;
}
console.log('phases, median ms after the joiner starts (ours | hand-written):');
const rows = [...names]
  .map((name) => [name, phaseMedian(results.ours, name), phaseMedian(results.base, name)] as const)
  .sort((a, b) => (Number(a[1]) || Number(a[2]) || 0) - (Number(b[1]) || Number(b[2]) || 0));
for (const [name, ours, base] of rows)
  console.log(`  ${name.padEnd(26)} ${ours.padStart(6)} | ${base.padStart(6)}`);
