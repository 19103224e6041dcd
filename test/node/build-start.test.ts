import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

// `npm start` on a current build, and a build that replaces its folder while a server may be
// reading it (a second node on the same checkout, a restart while pages load the bundle).
const root = new URL('../../', import.meta.url).pathname;

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('build and start', { timeout: 240_000 }, () => {
  it('a build puts its folder in place in one step: the old one stays whole until then', async () => {
    const folder = `.tmp/build-test-${process.pid}`;
    const path = (name: string) => `${root}${folder}/${name}`;
    rmSync(path(''), { recursive: true, force: true });
    mkdirSync(path('server'), { recursive: true });
    writeFileSync(path('server/main.js'), '// the build before');
    writeFileSync(path('rtc-elements.js'), '// the build before');
    try {
      const build = run(['scripts/build.mjs', '--no-types', '--dist', folder]);
      let finished = false;
      void build.then(() => (finished = true));
      let checks = 0;
      const missing: string[] = [];
      while (!finished) {
        checks++;
        for (const name of ['server/main.js', 'rtc-elements.js'])
          if (!existsSync(path(name))) missing.push(name);
        await sleep(2);
      }
      const { code, output } = await build;
      assert.equal(code, 0, output);
      assert.ok(checks > 50, `only ${checks} checks: the build was too quick to watch`);
      assert.deepEqual(missing, [], 'a file of the build was missing while the build ran');
      assert.notEqual(readFileSync(path('rtc-elements.js'), 'utf8'), '// the build before');
      assert.ok(existsSync(path('rtc-files.js')));
      assert.match(output, /rtc-elements\.js: .* min\+gzip \(\d+ B\)/);
    } finally {
      rmSync(path(''), { recursive: true, force: true });
    }
  });

  it('npm start serves within seconds when dist/ is current, without building again', async () => {
    // Whatever dist/ holds now, make it current first (not timed).
    const first = await run(['scripts/build.mjs', '--if-stale']);
    assert.equal(first.code, 0, first.output);
    const started = performance.now();
    const server = spawn('npm', ['start', '--', '--port', '0', '--host', '127.0.0.1'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    try {
      const listening = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not listening:\n${output}`)), 60_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          if (/signaling server on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
            clearTimeout(timer);
            resolve(performance.now() - started);
          }
        };
        server.stdout.on('data', read);
        server.stderr.on('data', read);
      });
      assert.match(output, /build skipped/);
      // About a second on a quiet machine (npm itself takes half of it); generous for a busy one.
      assert.ok(listening < 10_000, `listening after ${Math.round(listening)} ms`);
      console.log(`npm start: listening after ${Math.round(listening)} ms`);
    } finally {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    }
  });
});
