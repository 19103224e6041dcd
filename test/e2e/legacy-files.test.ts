// Files between unmodified RTCMultiConnection 3.7.1 pages (with the FileBufferReader.js they load)
// and ours, in real Chromium pages on our server: both directions, with an <rtc-room> +
// <rtc-file-share> page and with a page on dist/rtcmulticonnection.js; progress on both sides;
// contents checked by SHA-256 at 1 byte, exactly one 40,000-byte chunk and 3 MiB. In a mixed room
// one send reaches a 3.7.1 page in its format and an rtc-elements page in ours.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { shareInput, waitForRow } from './file-share-rows.js';
import { useE2E } from './harness.js';
import { events, succeeds, useApiPages, waitForEvent, waitForPeers } from './pages.js';

const SIZES = [1, 40_000, 3 * 1024 * 1024];
/** 3.7.1's default `connection.chunkSize`. */
const CHUNK = 40_000;

/** What a page's v3 file callbacks were called with (kept JSON-safe). */
interface Call {
  callback: 'onFileStart' | 'onFileProgress' | 'onFileEnd';
  uuid: string;
  name: string;
  size: number;
  currentPosition: number;
  maxChunks: number;
  userid: string;
  remoteUserId: string;
  isBlob: boolean;
}

interface DigestWindow {
  /** SHA-256 of a Blob, as hex (installed by {@link withDigest}). */
  sha256(blob: Blob): Promise<string>;
}

/** Gives the page `window.sha256(blob)`. */
async function withDigest(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as DigestWindow).sha256 = async (blob) =>
      [...new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('');
  });
}

interface V3Window extends DigestWindow {
  connection: {
    userid: string;
    send(data: unknown): void;
    peers: Record<string, { channels?: RTCDataChannel[]; peer?: RTCPeerConnection } | undefined>;
    [callback: string]: unknown;
  };
  ready: Promise<{ ok: boolean }>;
  calls: Call[];
  received: Record<string, Blob>;
  blobs: Record<string, File>;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Records the page's onFileStart / onFileProgress / onFileEnd (its own defaults still run). */
async function recordFileCallbacks(page: Page): Promise<void> {
  await withDigest(page);
  await page.evaluate(() => {
    const w = window as unknown as V3Window;
    w.calls = [];
    w.received = {};
    w.blobs = {};
    for (const callback of ['onFileStart', 'onFileProgress', 'onFileEnd'] as const) {
      const previous = w.connection[callback] as (file: unknown) => void;
      w.connection[callback] = (file: Call & Blob) => {
        w.calls.push({
          callback,
          uuid: file.uuid,
          name: file.name,
          size: file.size,
          currentPosition: file.currentPosition,
          maxChunks: file.maxChunks,
          userid: file.userid,
          remoteUserId: file.remoteUserId,
          isBlob: file instanceof Blob,
        });
        if (callback === 'onFileEnd' && file.remoteUserId === w.connection.userid)
          w.received[file.name] = file;
        previous.call(w.connection, file);
      };
    }
  });
}

/** Waits until a v3-API page (3.7.1 or ours) can send to `userId` on an open data channel. */
async function v3Connected(page: Page, userId: string): Promise<void> {
  await page.evaluate(() => (window as unknown as V3Window).ready);
  await page.waitForFunction(
    (userId) => {
      const peer = (window as unknown as V3Window).connection.peers[userId];
      if (!peer) return false;
      // 3.7.1 sends on the channels it holds; ours queues until its channel opens.
      return peer.channels
        ? peer.channels.some((c) => c.readyState === 'open')
        : peer.peer?.connectionState === 'connected';
    },
    userId,
    { timeout: 30_000 },
  );
}

/** Makes a random File in a v3-API page and sends it with `connection.send(file)`; its SHA-256. */
async function v3Send(page: Page, name: string, size: number): Promise<string> {
  return page.evaluate(
    async ({ name, size }) => {
      const w = window as unknown as V3Window;
      const data = new Uint8Array(size);
      for (let at = 0; at < size; at += 65_536)
        crypto.getRandomValues(data.subarray(at, Math.min(size, at + 65_536)));
      const file = new File([data], name, { type: 'application/x-test' });
      w.blobs[name] = file;
      w.connection.send(file);
      return w.sha256(file);
    },
    { name, size },
  );
}

/** The calls of a v3-API page's file callbacks for one file name. */
function calls(page: Page, name: string): Promise<Call[]> {
  return page.evaluate(
    (name) => (window as unknown as V3Window).calls.filter((c) => c.name === name),
    name,
  );
}

/** Waits for a v3-API page's onFileEnd for `name` (received, or sent to `to`). */
async function v3Ended(page: Page, name: string, to?: string): Promise<void> {
  await page.waitForFunction(
    ({ name, to }) => {
      const w = window as unknown as V3Window;
      return w.calls.some(
        (c) =>
          c.callback === 'onFileEnd' &&
          c.name === name &&
          c.remoteUserId === (to ?? w.connection.userid),
      );
    },
    { name, to },
    { timeout: 60_000 },
  );
}

/** SHA-256 of what a v3-API page received under that name. */
function v3Digest(page: Page, name: string): Promise<string> {
  return page.evaluate((name) => {
    const w = window as unknown as V3Window;
    return w.sha256(w.received[name]!);
  }, name);
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * What a page's v3 callbacks show for one file, as 3.7.1 reports it: the sender gets a start, a
 * progress call for every record (0 = start .. maxChunks + 1 = end) and an end per receiver; the
 * receiver a start, progress per chunk record (1 .. maxChunks) and an end with a Blob.
 */
function assertV3Calls(list: Call[], size: number, role: 'sender' | 'receiver'): void {
  const maxChunks = Math.ceil(size / CHUNK);
  const of = (callback: Call['callback']) => list.filter((c) => c.callback === callback);
  assert.deepEqual(
    of('onFileStart').map((c) => [c.maxChunks, c.size]),
    [[maxChunks, size]],
    'onFileStart',
  );
  assert.deepEqual(
    of('onFileProgress').map((c) => c.currentPosition),
    role === 'sender' ? range(0, maxChunks + 1) : range(1, maxChunks),
    'onFileProgress positions',
  );
  const [end, ...more] = of('onFileEnd');
  assert.equal(more.length, 0);
  assert.equal(end?.currentPosition, maxChunks + 1);
  assert.equal(end.maxChunks, maxChunks);
  assert.equal(end.isBlob, role === 'receiver', 'a receiver gets a Blob');
}

/** The legacy positions of an element page's rtc-file-progress events for a file. */
async function progressPositions(page: Page, fileId: string): Promise<number[]> {
  return (await events(page, 'rtc-file-progress', { fileId })).map(
    (e) => (e.detail['legacy'] as { currentPosition: number }).currentPosition,
  );
}

describe(
  'files with RTCMultiConnection 3.7.1 pages (FileBufferReader format)',
  { timeout: 600_000 },
  () => {
    const env = useE2E();
    const pages = useApiPages(env);

    it('<rtc-room> + <rtc-file-share> and a 3.7.1 page: both ways, progress on both sides, 1 B / one chunk / 3 MiB', async () => {
      const roomId = 'legacy-files-elements';
      const el = await pages.open({
        roomId,
        userId: 'el',
        name: 'Ann',
        children: '<rtc-file-share></rtc-file-share>',
      });
      await succeeds(el.page, 'open');
      await withDigest(el.page);
      const v3 = await pages.openLegacy({
        roomId,
        userId: 'v3',
        open: false,
        fileSharing: true,
        media: false,
      });
      await recordFileCallbacks(v3.page);
      await waitForPeers(el.page, ['v3']);
      await v3Connected(v3.page, 'el');

      for (const size of SIZES) {
        const maxChunks = Math.ceil(size / CHUNK);
        // Ours to 3.7.1: picked in <rtc-file-share>, sent in 3.7.1's format.
        const out = `el-to-v3-${size}.bin`;
        const bytes = randomBytes(size);
        await shareInput(el.page).setInputFiles({
          name: out,
          mimeType: 'application/x-test',
          buffer: bytes,
        });
        await v3Ended(v3.page, out);
        assert.equal(await v3Digest(v3.page, out), sha256(bytes), `${out}: the bytes`);
        assertV3Calls(await calls(v3.page, out), size, 'receiver');
        const receivedBy = await calls(v3.page, out);
        assert.ok(receivedBy.every((c) => c.userid === 'el' && c.remoteUserId === 'v3'));
        assert.equal((await waitForRow(el.page, out, 'done', 60_000)).figures, 'Sent');
        const sent = await waitForEvent(el.page, 'rtc-file-end', { name: out });
        const fileId = sent.detail['fileId'] as string;
        assert.equal(sent.detail['direction'], 'send');
        assert.deepEqual(await progressPositions(el.page, fileId), range(0, maxChunks + 1));
        const lastSent = (await events(el.page, 'rtc-file-progress', { fileId })).at(-1)!;
        assert.equal(lastSent.detail['bytes'], size);

        // 3.7.1 to ours: connection.send(file); nothing asked, shown with progress, downloadable.
        const back = `v3-to-el-${size}.bin`;
        const digest = await v3Send(v3.page, back, size);
        const done = await waitForRow(el.page, back, 'done', 60_000);
        assert.equal(done.figures, 'Received');
        const fetched = await el.page.evaluate(
          async (href) =>
            (window as unknown as DigestWindow).sha256(await (await fetch(href)).blob()),
          done.download!.href,
        );
        assert.equal(fetched, digest, `${back}: the bytes`);
        const end = await waitForEvent(el.page, 'rtc-file-end', { name: back });
        assert.equal(end.detail['direction'], 'receive');
        assert.equal(end.detail['userId'], 'v3');
        assert.equal(end.detail['file'], `blob:${size}`);
        const id = end.detail['fileId'] as string;
        assert.equal(
          await events(el.page, 'rtc-file-offer', { fileId: id }).then((e) => e.length),
          1,
        );
        assert.deepEqual(await progressPositions(el.page, id), range(1, maxChunks));
        await v3Ended(v3.page, back, 'el');
        assertV3Calls(await calls(v3.page, back), size, 'sender');
      }
      assert.deepEqual(await events(el.page, 'rtc-error'), []);
    });

    it('<rtc-file-share ask-before-receive>: a 3.7.1 sender waits at its start record until Accept', async () => {
      const roomId = 'legacy-files-consent';
      const el = await pages.open({
        roomId,
        userId: 'ask',
        children: '<rtc-file-share ask-before-receive></rtc-file-share>',
      });
      await succeeds(el.page, 'open');
      await withDigest(el.page);
      const v3 = await pages.openLegacy({
        roomId,
        userId: 'v3',
        open: false,
        fileSharing: true,
        media: false,
      });
      await recordFileCallbacks(v3.page);
      await waitForPeers(el.page, ['v3']);
      await v3Connected(v3.page, 'ask');

      const name = 'asked.bin';
      const digest = await v3Send(v3.page, name, 100_000);
      await waitForRow(el.page, name, 'offered', 60_000);
      // Nothing but the start record has gone: 3.7.1 sent position 0 and waits for its ack.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(
        (await calls(v3.page, name)).map((c) => [c.callback, c.currentPosition]),
        [
          ['onFileStart', 0],
          ['onFileProgress', 0],
        ],
      );
      assert.equal((await events(el.page, 'rtc-file-progress')).length, 0);
      await el.page.locator('rtc-file-share').getByRole('button', { name: 'Accept' }).click();
      const done = await waitForRow(el.page, name, 'done', 60_000);
      const fetched = await el.page.evaluate(
        async (href) =>
          (window as unknown as DigestWindow).sha256(await (await fetch(href)).blob()),
        done.download!.href,
      );
      assert.equal(fetched, digest);
      await v3Ended(v3.page, name, 'ask');
      assertV3Calls(await calls(v3.page, name), 100_000, 'sender');
    });

    it('a page on dist/rtcmulticonnection.js and a 3.7.1 page: both ways, each with its v3 callbacks', async () => {
      const roomId = 'legacy-files-compat';
      const ours = await pages.openLegacy({
        roomId,
        userId: 'ours',
        open: true,
        script: 'rtc-elements',
        fileSharing: true,
        media: false,
      });
      await recordFileCallbacks(ours.page);
      await ours.page.evaluate(() => (window as unknown as V3Window).ready);
      const v3 = await pages.openLegacy({
        roomId,
        userId: 'v3',
        open: false,
        fileSharing: true,
        media: false,
      });
      await recordFileCallbacks(v3.page);
      await v3Connected(v3.page, 'ours');
      await v3Connected(ours.page, 'v3');

      for (const size of SIZES) {
        const out = `ours-to-v3-${size}.bin`;
        const sent = await v3Send(ours.page, out, size);
        await v3Ended(v3.page, out);
        assert.equal(await v3Digest(v3.page, out), sent, `${out}: the bytes`);
        assertV3Calls(await calls(v3.page, out), size, 'receiver');
        await v3Ended(ours.page, out, 'v3');
        assertV3Calls(await calls(ours.page, out), size, 'sender');

        const back = `v3-to-ours-${size}.bin`;
        const digest = await v3Send(v3.page, back, size);
        await v3Ended(ours.page, back);
        assert.equal(await v3Digest(ours.page, back), digest, `${back}: the bytes`);
        assertV3Calls(await calls(ours.page, back), size, 'receiver');
        await v3Ended(v3.page, back, 'ours');
        assertV3Calls(await calls(v3.page, back), size, 'sender');
        const ends = (await calls(ours.page, back)).filter((c) => c.callback === 'onFileEnd');
        assert.deepEqual(
          ends.map((c) => [c.userid, c.remoteUserId]),
          [['v3', 'ours']],
        );
      }
    });

    it('one send in a mixed room: the 3.7.1 page gets it in its format, the rtc-elements page in ours', async () => {
      const roomId = 'legacy-files-mixed';
      const a = await pages.open({ roomId, userId: 'mix-a' });
      await succeeds(a.page, 'open');
      const v3 = await pages.openLegacy({
        roomId,
        userId: 'mix-v3',
        open: false,
        fileSharing: true,
        media: false,
      });
      await recordFileCallbacks(v3.page);
      const b = await pages.open({ roomId, userId: 'mix-b' });
      await succeeds(b.page, 'join');
      await waitForPeers(a.page, ['mix-b', 'mix-v3']);
      await v3Connected(v3.page, 'mix-a');

      const size = 1024 * 1024 + 7;
      const name = 'to-everyone.bin';
      await withDigest(a.page);
      await withDigest(b.page);
      const { fileId, digest } = await a.page.evaluate(
        async ({ name, size }) => {
          const data = new Uint8Array(size);
          for (let at = 0; at < size; at += 65_536)
            crypto.getRandomValues(data.subarray(at, Math.min(size, at + 65_536)));
          const file = new File([data], name, { type: 'application/x-test' });
          const fileId = (await document.querySelector('rtc-room')!.send(file)) as string;
          return { fileId, digest: await (window as unknown as DigestWindow).sha256(file) };
        },
        { name, size },
      );
      await Promise.all([v3Ended(v3.page, name), waitForEvent(b.page, 'rtc-file-end', { fileId })]);
      assert.equal(await v3Digest(v3.page, name), digest);
      assertV3Calls(await calls(v3.page, name), size, 'receiver');
      const onB = await b.page.evaluate(
        (fileId) =>
          (window as unknown as DigestWindow).sha256(
            (window as unknown as { files: Record<string, File> }).files[fileId]!,
          ),
        fileId,
      );
      assert.equal(onB, digest);
      // One file id, two transfers: to the rtc-elements page in our protocol (no v3 positions),
      // to the 3.7.1 page in its records.
      const starts = await events(a.page, 'rtc-file-start', { fileId });
      assert.deepEqual(
        starts.map((e) => [e.detail['userId'], e.detail['legacy'] !== undefined]).sort(),
        [
          ['mix-b', false],
          ['mix-v3', true],
        ],
      );
      const ends = await events(a.page, 'rtc-file-end', { fileId });
      assert.deepEqual(ends.map((e) => e.detail['userId']).sort(), ['mix-b', 'mix-v3']);
      const progressOnB = await events(b.page, 'rtc-file-progress', { fileId });
      assert.ok(progressOnB.length > 0 && progressOnB.every((e) => !('legacy' in e.detail)));
    });
  },
);
