/**
 * npm run bench:server: a bounded socket.io-client load generator against one signaling node in
 * its own process, on loopback. Measures concurrent sockets, server RSS per socket, joins per
 * second, and the highest relay rate whose p99 latency stays under 50 ms.
 *
 * Options: --sockets N (default 2000).
 */
import { fork } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SOCKETS = arg('sockets', 2000) & ~1;

const node = fork(new URL('./server-node.ts', import.meta.url).pathname, [], {
  execArgv: ['--import', 'tsx'],
});
const ask = <T>(message: string, key: string) =>
  new Promise<T>((resolve) => {
    const on = (reply: Record<string, unknown>) => {
      if (key in reply) {
        node.off('message', on);
        resolve(reply[key] as T);
      }
    };
    node.on('message', on);
    if (message) node.send(message);
  });
const url = await ask<string>('', 'url');
const rssBefore = await ask<number>('rss', 'rss');

const sockets: Socket[] = [];
let t0 = performance.now();
for (let i = 0; i < SOCKETS; i += 100) {
  await Promise.all(
    Array.from({ length: Math.min(100, SOCKETS - i) }, (_, k) => {
      const socket = io(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        query: { userid: `load-${i + k}`, rtcElements: '1' },
      });
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }),
  );
}
const connectSeconds = (performance.now() - t0) / 1000;
const rssAfter = await ask<number>('rss', 'rss');

// Joins: half the sockets open a room, the other half join them.
const emit = (socket: Socket, event: string, ...args: unknown[]) =>
  new Promise<unknown[]>((resolve) =>
    socket.emit(event, ...args, (...ack: unknown[]) => resolve(ack)),
  );
const room = (i: number) => ({
  sessionid: `bench-room-${i}`,
  session: { data: true },
  extra: {},
  password: '',
});
t0 = performance.now();
await Promise.all(
  sockets.filter((_, i) => i % 2 === 0).map((s, i) => emit(s, 'open-room', room(i))),
);
const joins = await Promise.all(
  sockets.filter((_, i) => i % 2 === 1).map((s, i) => emit(s, 'join-room', room(i))),
);
const joinSeconds = (performance.now() - t0) / 1000;
if (!joins.every((ack) => ack[0] === true)) throw new Error('some joins failed');

// Relays at a paced rate (10 ms ticks, round-robin over the pairs), stepping the rate up: the
// figure is the highest rate whose p99 latency stays under 50 ms.
let onRelay: (at: number) => void = () => undefined;
for (const socket of sockets) {
  socket.on('RTCMultiConnection-Message', (envelope: { message: { at: number } }) =>
    onRelay(envelope.message.at),
  );
}
async function paced(rate: number, seconds: number) {
  const latencies: number[] = [];
  let sent = 0;
  onRelay = (at) => void latencies.push(performance.now() - at);
  const perTick = Math.max(1, Math.round(rate / 100));
  for (let tick = 0; tick < seconds * 100; tick++) {
    const started = performance.now();
    for (let k = 0; k < perTick; k++, sent++) {
      const i = sent % SOCKETS;
      const peer = i % 2 === 0 ? i + 1 : i - 1;
      sockets[i]!.emit('RTCMultiConnection-Message', {
        remoteUserId: `load-${peer}`,
        sender: '',
        message: { at: performance.now() },
      });
    }
    const wait = Math.max(0, 10 - (performance.now() - started));
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const deadline = performance.now() + 5000;
  while (latencies.length < sent && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  latencies.sort((x, y) => x - y);
  const at = (p: number) => latencies[Math.floor((latencies.length - 1) * p)] ?? Infinity;
  return { rate, p50: at(0.5), p99: latencies.length < sent ? Infinity : at(0.99) };
}
const steps: { rate: number; p50: number; p99: number }[] = [];
for (const rate of [1000, 2000, 5000, 10_000, 20_000, 40_000]) {
  const step = await paced(rate, 2);
  steps.push(step);
  if (step.p99 >= 50) break;
}
const best = steps.filter((step) => step.p99 < 50).at(-1);

for (const socket of sockets) socket.close();
node.send('stop');

const rows: [string, string][] = [
  ['concurrent sockets (one node)', `${SOCKETS}`],
  ['connect rate', `${(SOCKETS / connectSeconds).toFixed(0)} sockets/s`],
  ['server RSS per socket', `${((rssAfter - rssBefore) / SOCKETS / 1024).toFixed(1)} KiB`],
  ['joins (open + join)', `${(SOCKETS / joinSeconds).toFixed(0)} /s`],
  [
    'relayed messages, p99 < 50 ms',
    best
      ? `${best.rate} /s (p50 ${best.p50.toFixed(1)} ms, p99 ${best.p99.toFixed(1)} ms)`
      : 'none',
  ],
  [
    'relay steps (rate: p99)',
    steps
      .map(
        (step) =>
          `${step.rate}: ${Number.isFinite(step.p99) ? `${step.p99.toFixed(0)} ms` : 'lost'}`,
      )
      .join(', '),
  ],
  ['two nodes on Redis', 'not measured (Redis support not implemented yet)'],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log('signaling load, one node on loopback');
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
