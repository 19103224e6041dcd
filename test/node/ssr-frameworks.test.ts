/**
 * One server render per framework (Next, Nuxt, SvelteKit, Angular SSR): the app
 * imports rtc-elements in Node, renders a room with the pattern the README gives for that
 * framework, and the HTML holds the string attributes and no "[object Object]". (Svelte writes
 * objects as attributes, hence its pattern: set them in the browser, here with {@attach}.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createElement } from 'react';
import { renderToString as renderReact } from 'react-dom/server';
import { compile } from 'svelte/compiler';
import { render as renderSvelte } from 'svelte/server';
import { createSSRApp } from 'vue';
import { renderToString as renderVue } from 'vue/server-renderer';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const extra = { name: 'Ada' };
const iceServers: RTCIceServer[] = [{ urls: 'stun:stun.example.com' }];

function assertClean(html: string) {
  assert.match(html, /<rtc-room[^>]* room-id="team"/);
  assert.match(html, /<rtc-video-grid/);
  assert.doesNotMatch(html, /\[object Object\]/);
  assert.doesNotMatch(html, /<rtc-room[^>]* (extra|ice-?servers)=/i);
}

/** Compiles a Svelte component for the server and imports it (beside node_modules, to resolve). */
async function svelteComponent(name: string, source: string) {
  const folder = join(ROOT, 'node_modules/.cache/rtc-elements-ssr');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}-${process.pid}.js`);
  writeFileSync(file, compile(source, { generate: 'server', name }).js.code);
  return (
    (await import(pathToFileURL(file).href)) as { default: Parameters<typeof renderSvelte>[0] }
  ).default;
}

describe('server rendering with each framework', () => {
  before(async () => {
    // As an app's server build does: the package (its `node` build) and an element's module.
    const entries = ['rtc-elements', 'rtc-elements/room.js', 'rtc-elements/video-grid.js'];
    for (const entry of entries) await import(entry);
  });

  it('React 19: objects passed as properties are left out of the HTML (set when it hydrates)', () => {
    const html = renderReact(
      createElement(
        'rtc-room',
        { 'room-id': 'team', extra, iceServers, 'onrtc-joined': () => undefined },
        createElement('rtc-video-grid'),
      ),
    );
    assertClean(html);
  });

  it('Vue 3: objects bound by their camelCase name are left out of the HTML', async () => {
    const app = createSSRApp({
      data: () => ({ extra, iceServers }),
      template: `<rtc-room room-id="team" :extra="extra" :iceServers="iceServers">
        <rtc-video-grid></rtc-video-grid></rtc-room>`,
    });
    app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('rtc-');
    assertClean(await renderVue(app));
  });

  it('Svelte 5: objects set in the browser ({@attach}) are left out of the HTML; as attributes they would not be', async () => {
    const script = `<script>
      const extra = { name: 'Ada' };
      const iceServers = [{ urls: 'stun:stun.example.com' }];
      const properties = (room) => Object.assign(room, { extra, iceServers });
    </script>`;
    const Attached = await svelteComponent(
      'Attached',
      `${script}<rtc-room room-id="team" {@attach properties}><rtc-video-grid></rtc-video-grid></rtc-room>`,
    );
    assertClean(renderSvelte(Attached, { props: {} }).body);
    // Why the pattern: written as attributes, the server has only a string to write.
    const Naive = await svelteComponent(
      'Naive',
      `${script}<rtc-room room-id="team" {extra} {iceServers}><rtc-video-grid></rtc-video-grid></rtc-room>`,
    );
    assert.match(renderSvelte(Naive, { props: {} }).body, /extra="\[object Object\]"/);
  });

  it('Angular 21: property bindings ([extra]) stay out of the HTML; [attr.room-id] is written', async () => {
    // The component (test/types/angular/ssr) compiled ahead of time, as the Angular CLI does,
    // into .tmp/ssr-angular; the packages' partial declarations are linked by the JIT compiler.
    await run(process.execPath, [
      join(ROOT, 'node_modules/@angular/compiler-cli/bundles/src/bin/ngc.js'),
      '-p',
      join(ROOT, 'test/types/angular/ssr/tsconfig.json'),
    ]);
    await import('@angular/compiler');
    const { provideZonelessChangeDetection } = await import('@angular/core');
    const { bootstrapApplication } = await import('@angular/platform-browser');
    const { provideServerRendering, renderApplication } = await import('@angular/platform-server');
    const app = pathToFileURL(join(ROOT, '.tmp/ssr-angular/app.js')).href;
    const { App } = (await import(app)) as { App: Parameters<typeof bootstrapApplication>[0] };
    const html = await renderApplication(
      (context) =>
        bootstrapApplication(
          App,
          { providers: [provideServerRendering(), provideZonelessChangeDetection()] },
          context,
        ),
      { document: '<!doctype html><html><body><app-root></app-root></body></html>', url: '/' },
    );
    assertClean(html);
  });
});
