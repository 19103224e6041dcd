// RTCMultiConnection 3.x's file format (src/engine/files/legacy/), checked against the real
// FileBufferReader 2.0.8 that 3.7.1 pages load (node_modules/fbr, a dependency of
// rtcmulticonnection): its binarize packs and unpacks our bytes and we read its bytes, and our
// sender and receiver talk to a FileBufferReader driven as 3.7.1's data-channel handler drives it
// (dist/RTCMultiConnection.js:573-606), with no WebRTC in between (test/e2e/legacy-files.test.ts
// does it between real pages).
import { expect, waitUntil } from '@open-wc/testing';
import { ErrorCode, RtcError } from '../../src/engine/errors.js';
import type { FileEvents, FileOffer } from '../../src/engine/files/file-transfers.js';
import { pack, unpack, type Packable } from '../../src/engine/files/legacy/binarize.js';
import { LegacyFiles, type LegacyHost } from '../../src/engine/files/legacy/legacy-engine.js';
import {
  ack,
  chunkMissing,
  chunkRecord,
  endRecord,
  startRecord,
  type Outgoing,
} from '../../src/engine/files/legacy/records.js';

type Record = { [key: string]: unknown };

/** FileBufferReader's API, as 3.7.1 uses it. */
interface Fbr {
  readAsArrayBuffer(file: Blob, callback: (uuid: string) => void, extra: Record): void;
  getNextChunk(
    uuid: string | Record,
    callback: (buffer: ArrayBuffer) => void,
    userid?: string,
  ): void;
  addChunk(chunk: Record, callback: (buffer: ArrayBuffer) => void): void;
  chunkMissing(chunk: Record): void;
  convertToObject(buffer: ArrayBuffer, callback: (object: Record) => void): void;
  onBegin(file: Record): void;
  onProgress(chunk: Record): void;
  onEnd(file: Record): void;
}

interface FbrWindow {
  FileBufferReader: new () => Fbr;
  FileConverter: {
    ConvertToArrayBuffer(object: unknown, callback: (buffer: ArrayBuffer) => void): void;
    ConvertToObject(buffer: ArrayBuffer, callback: (object: unknown) => void): void;
  };
}

let loaded: Promise<FbrWindow> | undefined;

/** Loads FileBufferReader.js as 3.7.1 pages do (a classic script defining window globals). */
function fileBufferReader(): Promise<FbrWindow> {
  loaded ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/fbr/FileBufferReader.js';
    script.onload = () => resolve(window as unknown as FbrWindow);
    script.onerror = () => reject(new Error('FileBufferReader.js did not load'));
    document.head.append(script);
  });
  return loaded;
}

async function theirPack(value: unknown): Promise<Uint8Array> {
  const { FileConverter } = await fileBufferReader();
  return new Promise((resolve) =>
    FileConverter.ConvertToArrayBuffer(value, (buffer) => resolve(new Uint8Array(buffer))),
  );
}

async function theirUnpack(buffer: ArrayBuffer): Promise<unknown> {
  const { FileConverter } = await fileBufferReader();
  let out: unknown;
  FileConverter.ConvertToObject(buffer, (object) => (out = object));
  return out;
}

const bytes = (...values: number[]) => new Uint8Array(values).buffer;

const file: Outgoing = {
  uuid: '52795917457312766',
  maxChunks: 3,
  size: 100_001,
  name: 'résumé 📄.pdf',
  lastModifiedDate: 'Tue Mar 05 2024 10:00:00 GMT+0000 (Coordinated Universal Time)',
  type: 'application/pdf',
  userid: 'alice',
  extra: { userid: 'alice', chunkSize: 40_000 },
  remoteUserId: 'bob',
};

/** Values as FileBufferReader's messages hold them, and odd ones besides. */
const SAMPLES: [string, Packable][] = [
  ['start record', startRecord(file)],
  ['chunk record', chunkRecord(file, 2, bytes(0, 1, 2, 255, 128))],
  ['end record', endRecord(file)],
  ['ack', ack(file.uuid, 2)],
  ['chunkMissing', chunkMissing(file.uuid, 4)],
  [
    'odd values',
    {
      empty: '',
      surrogates: '\ud83d\ude00 \ud800 end',
      numbers: [0, -1.5, 2 ** 53, Number.MAX_VALUE, 1e-300],
      flags: [true, false],
      nothing: null,
      // (binarize never calls back for an empty array or object: none here.)
      nested: { deeper: { deepest: [['x'], { y: 1 }] } },
      buffer: new ArrayBuffer(0),
    },
  ],
];

describe('engine: RTCMultiConnection file format (FileBufferReader 2.0.8)', () => {
  it('packs every message byte for byte as FileBufferReader does', async () => {
    for (const [what, value] of SAMPLES) {
      expect(new Uint8Array(pack(value)), what).to.deep.equal(await theirPack(value));
    }
  });

  it('reads what FileBufferReader packs, and FileBufferReader reads what we pack', async () => {
    for (const [what, value] of SAMPLES) {
      const theirs = await theirPack(value);
      expect(unpack(theirs.buffer as ArrayBuffer), what).to.deep.equal(value);
      expect(await theirUnpack(pack(value)), what).to.deep.equal(value);
    }
    // undefined travels as binarize's type 1 and comes back as null (as in binarize).
    const theirs = await theirPack({ a: undefined });
    expect(unpack(theirs.buffer as ArrayBuffer)).to.deep.equal({ a: null });
  });

  it('refuses bytes that do not add up, and never builds a prototype from a key', () => {
    const good = new Uint8Array(pack({ uuid: 'x', currentPosition: 1 }));
    const malformed: [string, ArrayBuffer][] = [
      ['empty', new ArrayBuffer(0)],
      ['cut short', good.slice(0, -1).buffer],
      ['a byte after the value', new Uint8Array([...good, 0]).buffer],
      // An object claiming one byte more than its keys and values take.
      ['object length', bytes(6, 0, 0, 0, 0, 0, 1, 0)],
      // An object claiming two keys with the bytes of one.
      ['key count', new Uint8Array([6, 0, 3, ...good.slice(3)]).buffer],
      ['odd string', bytes(2, 0, 0, 0, 1, 65)],
      ['string past the end', bytes(2, 0, 0, 0, 4, 0, 65)],
      ['bad number', bytes(3, 0, 0, 0, 4, 0, 0, 0, 0)],
      ['a Blob (not read)', bytes(16, 0, 0, 0, 0)],
      ['an unknown type', bytes(99, 0, 0, 0, 0)],
      ['a number as a key', new Uint8Array(pack([1, 2])).fill(6, 0, 1).buffer],
    ];
    for (const [what, data] of malformed) expect(() => unpack(data), what).to.throw(RangeError);
    let deep: Packable = 'bottom';
    for (let i = 0; i < 12; i++) deep = [deep];
    expect(() => unpack(pack(deep)), 'nested too deep').to.throw(RangeError);

    const sneaky = unpack(pack({ ['__proto__']: { polluted: true } })) as Record;
    expect(Object.getPrototypeOf(sneaky)).to.equal(Object.prototype);
    expect(Object.keys(sneaky)).to.deep.equal(['__proto__']);
  });
});

interface Seen {
  events: { type: keyof FileEvents; detail: Record }[];
  sent: Record[];
}

/**
 * LegacyFiles with a host that records what it emits and sends (`deliver` gets the bytes;
 * `onOffer` may answer offers).
 */
function ours(
  deliver: (data: ArrayBuffer) => void = () => undefined,
  onOffer?: (offer: FileOffer) => void,
): { files: LegacyFiles; seen: Seen } {
  const seen: Seen = { events: [], sent: [] };
  const host: LegacyHost = {
    emit: (type, detail) => {
      seen.events.push({ type, detail: detail as unknown as Record });
      if (type === 'file-offer') onOffer?.(detail as FileOffer);
    },
    error: (code, message, transfer) => new RtcError(code, message, { transfer }),
    send: (_userId, data) => {
      seen.sent.push(unpack(data) as Record);
      setTimeout(() => deliver(data));
      return Promise.resolve();
    },
    userId: () => 'ours',
  };
  return { files: new LegacyFiles(host), seen };
}

/**
 * A 3.7.1 page's side: a real FileBufferReader, fed binary messages as 3.7.1's
 * onDataChannelMessage feeds it (acks to getNextChunk, chunkMissing to chunkMissing, records to
 * addChunk whose answer goes back on the channel).
 */
async function theirPage(userid: string, send: (data: ArrayBuffer) => void) {
  const { FileBufferReader } = await fileBufferReader();
  const fbr = new FileBufferReader();
  const seen = { begin: [] as Record[], progress: [] as Record[], end: [] as Record[] };
  fbr.onBegin = (f) => seen.begin.push(f);
  fbr.onProgress = (c) => seen.progress.push(c);
  fbr.onEnd = (f) => seen.end.push(f);
  const toUs = (data: ArrayBuffer) => setTimeout(() => send(data));
  return {
    seen,
    receive(data: ArrayBuffer, from: string) {
      fbr.convertToObject(data, (message) => {
        if (message['readyForNextChunk']) fbr.getNextChunk(message, toUs, from);
        else if (message['chunkMissing']) fbr.chunkMissing(message);
        else fbr.addChunk(message, toUs);
      });
    },
    share(blob: Blob, to: string, chunkSize = 40_000) {
      fbr.readAsArrayBuffer(blob, (uuid) => fbr.getNextChunk(uuid, toUs, to), {
        userid,
        chunkSize,
      });
    },
  };
}

const randomFile = (size: number, name: string) => {
  const data = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536)
    crypto.getRandomValues(data.subarray(at, Math.min(size, at + 65_536)));
  return new File([data], name, { type: 'application/x-test' });
};

async function sameBytes(a: Blob, b: Blob): Promise<boolean> {
  const [x, y] = await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
  return (
    x.byteLength === y.byteLength && new Uint8Array(x).every((v, i) => v === new Uint8Array(y)[i])
  );
}

const positions = (seen: Seen, type: keyof FileEvents) =>
  seen.events
    .filter((e) => e.type === type)
    .map((e) => (e.detail['legacy'] as { currentPosition: number }).currentPosition);

describe('engine: LegacyFiles with a real FileBufferReader', () => {
  for (const size of [1, 40_000, 100_001]) {
    it(`sends ${size} bytes: one record per ack, v3 gets the file and its callbacks`, async () => {
      const blob = randomFile(size, `to-v3-${size}.bin`);
      const link: { files?: LegacyFiles } = {};
      const v3 = await theirPage('v3', (data) => link.files?.receive('v3', data));
      const side = ours((data) => v3.receive(data, 'ours'));
      link.files = side.files;
      side.files.send(blob, ['v3'], 'file-1');
      await waitUntil(() => v3.seen.end.length === 1, 'v3 got the end record', { timeout: 5000 });
      const maxChunks = Math.ceil(size / 40_000);
      const end = v3.seen.end[0] as Blob & Record;
      expect(await sameBytes(end, blob)).to.equal(true);
      expect(end).to.include({
        name: blob.name,
        uuid: 'file-1',
        userid: 'ours',
        remoteUserId: 'v3',
      });
      expect(end.type).to.equal('application/x-test');
      expect(v3.seen.begin.map((b) => b['maxChunks'])).to.deep.equal([maxChunks]);
      expect(v3.seen.progress.map((c) => c['currentPosition'])).to.deep.equal(
        Array.from({ length: maxChunks }, (_, i) => i + 1),
      );
      // Our side: start, progress per chunk record (bytes and positions), end after the end record.
      await waitUntil(() => side.seen.events.some((e) => e.type === 'file-end'));
      // (As v3's sender reports them: the start record once taken, each chunk, the end record.)
      expect(side.seen.events.map((e) => e.type)).to.deep.equal([
        'file-start',
        ...Array<string>(maxChunks + 2).fill('file-progress'),
        'file-end',
      ]);
      expect(positions(side.seen, 'file-progress')).to.deep.equal(
        Array.from({ length: maxChunks + 2 }, (_, i) => i),
      );
      const last = side.seen.events.at(-2)!.detail;
      expect(last).to.include({ bytes: size, direction: 'send', userId: 'v3', fileId: 'file-1' });
      // Stop and wait: every record but the first went out after the ack of the one before.
      expect(side.seen.sent.map((m) => m['currentPosition'])).to.deep.equal(
        Array.from({ length: maxChunks + 2 }, (_, i) => i),
      );
    });

    it(`receives ${size} bytes: acks each record, File with name and type, progress in v3's positions`, async () => {
      const blob = randomFile(size, `from-v3-${size}.bin`);
      const link: { v3?: Awaited<ReturnType<typeof theirPage>> } = {};
      const side = ours((data) => link.v3?.receive(data, 'ours'));
      const v3 = await theirPage('v3', (data) => side.files.receive('v3', data));
      link.v3 = v3;
      v3.share(blob, 'ours');
      await waitUntil(() => side.seen.events.some((e) => e.type === 'file-end'), 'file-end', {
        timeout: 5000,
      });
      const maxChunks = Math.ceil(size / 40_000);
      const types = side.seen.events.map((e) => e.type);
      expect(types).to.deep.equal([
        'file-offer',
        'file-start',
        ...Array<string>(maxChunks).fill('file-progress'),
        'file-end',
      ]);
      const end = side.seen.events.at(-1)!.detail as { file: File; url: string } & Record;
      expect(end).to.include({ direction: 'receive', userId: 'v3', name: blob.name, size });
      expect(end.file.name).to.equal(blob.name);
      expect(end.file.type).to.equal('application/x-test');
      expect(await sameBytes(end.file, blob)).to.equal(true);
      expect(await sameBytes(await (await fetch(end.url)).blob(), blob)).to.equal(true);
      expect(positions(side.seen, 'file-progress')).to.deep.equal(
        Array.from({ length: maxChunks }, (_, i) => i + 1),
      );
      expect(end['legacy']).to.deep.equal({ currentPosition: maxChunks + 1, maxChunks });
      expect(side.seen.sent).to.deep.equal(
        Array.from({ length: maxChunks + 1 }, (_, i) => ({
          readyForNextChunk: true,
          currentPosition: i,
          uuid: end['fileId'],
        })),
      );
      // v3's own sender callbacks ran to the end.
      expect(v3.seen.end).to.have.length(1);
    });
  }

  it('consent: nothing is acked before the answer; declined, the v3 sender waits at its start', async () => {
    let decide: (yes: boolean) => void = () => undefined;
    const answers = [true, false];
    const side = ours(undefined, (offer) =>
      offer.respondWith(new Promise<boolean>((resolve) => (decide = resolve))),
    );
    for (const [i, yes] of answers.entries()) {
      const uuid = `u${i}`;
      side.files.receive('v3', pack(startRecord({ ...file, uuid, remoteUserId: 'ours' })));
      await waitUntil(() => side.seen.events.filter((e) => e.type === 'file-offer').length > i);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(side.seen.sent.filter((m) => m['uuid'] === uuid)).to.deep.equal([]);
      decide(yes);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(side.seen.sent.filter((m) => m['uuid'] === uuid)).to.deep.equal(
        yes ? [{ readyForNextChunk: true, currentPosition: 0, uuid }] : [],
      );
    }
    // A chunk for the declined file is not taken.
    side.files.receive('v3', pack(chunkRecord({ ...file, uuid: 'u1' }, 1, bytes(1))));
    expect(side.seen.sent).to.have.length(1);
  });

  it('bounds and order: absurd announcements ignored; a chunk out of place, too many bytes or an early end is corrupt', async () => {
    const { files, seen } = ours();
    const start = (f: Partial<Outgoing>) =>
      files.receive('v3', pack(startRecord({ ...file, ...f })));
    const errors = () =>
      seen.events
        .filter((e) => e.type === 'error')
        .map((e) => [
          (e.detail as unknown as RtcError).code,
          (e.detail as unknown as RtcError).transfer?.fileId,
        ]);
    // Ignored: more chunks than bytes, chunks for an empty file, a size past the cap, no uuid.
    start({ uuid: 'a', size: 10, maxChunks: 11 });
    start({ uuid: 'b', size: 0, maxChunks: 1 });
    start({ uuid: 'c', size: 2 ** 40, maxChunks: 2 ** 25 });
    start({ uuid: '' });
    files.receive('v3', bytes(6, 0, 0, 0, 0, 0, 0));
    files.receive('v3', new ArrayBuffer(3));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen.events).to.deep.equal([]);

    start({ uuid: 'order', size: 10, maxChunks: 2 });
    start({ uuid: 'over', size: 10, maxChunks: 2 });
    start({ uuid: 'early', size: 10, maxChunks: 2 });
    await waitUntil(() => seen.sent.length === 3);
    const chunk = (uuid: string, position: number, n: number) =>
      files.receive('v3', pack(chunkRecord({ ...file, uuid }, position, new ArrayBuffer(n))));
    chunk('order', 2, 5);
    chunk('over', 1, 5);
    chunk('over', 2, 6);
    chunk('early', 1, 5);
    files.receive('v3', pack(endRecord({ ...file, uuid: 'early', maxChunks: 2 })));
    expect(errors()).to.deep.equal([
      [ErrorCode.TRANSFER_CORRUPT, 'order'],
      [ErrorCode.TRANSFER_CORRUPT, 'over'],
      [ErrorCode.TRANSFER_CORRUPT, 'early'],
    ]);
    // Only the one chunk that was in place was acked.
    expect(seen.sent.filter((m) => m['currentPosition'] === 1).map((m) => m['uuid'])).to.deep.equal(
      ['over', 'early'],
    );
    expect(seen.events.some((e) => e.type === 'file-end')).to.equal(false);
  });

  it('chunkMissing from a v3 sender cancels; acks: a repeat is ignored, an unknown file gets chunkMissing', async () => {
    const { files, seen } = ours();
    files.receive('v3', pack(startRecord({ ...file, uuid: 'gone', remoteUserId: 'ours' })));
    await waitUntil(() => seen.sent.length === 1);
    files.receive('v3', pack(chunkMissing('gone', 1)));
    const cancel = seen.events.find((e) => e.type === 'file-cancel');
    expect(cancel?.detail).to.include({ fileId: 'gone', by: 'remote', direction: 'receive' });

    seen.sent.length = 0;
    files.send(randomFile(100_000, 'x.bin'), ['v3'], 'mine');
    await waitUntil(() => seen.sent.length === 1);
    files.receive('v3', pack(ack('mine', 0)));
    files.receive('v3', pack(ack('mine', 0)));
    await waitUntil(() => seen.sent.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.sent.map((m) => m['currentPosition'])).to.deep.equal([0, 1]);
    files.receive('v3', pack(ack('unknown', 3)));
    await waitUntil(() => seen.sent.length === 3);
    expect(seen.sent[2]).to.deep.equal({ chunkMissing: true, currentPosition: 4, uuid: 'unknown' });

    // Cancelled here: the v3 receiver is told to forget it, as when a v3 sender lost a file.
    files.cancel('mine');
    await waitUntil(() => seen.sent.length === 4);
    expect(seen.sent[3]).to.deep.equal({ chunkMissing: true, currentPosition: 2, uuid: 'mine' });
    const info = seen.events.find((e) => e.type === 'file-cancel' && e.detail['fileId'] === 'mine');
    expect(info?.detail).to.include({ by: 'local', direction: 'send' });
  });
});
