// Runs every test suite in turn (server protocol in Node, browser tests with web-test-runner,
// end-to-end pages with Playwright) and fails if any failed. Expects a fresh `npm run build`
// and, for isolation, to run inside scripts/netns.mjs (which `npm run test:all` does).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
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

const failed = [];
for (const [name, command, args] of suites) {
  const started = Date.now();
  console.log(`\n== ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failed.push(name);
  console.log(`== ${name}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${seconds}s`);
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nAll test suites passed.');
