/**
 * The framework typings the package ships (dist/react.d.ts, vue.d.ts, svelte.d.ts, generated from
 * custom-elements.json; Angular reads the DOM's tag and event maps): each framework's own checker
 * accepts the fixture an app would write (test/types/<framework>/good) and refuses the one with a
 * misspelled tag, a wrongly typed property and a wrong `detail` field (bad/). The fixtures import
 * the package by name, so they check what the build wrote. Needs a build with types.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const bin = (path: string) => join(ROOT, 'node_modules', path);
const skip =
  !existsSync(join(ROOT, 'dist/react.d.ts')) && 'no typings in dist/: run `npm run build`';

/** A framework's checker on one fixture folder: whether it passed, and what it printed. */
type Checker = (folder: string) => string[];
const CHECKERS: Record<string, Checker> = {
  react: (folder) => [bin('typescript/bin/tsc'), '-p', join(folder, 'tsconfig.json')],
  vue: (folder) => [bin('vue-tsc/bin/vue-tsc.js'), '-p', join(folder, 'tsconfig.json')],
  svelte: (folder) => [
    bin('svelte-check/bin/svelte-check'),
    '--workspace',
    folder,
    '--tsconfig',
    join(folder, 'tsconfig.json'),
    '--output',
    'machine',
    '--fail-on-warnings',
  ],
  angular: (folder) => [
    bin('@angular/compiler-cli/bundles/src/bin/ngc.js'),
    '-p',
    join(folder, 'tsconfig.json'),
  ],
};

async function check(framework: string, fixture: 'good' | 'bad') {
  const folder = join(ROOT, 'test/types', framework, fixture);
  const args = CHECKERS[framework]?.(folder) ?? [];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: folder });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    // eslint-disable-next-line no-control-regex -- ngc colours its output
    return { ok: false, output: (stdout + stderr).replace(/\u001b\[[\d;]*m/g, '') };
  }
}

const TAG = /Property 'rtc-rom' does not exist/;
const PROPERTY = /Type 'string' is not assignable to type 'number'/;
const DETAIL =
  /Property 'roomName' does not exist on type '\{ roomId: string; userId: string; opened: boolean; \}'/;

describe('framework typings', { skip, timeout: 180_000 }, () => {
  // What each checker must refuse in bad/. Svelte's own element typings accept every tag name
  // (svelte/elements has `[name: string]`), and Angular does not type-check bindings to an
  // element's properties, so those two are not asked of them.
  const refusals: Record<string, RegExp[]> = {
    react: [TAG, PROPERTY, DETAIL],
    vue: [TAG, PROPERTY, DETAIL],
    svelte: [PROPERTY, DETAIL],
    angular: [DETAIL],
  };
  for (const [framework, mistakes] of Object.entries(refusals)) {
    it(`${framework}: the app's fixture passes; the misspelled tag, wrong property type and wrong detail field fail`, async () => {
      const good = await check(framework, 'good');
      assert.ok(good.ok, `the good fixture failed:\n${good.output}`);
      const bad = await check(framework, 'bad');
      assert.ok(!bad.ok, `the bad fixture passed:\n${bad.output}`);
      for (const mistake of mistakes) assert.match(bad.output, mistake);
    });
  }
});
