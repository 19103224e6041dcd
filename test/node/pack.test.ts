/**
 * The published packages, as a user installs them: `npm pack` of rtc-elements (the browser
 * package) and rtc-elements-server, each installed into an empty project with no network, from
 * the packed files alone. Needs a build with types (npm run build); packing reuses it.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { installOffline, type Tarball } from '../support/offline-install.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const ELEMENT_MODULES = [
  'room',
  'video-grid',
  'user-status',
  'chat',
  'screen-button',
  'media-controls',
  'file-share',
];
/** lit and what lit needs: everything the browser package may bring with it. */
const BROWSER_DEPENDENCIES = [
  '@lit-labs/ssr-dom-shim',
  '@lit/context',
  '@lit/reactive-element',
  '@types/trusted-types',
  'lit',
  'lit-element',
  'lit-html',
  'rtc-elements',
];

/** Every package installed in a project's node_modules (scoped ones as @scope/name). */
function installed(project: string): string[] {
  const modules = join(project, 'node_modules');
  return readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`)
        : [name],
    )
    .sort();
}

async function typecheck(project: string, source: string) {
  writeFileSync(join(project, 'app.ts'), source);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom', 'dom.iterable'],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['app.ts'],
    }),
  );
  try {
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project });
    return '';
  } catch (error) {
    return (error as { stdout: string }).stdout || 'failed without output';
  }
}

describe('the packed packages', { timeout: 600_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'rtc-pack-'));
  let browser: Tarball;
  let server: Tarball;
  before(async () => {
    const { stdout } = await run(process.execPath, [
      join(ROOT, 'scripts/pack.mjs'),
      '--out',
      join(work, 'packages'),
    ]);
    const files = stdout
      .trim()
      .split('\n')
      .slice(-2)
      .map((line) => line.split('  ')[0] ?? '');
    const manifest = (path: string) =>
      JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Tarball['manifest'];
    browser = {
      file: files.find((f) => /\/rtc-elements-\d/.test(f)) ?? '',
      manifest: manifest('package.json'),
    };
    server = {
      file: files.find((f) => /\/rtc-elements-server-\d/.test(f)) ?? '',
      manifest: manifest('server/package.json'),
    };
    assert.ok(browser.file && server.file, stdout);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('rtc-elements installs with lit alone (no server dependency); every entry imports in Node and is typed', async () => {
    const app = join(work, 'browser-app');
    await installOffline(app, join(ROOT, 'package-lock.json'), [browser], ['rtc-elements']);
    const packages = installed(app);
    assert.deepEqual(
      packages.filter((name) => !BROWSER_DEPENDENCIES.includes(name)),
      [],
      `unexpected packages: ${packages.join(', ')}`,
    );
    const files = readdirSync(join(app, 'node_modules/rtc-elements/dist'));
    assert.ok(!files.includes('server'), 'the browser package holds no server code');

    // Importing each entry in Node (as a server render does) works and defines nothing.
    const entries = [
      'rtc-elements',
      'rtc-elements/engine',
      'rtc-elements/autoloader.js',
      'rtc-elements/compat',
      ...ELEMENT_MODULES.map((name) => `rtc-elements/${name}.js`),
    ];
    const script = `
      const entries = ${JSON.stringify(entries)};
      const out = {};
      for (const entry of entries) out[entry] = Object.keys(await import(entry)).sort();
      out.defined = typeof customElements === 'undefined' ? [] : ['rtc-room', 'rtc-chat'].filter((t) => customElements.get(t));
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
    });
    const output = JSON.parse(stdout) as Record<string, string[] | undefined>;
    const exports = (entry: string) => output[entry] ?? [];
    assert.ok(exports('rtc-elements').includes('RtcRoom'));
    assert.ok(exports('rtc-elements').includes('RoomConnection'));
    assert.ok(exports('rtc-elements/engine').includes('RoomConnection'));
    assert.ok(exports('rtc-elements/engine').includes('RtcError'));
    assert.ok(!exports('rtc-elements/engine').includes('RtcRoom'), 'the engine holds no element');
    assert.deepEqual(exports('rtc-elements/room.js'), ['RtcRoom']);
    assert.deepEqual(exports('rtc-elements/video-grid.js'), ['RtcVideoGrid']);
    assert.ok(exports('rtc-elements/autoloader.js').includes('load'));
    assert.deepEqual(exports('defined'), []);

    // The types resolve from the package: tags, properties, the engine.
    const good = await typecheck(
      app,
      `import { RtcRoom, type RtcEventDetails } from 'rtc-elements';
import { RoomConnection, ErrorCode } from 'rtc-elements/engine';
import { RtcVideoGrid } from 'rtc-elements/video-grid.js';
import { load } from 'rtc-elements/autoloader.js';
const room: RtcRoom = document.createElement('rtc-room');
room.roomId = 'demo';
room.maxParticipants = 4;
const grid: RtcVideoGrid = document.createElement('rtc-video-grid');
const code: ErrorCode = ErrorCode.INVALID_REQUEST;
const joined: RtcEventDetails['rtc-joined'] | undefined = undefined;
void load('rtc-chat');
export { room, grid, code, joined, RoomConnection };
`,
    );
    assert.equal(good, '');
    const bad = await typecheck(
      app,
      `import { RtcRom } from 'rtc-elements';
const room = document.createElement('rtc-room');
room.maxParticipants = 'four';
export { RtcRom, room };
`,
    );
    assert.match(bad, /has no exported member named 'RtcRom'/);
    assert.match(bad, /Type 'string' is not assignable to type 'number/);
  });

  it('rtc-elements-server installs on its own: its command serves signaling, the bundle and the demo; require() gives attachSignaling', async () => {
    const app = join(work, 'server-app');
    await installOffline(
      app,
      join(ROOT, 'package-lock.json'),
      [server, browser],
      ['rtc-elements-server'],
    );
    const packages = installed(app);
    for (const name of ['rtc-elements-server', 'rtc-elements', 'express', 'socket.io'])
      assert.ok(packages.includes(name), `${name} is installed`);

    const { stdout: cjs } = await run(
      process.execPath,
      [
        '-e',
        `const attach = require('rtc-elements-server');
         console.log(typeof attach, typeof attach.attachSignaling, typeof attach.startServer);`,
      ],
      { cwd: app },
    );
    assert.equal(cjs.trim(), 'function function function');

    const child = spawn(
      join(app, 'node_modules/.bin/rtc-elements-server'),
      ['--port', '0', '--host', '127.0.0.1'],
      { cwd: app, env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 20_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      const status = async (path: string) => (await fetch(`${url}${path}`)).status;
      assert.equal(await status('/healthz'), 200);
      assert.equal(await status('/dist/rtc-elements.js'), 200);
      assert.equal(await status('/dist/autoloader.js'), 200);
      assert.equal(await status('/dist/room.js'), 200);
      assert.equal(await status('/dist/server/main.js'), 404);
      const demo = await fetch(`${url}/`);
      assert.equal(demo.status, 200);
      assert.match(await demo.text(), /<rtc-room/);
      const handshake = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
      assert.equal(handshake.status, 200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
