// <rtc-file-share> in independent pages: picking, dropping, asking, limits, cancel, the list's states.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { rows, shareInput, waitForRow } from './file-share-rows.js';
import { useE2E } from './harness.js';
import { succeeds, useApiPages, waitForEvent, waitForPeers } from './pages.js';

const status = (page: Page) =>
  page.evaluate(
    () =>
      document.querySelector('rtc-file-share')!.shadowRoot!.querySelector('[role="status"]')!
        .textContent,
  );

describe('<rtc-file-share> between pages', { timeout: 180_000 }, () => {
  const env = useE2E();
  const pages = useApiPages(env);

  async function pair(roomId: string, receiverShare: string) {
    const a = await pages.open({
      roomId,
      userId: `${roomId}-a`,
      name: 'Ann',
      children: '<rtc-file-share></rtc-file-share>',
    });
    const b = await pages.open({
      roomId,
      userId: `${roomId}-b`,
      name: 'Ben',
      children: receiverShare,
    });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForPeers(a.page, [`${roomId}-b`]);
    return { a: a.page, b: b.page };
  }

  it('picked file: asked, accepted, progress, verified, downloadable; names stay text', async () => {
    const { a, b } = await pair(
      'share-ask',
      '<rtc-file-share ask-before-receive></rtc-file-share>',
    );
    const name = '<img src=x onerror="window.pwned=1">.txt';
    const content = Buffer.alloc(3 * 1024 * 1024, 7);
    await shareInput(a).setInputFiles({ name, mimeType: 'text/plain', buffer: content });

    const offered = await waitForRow(b, name, 'offered');
    assert.deepEqual(offered.buttons, ['Accept', 'Decline']);
    assert.equal(offered.figures, 'Wants to send you this file');
    assert.equal(offered.html.includes('<img'), false, 'the name is text, not markup');
    assert.match(await status(b), /Ann offers/);
    const waiting = await waitForRow(a, name, 'waiting');
    assert.deepEqual(waiting.buttons, ['Cancel']);

    await b.locator('rtc-file-share').getByRole('button', { name: 'Accept' }).click();
    const done = await waitForRow(b, name, 'done');
    assert.equal(done.figures, 'Received');
    assert.equal(done.progressLabel, `${name}: 100%`);
    assert.equal(done.download?.name, name);
    assert.match(done.download.href, /^blob:/);
    const fetched = await b.evaluate(async (href) => {
      const bytes = new Uint8Array(await (await fetch(href)).arrayBuffer());
      return { size: bytes.length, allSevens: bytes.every((x) => x === 7) };
    }, done.download.href);
    assert.deepEqual(fetched, { size: content.length, allSevens: true });
    assert.equal((await waitForRow(a, name, 'done')).figures, 'Sent');
    assert.equal(await b.evaluate(() => 'pwned' in window), false);
    assert.match(await status(b), /received from Ann/);

    // Declined: the sender's row says so.
    await shareInput(a).setInputFiles({
      name: 'nope.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('x'),
    });
    await waitForRow(b, 'nope.txt', 'offered');
    await b.locator('rtc-file-share').getByRole('button', { name: 'Decline' }).click();
    const declined = await waitForRow(a, 'nope.txt', 'failed');
    assert.match(declined.figures, /declined/);
    await waitForEvent(a, 'rtc-error', { code: 'FILE_REJECTED' });
  });

  it('max-size refuses larger files on both sides; accept filters what is picked', async () => {
    const { a, b } = await pair('share-limit', '<rtc-file-share max-size="1000"></rtc-file-share>');
    await shareInput(a).setInputFiles({
      name: 'big.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(5000),
    });
    assert.match((await waitForRow(a, 'big.bin', 'failed')).figures, /too large/);
    assert.match((await waitForRow(b, 'big.bin', 'failed')).figures, /larger than/);
    await waitForEvent(a, 'rtc-error', { code: 'FILE_TOO_LARGE' });

    await shareInput(a).setInputFiles({
      name: 'small.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(500, 1),
    });
    await waitForRow(b, 'small.bin', 'done');

    // The sending element's own limit and filter.
    await a.evaluate(() => {
      const share = document.querySelector('rtc-file-share')!;
      share.maxSize = 100;
      share.accept = '.txt,image/*';
    });
    await shareInput(a).setInputFiles([
      { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.alloc(50, 2) },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.alloc(200, 3) },
      { name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.alloc(10, 4) },
    ]);
    await waitForRow(b, 'photo.png', 'done');
    await waitForEvent(a, 'rtc-error', { code: 'FILE_TOO_LARGE' }, { count: 2 });
    await waitForEvent(a, 'rtc-error', { code: 'INVALID_REQUEST' });
    const names = (await rows(b)).map((r) => r.name);
    assert.ok(!names.includes('tool.exe') && !names.includes('notes.txt'), names.join());
  });

  it('drop zone sends dropped files; the cancel button stops a transfer on both sides', async () => {
    const { a, b } = await pair('share-drop', '<rtc-file-share></rtc-file-share>');
    await a.evaluate(() => {
      const drop = document
        .querySelector('rtc-file-share')!
        .shadowRoot!.querySelector('[part="drop"]')!;
      const transfer = new DataTransfer();
      const big = new Uint8Array(48 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 65_536)
        crypto.getRandomValues(big.subarray(i, i + 65_536));
      transfer.items.add(new File([big], 'dropped.bin'));
      drop.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      drop.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    });
    const active = await waitForRow(b, 'dropped.bin', 'active');
    assert.match(active.progressLabel, /^dropped\.bin: \d+%$/);
    await b.waitForFunction(() => {
      const figures = document
        .querySelector('rtc-file-share')!
        .shadowRoot!.querySelector('[part="figures"]')!.textContent;
      return /\d+% · [\d.]+ [KMG]?B\/s · \d+ (s|min) left/.test(figures);
    });
    await a.locator('rtc-file-share').getByRole('button', { name: 'Cancel dropped.bin' }).click();
    assert.equal((await waitForRow(a, 'dropped.bin', 'cancelled')).figures, 'Cancelled');
    assert.equal(
      (await waitForRow(b, 'dropped.bin', 'cancelled')).figures,
      'Cancelled by the other side',
    );
  });

  it('shows transfers started elsewhere: room.send(file) appears in every <rtc-file-share>', async () => {
    const { a, b } = await pair('share-any', '<rtc-file-share></rtc-file-share>');
    await a.evaluate(() =>
      document.querySelector('rtc-room')!.send(new File(['hello'], 'hello.txt')),
    );
    await waitForRow(a, 'hello.txt', 'done');
    await waitForRow(b, 'hello.txt', 'done');
  });
});
