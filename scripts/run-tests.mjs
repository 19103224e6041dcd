// Runs every test suite in turn (server protocol in Node, browser tests with web-test-runner,
// end-to-end pages with Playwright) and fails if any failed. Expects a fresh `npm run build`
// and, for isolation, to run inside scripts/netns.mjs (which `npm run test:all` does).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath } from '../test/support/chromium.mjs';

try {
  chromiumPath();
} catch (error) {
  console.error(String(error instanceof Error ? error.message : error));
  process.exit(1);
}

const files = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `${dir}/${f}`);

const suites = [
  [
    'server protocol and Node units',
    'node',
    [
      // The engine's WebSocket-only socket.io client is tested here too, against real servers.
      '--expose-gc',
      '--experimental-websocket',
      '--disable-warning=ExperimentalWarning',
      '--import',
      'tsx',
      '--test',
      '--test-reporter=dot',
      ...files('test/server'),
      ...files('test/node'),
    ],
  ],
  ['browser (engine + elements)', 'npx', ['wtr']],
  [
    'end-to-end pages',
    'node',
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=dot',
      ...files('test/e2e'),
    ],
  ],
];

// Node's suites also write a spec report to a scratch file: its summary (tests, pass, fail,
// skipped, todo) is printed with the suite's result, so every run reports its counts.
const scratch = mkdtempSync(join(tmpdir(), 'rtc-tests-'));
const failed = [];
for (const [index, [name, command, args]] of suites.entries()) {
  const started = Date.now();
  console.log(`\n== ${name}`);
  const report = join(scratch, `${index}.txt`);
  const dot = args.indexOf('--test-reporter=dot');
  const counted =
    command === 'node' && dot >= 0
      ? [
          ...args.slice(0, dot + 1),
          '--test-reporter-destination=stdout',
          '--test-reporter=spec',
          `--test-reporter-destination=${report}`,
          ...args.slice(dot + 1),
        ]
      : args;
  const result = spawnSync(command, counted, { stdio: 'inherit', shell: false });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failed.push(name);
  let counts = '';
  try {
    counts = readFileSync(report, 'utf8')
      .split('\n')
      .filter((line) => /^ℹ (tests|pass|fail|cancelled|skipped|todo) /.test(line))
      .map((line) => line.slice(2))
      .join(', ');
  } catch {
    // wtr prints its own counts.
  }
  console.log(
    `== ${name}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${seconds}s${counts ? ` (${counts})` : ''}`,
  );
}
rmSync(scratch, { recursive: true, force: true });
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nAll test suites passed.');
