// Runs a command while other processes keep the CPU busy, as on an ordinary laptop with other
// tabs working: `node scripts/pressure.mjs [--hogs N] <command> [args...]` starts N busy
// processes (default 2, one per core here), runs the command, stops them, and exits with the
// command's status. `npm run test:pressure` runs every suite this way.
import { spawnSync } from 'node:child_process';
import { startHogs } from '../test/support/hogs.mjs';

const args = process.argv.slice(2);
let hogs = 2;
if (args[0] === '--hogs') {
  hogs = Number(args[1]);
  args.splice(0, 2);
}
if (args.length === 0 || !Number.isInteger(hogs) || hogs < 0) {
  console.error('usage: node scripts/pressure.mjs [--hogs N] <command> [args...]');
  process.exit(2);
}

const stop = startHogs(hogs);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stop();
    process.exit(130);
  });
}
console.log(`pressure: ${hogs} busy processes beside the command`);
const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit' });
stop();
process.exit(result.status ?? 1);
