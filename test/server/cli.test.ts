/** `rtc-elements-server` (dist/server/main.js): --help, flags, config.json, fail-fast, SIGTERM. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configFrom } from '../../server/config.js';

const MAIN = new URL('../../dist/server/main.js', import.meta.url).pathname;
const ENV = { ...process.env, PORT: '', HOST: '', LOG_LEVEL: 'silent' };

function configFile(json: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describe('rtc-elements-server', () => {
  it('prints --help; refuses unknown flags, unknown keys and bad values with exit code 2', () => {
    const help = spawnSync('node', [MAIN, '--help'], { encoding: 'utf8', env: ENV });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: rtc-elements-server/);
    const flag = spawnSync('node', [MAIN, '--bogus'], { encoding: 'utf8', env: ENV });
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /Unknown option '--bogus'/);
    for (const [json, message] of [
      [{ prot: 9001 }, /unknown key "prot"/],
      [{ port: 'ninety' }, /PORT must be 0-65535/],
      [{ AUTH_SECRET: 'short' }, /AUTH_SECRET must be at least 32/],
      [{ enableLogs: 'yes' }, /"enableLogs" must be true or false/],
      [
        { REDIS_URL: 'http://127.0.0.1:6379' },
        /REDIS_URL must start with redis:\/\/ or rediss:\/\//,
      ],
      [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a URL/],
    ] as const) {
      const run = spawnSync('node', [MAIN, '--config', configFile(json)], {
        encoding: 'utf8',
        env: ENV,
      });
      assert.equal(run.status, 2, JSON.stringify(json));
      assert.match(run.stderr, message);
    }
  });

  it('starts with config.json and flags (flags > env > file), serves, and exits 0 on SIGTERM', async () => {
    const file = configFile({ port: 1, HOST: '127.0.0.1', enableLogs: false });
    const child = spawn('node', [MAIN, '--config', file, '--port', '0'], { env: ENV });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const code = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await code, 0);
  });

  it('maps RTCMultiConnection keys: socketMessageEvent and socketCustomEvent become defaults', () => {
    const config = configFrom(
      { socketMessageEvent: 'legacy-message', socketCustomEvent: 'legacy-custom', socketURL: '/' },
      {},
    );
    assert.equal(config.messageEvent, 'legacy-message');
    assert.equal(config.customEvent, 'legacy-custom');
    assert.equal(configFrom({ PORT: 9100 }, { PORT: '9200' }).port, 9200, 'env overrides the file');
    assert.deepEqual(
      configFrom({ ALLOWED_ORIGINS: ['https://a.test', 'https://b.test'] }, {}).allowedOrigins,
      ['https://a.test', 'https://b.test'],
    );
    // RTCMultiConnection's config.json writes enableLogs (and port) as strings.
    const seed = { port: '9001', enableLogs: 'true' };
    assert.equal(configFrom(seed, {}).logLevel, 'info');
    assert.equal(configFrom(seed, {}).port, 9001);
    assert.equal(configFrom({ ...seed, enableLogs: 'false' }, {}).logLevel, 'silent');
    assert.equal(configFrom({ enableLogs: false }, {}).logLevel, 'silent');
  });
});
