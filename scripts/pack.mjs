// Packs the two packages this repository publishes, into --out <folder> (default ./packages):
//   rtc-elements         the browser package (this folder's package.json: the elements, each
//                        element's own module, the autoloader, the engine, compat; no server code,
//                        no server dependencies);
//   rtc-elements-server  the signaling server (server/package.json, with the server's build from
//                        dist/server/ and its type declarations), which serves the bundle and the
//                        demo of the rtc-elements package it depends on.
// Builds first when dist/ is not current. Prints each tarball's path (the last two lines).
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outArg = process.argv.indexOf('--out');
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(root, 'packages'));
mkdirSync(out, { recursive: true });

const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const browser = read(join(root, 'package.json'));
const server = read(join(root, 'server/package.json'));

// The server's manifest follows the repository's: same version, the same dependency ranges the
// repository is tested with, and the browser package of the same version.
const drift = [];
if (server.version !== browser.version)
  drift.push(`version ${server.version} (root ${browser.version})`);
for (const [name, range] of Object.entries(server.dependencies)) {
  const tested = name === 'rtc-elements' ? browser.version : browser.devDependencies[name];
  if (range !== tested) drift.push(`${name} ${range} (root ${tested ?? 'absent'})`);
}
if (drift.length > 0) {
  console.error(`server/package.json does not match package.json: ${drift.join(', ')}`);
  process.exit(1);
}

execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});

const pack = (folder) => {
  const [result] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
      cwd: folder,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return result;
};

const browserPack = pack(root);

const serverPack = packServer();

for (const { filename, size, entryCount } of [browserPack, serverPack]) {
  console.log(`${join(out, filename)}  (${(size / 1024).toFixed(1)} KB, ${entryCount} files)`);
}

/** The server package, staged: its manifest, a README, the build and the declarations it needs. */
function packServer() {
  const stage = mkdtempSync(join(tmpdir(), 'rtc-elements-server-'));
  try {
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(server, null, 2)}\n`);
    cpSync(join(root, 'server/README.md'), join(stage, 'README.md'));
    const built = join(root, 'dist/server');
    cpSync(built, join(stage, 'dist'), {
      recursive: true,
      filter: (path) => !path.endsWith('.d.ts'),
    });
    writeFileSync(join(stage, 'dist/index.d.ts'), "export * from './types/server/index.js';\n");
    // Every declaration file server/index.d.ts reaches.
    const types = join(root, 'dist/types');
    const pending = ['server/index.d.ts'];
    const seen = new Set();
    while (pending.length > 0) {
      const file = pending.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      const source = join(types, file);
      if (!existsSync(source)) throw new Error(`missing declaration ${source}: build with types`);
      mkdirSync(dirname(join(stage, 'dist/types', file)), { recursive: true });
      cpSync(source, join(stage, 'dist/types', file));
      const text = readFileSync(source, 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = join(dirname(file), spec).replace(/\.js$/, '.d.ts');
        pending.push(target);
      }
    }
    return pack(stage);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
