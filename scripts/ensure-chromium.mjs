// Makes sure the test suites have what they run against: Chromium ($CHROME_PATH or Debian's
// /usr/bin/chromium), coturn's `turnserver` (TURN relay tests), `redis-server` (several
// signaling nodes) and `janus` (the SFU). On a Debian machine where we
// are root, what is missing is installed with apt-get (set RTC_NO_INSTALL=1 to refuse); anywhere
// else this prints how to get it and fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from '../test/support/chromium.mjs';

const hasChromium = () => {
  try {
    chromiumPath();
    return true;
  } catch {
    return false;
  }
};
const runs = (command, args) => spawnSync(command, args).error === undefined;

const missing = [
  ...(hasChromium() ? [] : ['chromium']),
  ...(runs('turnserver', ['--help']) ? [] : ['coturn']),
  ...(runs('redis-server', ['--version']) ? [] : ['redis-server']),
  ...(existsSync('/usr/bin/janus') ? [] : ['janus']),
];
if (missing.length === 0) process.exit(0);

const canInstall =
  process.env.RTC_NO_INSTALL !== '1' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
if (!canInstall) {
  console.error(
    `The tests need ${missing.join(' and ')}. Install (Debian/Ubuntu: apt-get install -y ${missing.join(' ')})` +
      (missing.includes('chromium') ? ' or set CHROME_PATH for Chromium.' : '.'),
  );
  process.exit(1);
}
console.log(
  `Missing ${missing.join(', ')}: installing with apt-get (set RTC_NO_INSTALL=1 to skip).`,
);
for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
chromiumPath();
