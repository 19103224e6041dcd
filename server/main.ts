#!/usr/bin/env node
/**
 * `npm start` and `npx rtc-elements-server`: the signaling server with the demo and the bundle.
 * Settings: command-line flags, then environment variables, then config.json (the current
 * directory's, or --config), then defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from './app.js';
import { configFrom } from './config.js';

const HELP = `Usage: rtc-elements-server [options]

Serves WebRTC signaling (socket.io, RTCMultiConnection v3 compatible), the rtc-elements bundle
at /dist/rtc-elements.js and the demo at /.

Options:
  --port <n>       Port to listen on (env PORT, default 9001)
  --host <addr>    Interface (env HOST, default 127.0.0.1; 0.0.0.0 for all)
  --config <file>  A config.json (default ./config.json when it exists)
  -h, --help       Show this help

Environment (each also a config.json key): PORT, HOST, ALLOWED_ORIGINS, ICE_SERVERS, TURN_URLS,
TURN_SECRET, TURN_TTL, AUTH_SECRET, METRICS_TOKEN, LOG_LEVEL, RECONNECT_GRACE_MS, and REDIS_URL (redis://host:6379:
run as one of several nodes sharing that Redis; without it everything stays in this process).
Limits (whole numbers; 0 turns one off where it says so in the README): MESSAGES_PER_SECOND,
MESSAGE_BURST, DISCONNECT_AFTER, CONNECTIONS_PER_MINUTE, CONNECTIONS_PER_ADDRESS, QUEUE_EVENTS,
QUEUE_BYTES, HASH_CONCURRENCY, HASH_QUEUE_PER_ADDRESS, HASH_QUEUE_TOTAL, MAX_PARTICIPANTS_LIMIT,
MAX_PASSWORD_FAILURES, MAX_ROOM_PASSWORD_FAILURES, PASSWORD_WINDOW_MS, APPROVAL_TIMEOUT_MS; and
TRUST_PROXY (the reverse proxies whose X-Forwarded-For names the client: addresses, CIDRs,
loopback, or a number of hops).
config.json also takes RTCMultiConnection's port, socketURL, socketMessageEvent,
socketCustomEvent and enableLogs.`;

function fail(message: string): never {
  console.error(`rtc-elements-server: ${message}`);
  process.exit(2);
}

let args: { port?: string; host?: string; config?: string; help?: boolean };
try {
  args = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n\n${HELP}`);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const configPath = args.config ? resolve(args.config) : resolve('config.json');
let file: unknown = {};
if (args.config || existsSync(configPath)) {
  try {
    file = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (error) {
    fail(`cannot read ${configPath}: ${(error as Error).message}`);
  }
}
let config;
try {
  config = configFrom(file, {
    ...process.env,
    ...(args.port !== undefined ? { PORT: args.port } : {}),
    ...(args.host !== undefined ? { HOST: args.host } : {}),
  });
} catch (error) {
  fail((error as Error).message);
}

/**
 * The browser package whose bundle (/dist/) and demo (/) this server serves: the installed
 * `rtc-elements` (a dependency of the rtc-elements-server package), or this checkout's own build.
 */
function browserPackage(): { distDir?: string; demoDir?: string } {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('rtc-elements/package.json'));
  } catch {
    console.warn(
      'rtc-elements-server: the rtc-elements package is not installed: no bundle, no demo',
    );
    return {};
  }
  return {
    distDir: join(root, 'dist'),
    ...(existsSync(join(root, 'demo')) ? { demoDir: join(root, 'demo') } : {}),
  };
}

if (config.sfu) {
  // server/sfu manages VideoRooms on Janus (tested); rooms do not use them yet (issue 19).
  console.warn('rtc-elements-server: JANUS_URL is set, but SFU rooms are not available yet');
}

let server;
try {
  server = await startServer({
    ...config,
    logger: config.logLevel,
    // Another node found this one stalled and removed its users: start afresh.
    onFenced: () => setTimeout(() => process.exit(1), 1000),
    ...browserPackage(),
  });
} catch (error) {
  fail((error as Error).message);
}
const running = server;
console.log(`rtc-elements signaling server on ${server.url} (demo at ${server.url}/)`);

// Graceful shutdown: refuse new sockets (/healthz turns 503), tell every client to reconnect
// elsewhere, take this node's users out of their rooms, close the connections (socket.io clients
// reconnect, through the load balancer, to another node), then exit. A second signal, or 10 s
// without finishing, exits at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const again of ['SIGINT', 'SIGTERM'] as const) process.once(again, () => process.exit(1));
    setTimeout(() => process.exit(1), 10_000).unref();
    void running.close().then(() => process.exit(0));
  });
}
