/**
 * A real Janus (Debian's `janus`) for tests: a generated configuration in a temporary folder
 * (the VideoRoom plugin and the WebSocket transport on 127.0.0.1 only, an RTP port range of its
 * own), started inside the test's network namespace. Janus gathers no ICE candidates on a
 * loopback interface, so the namespace gets a private test address of its own first
 * (`JANUS_TEST_ADDRESS`, a veth pair made inside the namespace: nothing leaves it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const JANUS_TEST_ADDRESS = '10.77.0.1';
const LIBRARIES = '/usr/lib/x86_64-linux-gnu/janus';

export interface RunningJanus {
  /** The WebSocket API, for JANUS_URL. */
  url: string;
  /** The api_secret every request must carry (JANUS_API_SECRET), when one was set. */
  apiSecret: string | undefined;
  /** The VideoRoom admin_key that creating a room needs (JANUS_ADMIN_KEY), when one was set. */
  adminKey: string | undefined;
  /** Everything Janus logged so far. */
  log(): string;
  /** Stops it (SIGKILL with `kill: true`, as a crash would). */
  close(options?: { kill?: boolean }): Promise<void>;
}

/** Whether this machine has Janus (the tests that need it skip, saying why, when not). */
export function janusInstalled(): boolean {
  return existsSync('/usr/bin/janus') && existsSync(join(LIBRARIES, 'plugins'));
}

/** Janus instances running, and whether this process made the test address they share. */
let running = 0;
let madeAddress = false;

/**
 * Gives the namespace its private test address (a no-op when it has it). The address goes again
 * when the last Janus of this process stops (`releaseTestAddress`): later tests in the same
 * namespace (browsers gathering ICE candidates) see only the loopback interface, as before.
 */
export function ensureTestAddress(): void {
  // Only inside the namespace the tests run in (scripts/netns.mjs): never on the machine's own.
  if (process.env['RTC_NETNS'] !== '1')
    throw new Error('Janus tests run inside the test network namespace (node scripts/netns.mjs)');
  const addresses = execFileSync('ip', ['-o', 'addr', 'show'], { encoding: 'utf8' });
  if (addresses.includes(` ${JANUS_TEST_ADDRESS}/`)) return;
  execFileSync('ip', ['link', 'add', 'rtc0', 'type', 'veth', 'peer', 'name', 'rtc1']);
  execFileSync('ip', ['addr', 'add', `${JANUS_TEST_ADDRESS}/24`, 'dev', 'rtc0']);
  execFileSync('ip', ['link', 'set', 'rtc0', 'up']);
  execFileSync('ip', ['link', 'set', 'rtc1', 'up']);
  madeAddress = true;
}

/** Removes the test address this process made (both ends of the veth pair go with rtc0). */
export function releaseTestAddress(): void {
  if (!madeAddress) return;
  madeAddress = false;
  execFileSync('ip', ['link', 'del', 'rtc0']);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts Janus and resolves once its WebSocket API answers. */
export async function startJanus(
  options: {
    rtpPorts?: [number, number];
    apiSecret?: string;
    adminKey?: string;
    port?: number;
  } = {},
): Promise<RunningJanus> {
  ensureTestAddress();
  const folder = mkdtempSync(join(tmpdir(), 'rtc-janus-'));
  const port = options.port ?? (await freePort());
  const [low, high] = options.rtpPorts ?? [20000, 20999];
  writeFileSync(
    join(folder, 'janus.jcfg'),
    `general: {
  configs_folder = "${folder}"
  plugins_folder = "${LIBRARIES}/plugins"
  transports_folder = "${LIBRARIES}/transports"
  events_folder = "${LIBRARIES}/events"
  loggers_folder = "${LIBRARIES}/loggers"
  debug_level = 4
  debug_colors = false
  ${options.apiSecret ? `api_secret = "${options.apiSecret}"` : ''}
}
media: {
  rtp_port_range = "${low}-${high}"
}
nat: {
  nice_debug = false
  ignore_mdns = true
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_echotest.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so,libjanus_duktape.so,libjanus_lua.so"
}
transports: {
  disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
events: {
  broadcast = false
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
`,
  );
  writeFileSync(
    join(folder, 'janus.transport.websockets.jcfg'),
    `general: {
  json = "plain"
  ws = true
  ws_port = ${port}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  );
  writeFileSync(
    join(folder, 'janus.plugin.videoroom.jcfg'),
    options.adminKey ? `general: {\n  admin_key = "${options.adminKey}"\n}\n` : 'general: {\n}\n',
  );

  let output = '';
  const child: ChildProcess = spawn('janus', ['-F', folder, '-o'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `ws://127.0.0.1:${port}`;

  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`janus exited ${child.exitCode}:\n${output}`);
      if (await answers(url)) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`janus did not answer on ${url} in 15 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    if (running === 0) releaseTestAddress();
    throw error;
  }
  running++;
  return {
    url,
    apiSecret: options.apiSecret,
    adminKey: options.adminKey,
    log: () => output,
    async close({ kill = false } = {}) {
      if (child.exitCode === null) child.kill(kill ? 'SIGKILL' : 'SIGTERM');
      await exited;
      rmSync(folder, { recursive: true, force: true });
      if (--running === 0) releaseTestAddress();
    },
  };
}

/** Whether a WebSocket with Janus's subprotocol opens at `url`. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, 'janus-protocol');
    } catch {
      resolve(false);
      return;
    }
    const done = (ok: boolean) => {
      socket.onopen = socket.onerror = null;
      socket.close();
      resolve(ok);
    };
    socket.onopen = () => done(true);
    socket.onerror = () => done(false);
  });
}
