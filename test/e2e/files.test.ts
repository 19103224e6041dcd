// File transfers between independent pages: integrity, cancel, concurrency, fan-out, resume.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { useE2E } from './harness.js';
import {
  countEvents,
  events,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForPeers,
  type OpenedPage,
} from './pages.js';

interface FileWindow {
  blobs: Record<string, Blob> | undefined;
  files: Record<string, File>;
}

/** Makes a random Blob of `size` bytes in the page (kept as `blobs[name]`); returns its SHA-256. */
function makeBlob(page: Page, name: string, size: number): Promise<string> {
  return page.evaluate(
    async ({ name, size }) => {
      const w = window as unknown as FileWindow;
      const parts: Uint8Array[] = [];
      for (let at = 0; at < size; at += 65_536) {
        parts.push(crypto.getRandomValues(new Uint8Array(Math.min(65_536, size - at))));
      }
      const blob = new File(parts as BlobPart[], `${name}.bin`, { type: 'application/x-test' });
      w.blobs ??= {};
      w.blobs[name] = blob;
      const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    },
    { name, size },
  );
}

/** Sends `blobs[name]` with the room's `send(file, userId?)`; returns the file id. */
async function sendBlob(page: Page, name: string, userId?: string): Promise<string> {
  return page.evaluate(
    ({ name, userId }) => {
      const w = window as unknown as FileWindow;
      const room = document.querySelector('rtc-room')!;
      return room.send(w.blobs![name], userId) as Promise<string>;
    },
    { name, userId },
  );
}

/** The SHA-256, size, name and type of the File the page received for a file id. */
function received(
  page: Page,
  fileId: string,
): Promise<{ sha256: string; size: number; name: string; type: string }> {
  return page.evaluate(async (fileId) => {
    const file = (window as unknown as FileWindow).files[fileId]!;
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    return { sha256, size: file.size, name: file.name, type: file.type };
  }, fileId);
}

/** Waits until the page reports more than `bytes` of a file received (rtc-file-progress). */
async function waitForProgress(page: Page, fileId: string, bytes: number): Promise<void> {
  await page.waitForFunction(
    ({ fileId, bytes }) =>
      (
        window as unknown as {
          events: { type: string; detail: { fileId: string; bytes: number } }[];
        }
      ).events.some(
        (e) =>
          e.type === 'rtc-file-progress' && e.detail.fileId === fileId && e.detail.bytes > bytes,
      ),
    { fileId, bytes },
    { timeout: 60_000 },
  );
}

describe('file transfers between pages', { timeout: 300_000 }, () => {
  const env = useE2E();
  const pages = useApiPages(env);

  async function pair(roomId: string, more = 0): Promise<OpenedPage[]> {
    const ids = ['a', 'b', 'c', 'd'].slice(0, 2 + more).map((x) => `${roomId}-${x}`);
    const opened: OpenedPage[] = [];
    for (const userId of ids) opened.push(await pages.open({ roomId, userId }));
    await succeeds(opened[0]!.page, 'open');
    for (const p of opened.slice(1)) await succeeds(p.page, 'join');
    await waitForPeers(opened[0]!.page, ids.slice(1));
    return opened;
  }

  it('arrives intact at every size: 0 bytes, 1 byte, exactly one chunk, 50 MiB', async () => {
    const [a, b] = await pair('sizes');
    const chunk = await a!.page.evaluate(() => {
      const files = document.querySelector('rtc-room')!.connection!.files;
      return files.chunkSize('sizes-b')!;
    });
    assert.ok(chunk >= 64 * 1024, `chunks of ${chunk} bytes`);
    for (const [name, size] of [
      ['empty', 0],
      ['one', 1],
      ['chunk', chunk],
      ['big', 50 * 1024 * 1024],
    ] as const) {
      const sha256 = await makeBlob(a!.page, name, size);
      const fileId = await sendBlob(a!.page, name);
      const end = await waitForEvent(b!.page, 'rtc-file-end', { fileId }, { timeout: 120_000 });
      assert.deepEqual(
        { ...end.detail, file: undefined, url: undefined },
        {
          fileId,
          name: `${name}.bin`,
          size,
          userId: 'sizes-a',
          direction: 'receive',
          file: undefined,
          url: undefined,
        },
      );
      assert.match(String(end.detail['url']), /^blob:/);
      assert.deepEqual(await received(b!.page, fileId), {
        sha256,
        size,
        name: `${name}.bin`,
        type: 'application/x-test',
      });
      await waitForEvent(a!.page, 'rtc-file-end', { fileId, direction: 'send' });
      // Start and progress on both sides, with the same shape.
      for (const [page, direction] of [
        [a!.page, 'send'],
        [b!.page, 'receive'],
      ] as const) {
        assert.equal(await countEvents(page, 'rtc-file-start', { fileId, direction }), 1);
        const progress = await events(page, 'rtc-file-progress', { fileId });
        if (size > 0) assert.equal(progress.at(-1)!.detail['bytes'], size);
      }
    }
    assert.equal(await countEvents(a!.page, 'rtc-error'), 0);
    assert.equal(await countEvents(b!.page, 'rtc-error'), 0);
  });

  for (const side of ['sender', 'receiver'] as const) {
    it(`the ${side} cancels mid-transfer: both sides stop and clean up`, async () => {
      const [a, b] = await pair(`cancel-${side}`);
      await makeBlob(a!.page, 'big', 64 * 1024 * 1024);
      const fileId = await sendBlob(a!.page, 'big');
      await waitForEvent(b!.page, 'rtc-file-progress', { fileId });
      const canceller = side === 'sender' ? a! : b!;
      const other = side === 'sender' ? b! : a!;
      await canceller.page.evaluate(
        (fileId) => document.querySelector('rtc-room')!.cancel(fileId),
        fileId,
      );
      await waitForEvent(canceller.page, 'rtc-file-cancel', { fileId, by: 'local' });
      await waitForEvent(other.page, 'rtc-file-cancel', { fileId, by: 'remote' });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const progressAfter = async (page: Page) =>
        (await events(page, 'rtc-file-progress', { fileId })).length;
      const before = [await progressAfter(a!.page), await progressAfter(b!.page)];
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(
        [await progressAfter(a!.page), await progressAfter(b!.page)],
        before,
        'nothing moves after cancel',
      );
      assert.equal(await countEvents(b!.page, 'rtc-file-end'), 0);
      // The channel is free: another file goes through.
      const sha256 = await makeBlob(a!.page, 'next', 300_000);
      const next = await sendBlob(a!.page, 'next');
      await waitForEvent(b!.page, 'rtc-file-end', { fileId: next });
      assert.equal((await received(b!.page, next)).sha256, sha256);
    });
  }

  it('two files at once to one peer both arrive intact', async () => {
    const [a, b] = await pair('two-files');
    const first = await makeBlob(a!.page, 'first', 32 * 1024 * 1024);
    const second = await makeBlob(a!.page, 'second', 24 * 1024 * 1024 + 17);
    const [id1, id2] = await Promise.all([sendBlob(a!.page, 'first'), sendBlob(a!.page, 'second')]);
    await waitForEvent(b!.page, 'rtc-file-end', { fileId: id1 }, { timeout: 60_000 });
    await waitForEvent(b!.page, 'rtc-file-end', { fileId: id2 }, { timeout: 60_000 });
    assert.equal((await received(b!.page, id1)).sha256, first);
    assert.equal((await received(b!.page, id2)).sha256, second);
    // They really overlapped: each made progress before the other ended.
    const seen = await b!.page.evaluate(() =>
      (window as unknown as { events: { type: string; detail: { fileId: string } }[] }).events
        .filter((e) => e.type === 'rtc-file-progress' || e.type === 'rtc-file-end')
        .map((e) => `${e.type === 'rtc-file-end' ? 'end' : 'progress'} ${e.detail.fileId}`),
    );
    const firstEnd = Math.min(seen.indexOf(`end ${id1}`), seen.indexOf(`end ${id2}`));
    assert.ok(seen.slice(0, firstEnd).includes(`progress ${id1}`), seen.join('\n'));
    assert.ok(seen.slice(0, firstEnd).includes(`progress ${id2}`), seen.join('\n'));
  });

  it('one file to three peers (and to one of them only)', async () => {
    const [a, b, c, d] = await pair('fan-out', 2);
    const sha256 = await makeBlob(a!.page, 'shared', 6 * 1024 * 1024);
    const fileId = await sendBlob(a!.page, 'shared');
    for (const p of [b!, c!, d!]) {
      await waitForEvent(p.page, 'rtc-file-end', { fileId }, { timeout: 60_000 });
      assert.equal((await received(p.page, fileId)).sha256, sha256);
    }
    const ends = await events(a!.page, 'rtc-file-end', { fileId, direction: 'send' });
    assert.deepEqual(ends.map((e) => e.detail['userId']).sort(), [
      'fan-out-b',
      'fan-out-c',
      'fan-out-d',
    ]);

    await makeBlob(a!.page, 'private', 100_000);
    const only = await sendBlob(a!.page, 'private', 'fan-out-c');
    await waitForEvent(c!.page, 'rtc-file-end', { fileId: only });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await countEvents(b!.page, 'rtc-file-start', { fileId: only }), 0);
    assert.equal(await countEvents(d!.page, 'rtc-file-start', { fileId: only }), 0);
  });

  it('resumes from the received offset after the file channel is forced closed', async () => {
    const [a, b] = await pair('resume');
    const size = 40 * 1024 * 1024;
    const sha256 = await makeBlob(a!.page, 'big', size);
    // Count the file bytes that reach the receiver on every file channel it ever has.
    await b!.page.evaluate(() => {
      const w = window as unknown as { wireBytes: number };
      const connection = document.querySelector('rtc-room')!.connection!;
      const pc = connection.peerConnection('resume-a')!;
      w.wireBytes = 0;
      const count = (channel: RTCDataChannel) => {
        if (channel.label !== 'rtc-files') return;
        channel.addEventListener('message', ({ data }: MessageEvent<unknown>) => {
          if (data instanceof ArrayBuffer) w.wireBytes += data.byteLength;
        });
      };
      count(connection.files.channel('resume-a')!);
      pc.addEventListener('datachannel', ({ channel }) => count(channel));
      const create = pc.createDataChannel.bind(pc);
      pc.createDataChannel = (label, init) => {
        const channel = create(label, init);
        count(channel);
        return channel;
      };
    });
    const fileId = await sendBlob(a!.page, 'big');
    await waitForProgress(b!.page, fileId, 16 * 1024 * 1024);
    // Cut the receiver's file channel mid-transfer.
    const cutAt = await b!.page.evaluate(() => {
      const room = document.querySelector('rtc-room')!;
      room.connection!.files.channel('resume-a')!.close();
      return Math.max(
        ...(window as unknown as { events: { type: string; detail: { bytes: number } }[] }).events
          .filter((e) => e.type === 'rtc-file-progress')
          .map((e) => e.detail.bytes),
      );
    });
    await waitForEvent(b!.page, 'rtc-file-end', { fileId }, { timeout: 120_000 });
    assert.equal((await received(b!.page, fileId)).sha256, sha256);
    // It continued: progress never went back to the start, and bytes on the wire stayed close to
    // one file's worth (not a second full copy).
    const progress = (await events(b!.page, 'rtc-file-progress', { fileId })).map(
      (e) => e.detail['bytes'] as number,
    );
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!);
    assert.ok(cutAt < size, 'the cut happened mid-transfer');
    const wire = await b!.page.evaluate(
      () => (window as unknown as { wireBytes: number }).wireBytes,
    );
    // 25 header bytes per chunk, and at most what was in flight when the channel closed again.
    assert.ok(wire >= size, `received ${wire} bytes`);
    assert.ok(
      wire < size * 1.01 + 4 * 1024 * 1024,
      `received ${wire} bytes for ${size}: no restart`,
    );
    console.log(`resume: cut at ${cutAt} of ${size} bytes; ${wire} bytes on the wire in all`);
    assert.equal(await countEvents(b!.page, 'rtc-error'), 0);
  });

  it('resumes when the peer connection is replaced (reconnect) mid-transfer', async () => {
    const [a, b] = await pair('resume-pc');
    const size = 40 * 1024 * 1024;
    const sha256 = await makeBlob(a!.page, 'big', size);
    const pcBefore = await a!.page.evaluate(() => {
      const pc = document.querySelector('rtc-room')!.connection!.peerConnection('resume-pc-b')!;
      (window as unknown as { oldPc: RTCPeerConnection }).oldPc = pc;
      return pc.connectionState;
    });
    assert.equal(pcBefore, 'connected');
    // Count the file bytes the sender hands to any file channel, old connection and new.
    await a!.page.evaluate(() => {
      const w = window as unknown as { sentBytes: number };
      w.sentBytes = 0;
      const { send } = Object.getOwnPropertyDescriptors(RTCDataChannel.prototype);
      RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
        const bytes = data as unknown;
        if (this.label === 'rtc-files' && bytes instanceof Uint8Array)
          w.sentBytes += bytes.byteLength;
        (send.value as (this: RTCDataChannel, data: never) => void).call(this, data);
      };
    });
    const fileId = await sendBlob(a!.page, 'big');
    await waitForProgress(b!.page, fileId, 20 * 1024 * 1024);
    await succeeds(a!.page, 'reconnect', 'resume-pc-b');
    await waitForEvent(b!.page, 'rtc-file-end', { fileId }, { timeout: 120_000 });
    assert.equal((await received(b!.page, fileId)).sha256, sha256);
    const replaced = await a!.page.evaluate(() => {
      const room = document.querySelector('rtc-room')!;
      const pc = room.connection!.peerConnection('resume-pc-b')!;
      const old = (window as unknown as { oldPc: RTCPeerConnection }).oldPc;
      return { replaced: pc !== old, old: old.connectionState, now: pc.connectionState };
    });
    assert.deepEqual(replaced, { replaced: true, old: 'closed', now: 'connected' });
    // Resumed, not restarted (that would be 20 MiB more): at most what was buffered (8 MiB) or in
    // flight on the old connection goes again.
    const sent = await a!.page.evaluate(
      () => (window as unknown as { sentBytes: number }).sentBytes,
    );
    console.log(`reconnect: ${sent} bytes sent for a ${size}-byte file`);
    assert.ok(sent < size + 12 * 1024 * 1024, `sent ${sent} bytes for ${size}`);
    const progress = (await events(b!.page, 'rtc-file-progress', { fileId })).map(
      (e) => e.detail['bytes'] as number,
    );
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!);
    assert.equal(await countEvents(a!.page, 'rtc-error'), 0);
    assert.equal(await countEvents(b!.page, 'rtc-error'), 0);
  });

  it('a corrupted byte on the way is caught: TRANSFER_CORRUPT on both sides, no file', async () => {
    const [a, b] = await pair('corrupt');
    await makeBlob(a!.page, 'victim', 10 * 1024 * 1024);
    // Flip one payload byte of one chunk frame as it leaves the sender (after the framing).
    await a!.page.evaluate(() => {
      const { send } = Object.getOwnPropertyDescriptors(RTCDataChannel.prototype);
      let frames = 0;
      RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
        const bytes = data as unknown;
        if (this.label === 'rtc-files' && bytes instanceof Uint8Array && ++frames === 20) {
          bytes[100] = bytes[100]! ^ 0xff;
        }
        (send.value as (this: RTCDataChannel, data: never) => void).call(this, data);
      };
    });
    const fileId = await sendBlob(a!.page, 'victim');
    const onReceiver = await waitForEvent(b!.page, 'rtc-error', { code: 'TRANSFER_CORRUPT' });
    assert.equal((onReceiver.detail['transfer'] as { fileId: string }).fileId, fileId);
    await waitForEvent(a!.page, 'rtc-error', { code: 'TRANSFER_CORRUPT' });
    assert.equal(await countEvents(b!.page, 'rtc-file-end', { fileId }), 0);
    assert.equal(await countEvents(a!.page, 'rtc-file-end', { fileId }), 0);
    assert.equal(
      await b!.page.evaluate((id) => id in (window as unknown as FileWindow).files, fileId),
      false,
    );
  });

  it('offers can be declined (preventDefault) or decided later (respondWith)', async () => {
    const [a, b] = await pair('consent');
    await b!.page.evaluate(() => {
      const w = window as unknown as {
        handlers: Record<string, (e: HTMLElementEventMap['rtc-file-offer']) => void>;
        decide?: (ok: boolean) => void;
      };
      w.handlers['rtc-file-offer'] = (event) => {
        if (event.detail.name === 'no.bin') event.preventDefault();
        else event.detail.respondWith(new Promise<boolean>((resolve) => (w.decide = resolve)));
      };
    });
    await makeBlob(a!.page, 'no', 1000);
    const declined = await sendBlob(a!.page, 'no');
    const error = await waitForEvent(a!.page, 'rtc-error', { code: 'FILE_REJECTED' });
    assert.equal((error.detail['transfer'] as { fileId: string }).fileId, declined);
    assert.equal(await countEvents(b!.page, 'rtc-file-start', { fileId: declined }), 0);

    const sha256 = await makeBlob(a!.page, 'later', 200_000);
    const later = await sendBlob(a!.page, 'later');
    await waitForEvent(b!.page, 'rtc-file-offer', { fileId: later });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(
      await countEvents(b!.page, 'rtc-file-progress', { fileId: later }),
      0,
      'no bytes before the answer',
    );
    await b!.page.evaluate(() =>
      (window as unknown as { decide: (ok: boolean) => void }).decide(true),
    );
    await waitForEvent(b!.page, 'rtc-file-end', { fileId: later });
    assert.equal((await received(b!.page, later)).sha256, sha256);
  });
});
