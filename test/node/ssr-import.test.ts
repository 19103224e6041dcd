import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// What an app that renders on the server does (Next, Nuxt, SvelteKit, Angular SSR): import the
// package in Node, where there is no DOM. The `node` export condition gives lit's server build;
// nothing is defined until a browser loads the bundle. Needs a build (dist/).
describe('importing the package in Node', () => {
  it('rtc-elements imports without a DOM, exports the element classes and the engine, defines nothing', async () => {
    const registry = () =>
      (globalThis as { customElements?: { get(tag: string): unknown } }).customElements;
    // A specifier the type checker leaves alone: dist/ (and its types) exist only after a build.
    const entry = 'rtc-elements';
    const module = (await import(entry)) as typeof import('../../src/elements/index.js');
    assert.equal(typeof module.RtcRoom, 'function');
    assert.equal(typeof module.RtcVideoGrid, 'function');
    assert.equal(typeof module.RoomConnection, 'function');
    assert.equal(module.ErrorCode.INVALID_REQUEST, 'INVALID_REQUEST');
    for (const tag of ['rtc-room', 'rtc-video-grid', 'rtc-chat', 'rtc-file-share'])
      assert.equal(registry()?.get(tag), undefined, `${tag} was defined on the server`);
  });

  it('every other browser entry (each element, the autoloader, the engine, compat) imports in Node without throwing or defining', async () => {
    const entries = [
      'rtc-elements/compat',
      'rtc-elements/rtcmulticonnection.js',
      'rtc-elements/engine',
      'rtc-elements/autoloader.js',
      ...[
        'room',
        'video-grid',
        'user-status',
        'chat',
        'screen-button',
        'media-controls',
        'file-share',
      ].map((name) => `rtc-elements/${name}.js`),
    ];
    for (const entry of entries) await import(entry);
    const registry = (globalThis as { customElements?: { get(tag: string): unknown } })
      .customElements;
    assert.equal(registry?.get('rtc-room'), undefined);
  });
});
