/**
 * The example apps (examples/<framework>): each installed from the packed rtc-elements package
 * (no network), built with its framework's own build (its type check included), served from a
 * folder of its own, and opened in two tabs. Each tab sees the other's video, the framework's
 * handlers received the room's events (the names they list came in rtc-participant-joined), and
 * the object properties arrived as properties (`extra` crossed the wire; `iceServers` is an array
 * on the element, not an attribute).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import type { Page } from 'playwright-core';
import { newPage } from '../support/browser.js';
import { installOffline, type ProjectManifest, type Tarball } from '../support/offline-install.js';
import { useE2E } from './harness.js';
import { waitForRemoteVideos } from './pages.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Each example and the folder its build writes. */
const EXAMPLES = { react: 'dist', vue: 'dist', svelte: 'dist', angular: 'dist/browser' } as const;
type Framework = keyof typeof EXAMPLES;

/** Serves a built app from its own origin. */
async function serve(folder: string): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(express.static(folder));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The names a tab's app lists (from its rtc-participant-joined handler) and its status line. */
const shown = (page: Page) =>
  page.evaluate(() => ({
    status: document.querySelector('#status')?.textContent.trim() ?? '',
    people: [...document.querySelectorAll('#people li')].map((li) => li.textContent.trim()),
  }));

describe('the example apps, built from the packed package', { timeout: 600_000 }, () => {
  const env = useE2E();
  const work = mkdtempSync(join(tmpdir(), 'rtc-examples-'));
  const apps = new Map<Framework, { url: string; server: Server }>();

  before(async () => {
    const { stdout } = await run(process.execPath, [
      join(ROOT, 'scripts/pack.mjs'),
      '--out',
      join(work, 'packages'),
    ]);
    const file = /^(\S+\/rtc-elements-\d\S*\.tgz)/m.exec(stdout)?.[1] ?? '';
    assert.ok(existsSync(file), stdout);
    const browser: Tarball = {
      file,
      manifest: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Tarball['manifest'],
    };
    for (const [framework, output] of Object.entries(EXAMPLES) as Array<[Framework, string]>) {
      const folder = join(work, framework);
      cpSync(join(ROOT, 'examples', framework), folder, {
        recursive: true,
        filter: (path) => !/[\\/](node_modules|dist|\.angular)$/.test(path),
      });
      const manifest = JSON.parse(
        readFileSync(join(folder, 'package.json'), 'utf8'),
      ) as ProjectManifest;
      await installOffline(folder, join(ROOT, 'package-lock.json'), [browser], manifest);
      try {
        await run('npm', ['run', 'build'], {
          cwd: folder,
          env: { ...process.env, NG_CLI_ANALYTICS: 'false', NO_COLOR: '1' },
        });
      } catch (error) {
        const { stdout: out = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        assert.fail(`${framework}: npm run build failed\n${out}\n${stderr}`);
      }
      apps.set(framework, await serve(join(folder, output)));
    }
  });
  after(async () => {
    for (const { server } of apps.values()) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    rmSync(work, { recursive: true, force: true });
  });

  for (const framework of Object.keys(EXAMPLES) as Framework[]) {
    it(`${framework}: two tabs see each other's video; the app's handlers got the events; objects arrived as properties`, async () => {
      const app = apps.get(framework);
      assert.ok(app, `${framework} was not built`);
      const room = `${framework}-room`;
      const open = async (name: string) => {
        const tab = await newPage(env.browser);
        const query = new URLSearchParams({ room, signal: env.signaling.url, name });
        await tab.page.goto(`${app.url}/?${query}`);
        return tab;
      };
      const a = await open(`${framework} Ada`);
      const b = await open(`${framework} Grace`);
      try {
        await Promise.all([waitForRemoteVideos(a.page, 1), waitForRemoteVideos(b.page, 1)]);
        for (const [tab, other] of [
          [a, `${framework} Grace`],
          [b, `${framework} Ada`],
        ] as const) {
          await tab.page.waitForFunction(
            (name) =>
              [...document.querySelectorAll('#people li')].some((li) => li.textContent === name),
            other,
            { timeout: 10_000 },
          );
          const { status, people } = await shown(tab.page);
          assert.equal(status, `joined ${room}`);
          assert.deepEqual(people, [other]);
          const element = await tab.page.evaluate(() => {
            const el = document.querySelector('rtc-room') as HTMLElement & {
              iceServers?: unknown;
              extra?: unknown;
            };
            return {
              iceServers: el.iceServers,
              extra: el.extra,
              attributes: ['ice-servers', 'iceservers', 'extra'].filter((name) =>
                el.hasAttribute(name),
              ),
            };
          });
          assert.deepEqual(element.iceServers, []);
          assert.equal(typeof element.extra, 'object');
          assert.deepEqual(element.attributes, []);
        }
      } finally {
        await a.context.close();
        await b.context.close();
      }
    });
  }
});
