// Makes sure the browser tests have a Chromium: $CHROME_PATH or Debian's /usr/bin/chromium.
// On a Debian machine where we are root, a missing Chromium is installed with apt-get (set
// RTC_NO_INSTALL=1 to refuse); anywhere else this prints how to get one and fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from '../test/support/chromium.mjs';

try {
  chromiumPath();
  process.exit(0);
} catch {
  // fall through
}
const canInstall =
  process.env.RTC_NO_INSTALL !== '1' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
if (!canInstall) {
  console.error(
    'The browser tests need Chromium. Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROME_PATH.',
  );
  process.exit(1);
}
console.log(
  'Chromium is missing: installing Debian chromium with apt-get (set RTC_NO_INSTALL=1 to skip).',
);
for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
chromiumPath();
