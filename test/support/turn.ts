// A real coturn on loopback for tests (see ../shared/reference/testing-recipe.md), with the TURN
// REST scheme: clients authenticate with credentials derived from the static auth secret.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningTurn {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Starts coturn (on `port`, or a free one: restart one on the port it had). */
export async function startTurn(secret = 'turn-test-secret', port?: number): Promise<RunningTurn> {
  port ??= await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'coturn-'));
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=test.local',
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers', // test-only: peers on 127.0.0.1
      '--min-port=49160',
      '--max-port=49260',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${output}`)), 10_000);
    child.once('exit', (code) => reject(new Error(`coturn exited (${code}):\n${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Total General servers')) {
        clearTimeout(timer);
        setTimeout(resolve, 300);
      }
    });
  });
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    port,
    secret,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
