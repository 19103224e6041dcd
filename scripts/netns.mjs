// Runs a command inside a loopback-only network namespace, so browser/WebRTC tests cannot send a
// packet to any address but 127.0.0.1. Uses `unshare -n` (root), else `unshare -rn` (user
// namespaces), else runs the command directly with a warning.
import { spawnSync } from 'node:child_process';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node scripts/netns.mjs <command> [args...]');
  process.exit(2);
}

function run(argv, env = process.env) {
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env });
  if (result.error) return { ok: false, status: 1, error: result.error };
  return { ok: true, status: result.status ?? (result.signal ? 1 : 0) };
}

if (process.env.RTC_NETNS === '1') process.exit(run(command).status);

const env = { ...process.env, RTC_NETNS: '1' };
const inner = ['sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...command];
for (const flags of [['-n'], ['-rn']]) {
  const probe = spawnSync('unshare', [...flags, 'sh', '-c', 'ip link set lo up'], {
    stdio: 'ignore',
  });
  if (probe.status === 0) process.exit(run(['unshare', ...flags, ...inner], env).status);
}
console.warn('netns: cannot create a network namespace here; running without network isolation.');
process.exit(run(command, { ...process.env, RTC_NETNS: 'unavailable' }).status);
