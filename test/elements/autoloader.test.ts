import { expect } from '@open-wc/testing';
import { discover, load, TAGS } from '../../src/elements/autoloader.js';

// The autoloader defines a tag when it first appears in the page, and only that tag. (This page
// imports nothing else of rtc-elements: each test file runs in a page of its own.)
describe('the autoloader', () => {
  const added: Element[] = [];
  afterEach(() => added.splice(0).forEach((element) => element.remove()));

  it('knows every element of the manifest', async () => {
    const manifest = (await (await fetch('/custom-elements.json')).json()) as {
      modules: Array<{ declarations?: Array<{ tagName?: string }> }>;
    };
    const tags = manifest.modules
      .flatMap((module) => module.declarations ?? [])
      .map((declaration) => declaration.tagName)
      .filter((tag): tag is string => Boolean(tag));
    expect([...TAGS].sort()).to.deep.equal([...new Set(tags)].sort());
  });

  it('defines a tag the first time it appears, whether in the page at start, added later or nested', async () => {
    expect(customElements.get('rtc-video-grid')).to.equal(undefined);
    expect(customElements.get('rtc-user-status')).to.equal(undefined);
    const wrapper = document.createElement('div');
    wrapper.innerHTML = '<section><rtc-video-grid></rtc-video-grid></section>';
    document.body.append(wrapper);
    added.push(wrapper);
    await customElements.whenDefined('rtc-video-grid');
    // Only what the page uses.
    expect(customElements.get('rtc-chat')).to.equal(undefined);
    expect(customElements.get('rtc-file-share')).to.equal(undefined);
    const grid = wrapper.querySelector('rtc-video-grid')!;
    expect(grid.shadowRoot, 'the grid upgraded and rendered').to.not.equal(null);

    const status = document.createElement('rtc-user-status');
    document.body.append(status);
    added.push(status);
    await customElements.whenDefined('rtc-user-status');
    expect(customElements.get('rtc-chat')).to.equal(undefined);
  });

  it('discover() loads the tags under a shadow root, which the page-wide watch does not see', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    added.push(host);
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<rtc-chat></rtc-chat>';
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(customElements.get('rtc-chat')).to.equal(undefined);
    await discover(shadow);
    expect(customElements.get('rtc-chat')).to.not.equal(undefined);
  });

  it('load() loads a tag once, however often it is asked', async () => {
    const first = load('rtc-screen-button');
    expect(load('rtc-screen-button')).to.equal(first);
    await first;
    expect(customElements.get('rtc-screen-button')).to.not.equal(undefined);
  });
});
