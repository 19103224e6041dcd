// Busy processes that keep the CPU loaded, as other tabs and programs do on an ordinary laptop:
// each hashes 64 KiB blocks in a loop at normal priority. Used by scripts/pressure.mjs and by
// tests that must hold under load.
import { spawn } from 'node:child_process';

const HOG = `
  const { createHash } = require('node:crypto');
  const block = Buffer.alloc(1 << 16, 1);
  for (;;) createHash('sha256').update(block).digest();
`;

/** Starts `count` busy processes; the returned function stops them. */
export function startHogs(count) {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', HOG], { stdio: 'ignore' }),
  );
  const stop = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  return stop;
}
