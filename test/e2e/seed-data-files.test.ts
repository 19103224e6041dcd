// The seed's code examples about files (RTCMultiConnection API reference): connection.send(file)
// from an <input type=file>, invokeSelectFileDialog, stopping a transfer through `connection.fbr`,
// enableFileSharing and the default progress bars in filesContainer. Each runs in real pages on
// dist/rtcmulticonnection.js against our server; the received bytes are compared with the sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { useE2E } from './harness.js';
import {
  callback,
  connectedTo,
  meet,
  record,
  run,
  runAsync,
  seen,
  until,
  useSeedPages,
  waitSeen,
} from './seed-support.js';

/** Files are sent over data channels: data-only sessions keep the suite light. */
const DATA = `connection.session = { data: true };`;

/** A page's received file, by name: its size and a digest of its bytes (fetched from its URL). */
function received(page: Page, name: string): Promise<{ size: number; digest: string }> {
  return runAsync(
    page,
    `var link = Array.prototype.find.call(document.querySelectorAll('a[download]'), function (a) {
      return a.download === ${JSON.stringify(name)};
    });
    var bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
    var digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { size: bytes.length, digest: Array.from(digest, function (b) { return b.toString(16).padStart(2, '0'); }).join('') };`,
  );
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('seed examples: files', { timeout: 180_000 }, () => {
  const env = useE2E();
  const pages = useSeedPages(env);

  it('connection.send(file) from an input[type=file], with enableFileSharing and filesContainer', async () => {
    const seed = `
      connection.enableFileSharing = true;
      connection.filesContainer = document.getElementById('files-container');
      fileInput.onchange = function() {
          var file = this.files[0];
          if(!file) return;
          connection.send(file);
      };`;
    const body = '<input type="file" id="fileInput"><div id="files-container"></div>';
    const a = await pages.open({ userid: 'send-a', body, setup: DATA, seed });
    const b = await pages.open({ userid: 'send-b', body, setup: DATA, seed });
    await record(b.page, ['onFileStart', 'onFileProgress', 'onFileEnd']);
    await meet('seed-send-file', a.page, b.page);
    await connectedTo(a.page, ['send-b']);
    const buffer = Buffer.alloc(300_000, 0);
    for (let i = 0; i < buffer.length; i++) buffer[i] = (i * 7) % 251;
    await a.page.setInputFiles('#fileInput', {
      name: 'report.bin',
      mimeType: 'application/octet-stream',
      buffer,
    });
    const [[end]] = (await waitSeen(b.page, 'onFileEnd')) as [[Record<string, unknown>]];
    assert.deepEqual(
      [end['name'], end['size'], end['userid'], end['remoteUserId']],
      ['report.bin', 300_000, 'send-a', 'send-b'],
    );
    assert.deepEqual(await received(b.page, 'report.bin'), {
      size: 300_000,
      digest: sha256(buffer),
    });
    // v3's default progress: a bar per file, then the link, in filesContainer.
    const [[start]] = (await seen(b.page, 'onFileStart')) as [[{ maxChunks: number }]];
    assert.equal(start.maxChunks, 8);
    assert.ok((await seen(b.page, 'onFileProgress')).length >= 1);
    assert.equal(
      await run(b.page, `document.querySelector('#files-container a[download]').textContent`),
      'report.bin',
    );
    await until(
      a.page,
      `/report\\.bin: sent to send-b/.test(document.getElementById('files-container').textContent)`,
    );
  });

  it('invokeSelectFileDialog(callback): the picker instead of an input[type=file]', async () => {
    // The seed's callback reads the file; the completion sends it (the section's purpose).
    const a = await pages.open({
      userid: 'pick-a',
      body: '<button id="pick">Send a file</button>',
      setup: DATA,
      seed: `
        document.getElementById('pick').onclick = function () {
            connection.invokeSelectFileDialog(function(file) {
                var file = this.files[0];
                connection.send(file);
            });
        };`,
    });
    const b = await pages.open({ userid: 'pick-b', setup: DATA });
    await record(b.page, ['onFileEnd']);
    await meet('seed-select-file', a.page, b.page);
    await connectedTo(a.page, ['pick-b']);
    const chooser = a.page.waitForEvent('filechooser');
    await a.page.click('#pick');
    await (
      await chooser
    ).setFiles({ name: 'picked.txt', mimeType: 'text/plain', buffer: Buffer.from('picked!') });
    const [[end]] = (await waitSeen(b.page, 'onFileEnd')) as [[{ name: string; size: number }]];
    assert.deepEqual([end.name, end.size], ['picked.txt', 7]);
    assert.equal((await received(b.page, 'picked.txt')).size, 7);
  });

  it('stop sharing a file: delete connection.fbr.chunks[file.uuid], connection.fbr = null, fbr.chunks = {}', async () => {
    const a = await pages.open({
      userid: 'stop-a',
      body: '<input type="file" id="fileInput">',
      setup: DATA,
      seed: `
        var file;
        fileInput.onchange = function() {
            file = this.files[0];
            if(!file) return;
            // First step: Set UUID for your file object
            file.uuid = connection.token();
            connection.send(file);
        };`,
    });
    // The receiver notes the engine's cancel events (v3 had no callback for them).
    const b = await pages.open({ userid: 'stop-b', setup: DATA });
    await record(b.page, ['onFileStart', 'onFileEnd']);
    await meet('seed-stop-file', a.page, b.page);
    await connectedTo(a.page, ['stop-b']);
    await run(
      b.page,
      `connection.roomConnection.files.on('file-cancel', function (e) { note('cancel', e.name, e.by); })`,
    );
    const stops = [
      `if(connection.fbr) {
          // Second Last step: remove/delete file chunks based on file UUID
          delete connection.fbr.chunks[file.uuid];
      }`,
      `connection.fbr = null;`,
      `if(connection.fbr) {
          // clearing all file chunks
          connection.fbr.chunks = {};
          // removing all file receivers
          connection.fbr.users = {};
      }`,
    ];
    for (const [i, stop] of stops.entries()) {
      const name = `big-${i}.bin`;
      // A 64 MB file, made in the page and given to the input as a user's choice would be.
      await run(
        a.page,
        `var transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(64 * 1024 * 1024)], ${JSON.stringify(name)}));
        fileInput.files = transfer.files;
        fileInput.dispatchEvent(new Event('change'));`,
      );
      await waitSeen(b.page, 'onFileStart', i + 1);
      await run(a.page, stop);
      assert.deepEqual((await waitSeen(b.page, 'cancel', i + 1))[i], [name, 'remote']);
      assert.equal(await run(a.page, `Object.keys(connection.fbr.chunks).length`), 0);
    }
    // A small file still goes through after that, and none of the stopped ones ended.
    await run(
      a.page,
      `var transfer = new DataTransfer();
      transfer.items.add(new File(['fine'], 'after.txt'));
      fileInput.files = transfer.files;
      fileInput.dispatchEvent(new Event('change'));`,
    );
    const ended = await waitSeen<[{ name: string }]>(b.page, 'onFileEnd');
    assert.deepEqual(
      ended.map(([e]) => e.name),
      ['after.txt'],
    );
  });

  it('shareFile(file, remoteUserId), getExtraData(userid, callback), onmessage (issue 9 members without a seed example)', async () => {
    const a = await pages.open({
      userid: 'share-a',
      setup: `${DATA} connection.extra = { name: 'Ann' };`,
    });
    const b = await pages.open({ userid: 'share-b', setup: DATA });
    const c = await pages.open({ userid: 'share-c', setup: DATA });
    for (const p of [b, c]) await record(p.page, ['onFileEnd', 'onmessage']);
    await meet('seed-share-file', a.page, b.page, c.page);
    await connectedTo(a.page, ['share-b', 'share-c']);
    await run(a.page, `connection.shareFile(new File(['just for b'], 'b.txt'), 'share-b')`);
    await run(a.page, `connection.send({ hello: 'everyone' })`);
    await waitSeen(b.page, 'onFileEnd');
    for (const p of [b, c]) {
      const [[message]] = (await waitSeen(p.page, 'onmessage')) as [[Record<string, unknown>]];
      assert.deepEqual([message['userid'], message['data']], ['share-a', { hello: 'everyone' }]);
    }
    assert.deepEqual(await seen(c.page, 'onFileEnd'), []);
    const [extra] = await callback(b.page, `connection.getExtraData('share-a', CALLBACK)`);
    assert.deepEqual(extra, { name: 'Ann' });
    assert.deepEqual(await run(b.page, `connection.getExtraData('share-a')`), { name: 'Ann' });
  });
});
