// RelaySource: a relay of a scalable broadcast reads each slice of a file as soon as it has arrived
// and checked out upstream, in order, with the upstream digests; a failure upstream fails readers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelaySource } from '../../src/engine/files/relay-source.js';
import { SLICE_BYTES, rootDigest, sha256 } from '../../src/engine/files/source.js';

const offer = (size: number) => ({
  t: 'offer' as const,
  id: 'f'.repeat(32),
  name: 'clip.bin',
  size,
  mime: 'application/octet-stream',
  modified: 1,
});

describe('RelaySource', () => {
  it('yields slices in order as they arrive, with their digests and the root', async () => {
    const size = 2 * SLICE_BYTES + 10;
    const bytes = new Uint8Array(size).map((_, i) => i % 251);
    const slices = [0, 1, 2].map((i) => bytes.slice(i * SLICE_BYTES, (i + 1) * SLICE_BYTES));
    const digests = await Promise.all(slices.map((s) => sha256(s)));
    const source = new RelaySource(offer(size));
    assert.equal(source.slices, 3);
    const read: number[] = [];
    const reading = (async () => {
      const out: Uint8Array[] = [];
      for await (const slice of source.stream(0)) {
        read.push(slice.byteLength);
        out.push(slice.slice());
      }
      return out;
    })();
    // Nothing before the first slice arrives; then each as it comes (in two parts, say).
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(read, []);
    source.push(0, [slices[0]!.subarray(0, 100), slices[0]!.subarray(100)], digests[0]!);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(read, [SLICE_BYTES]);
    source.push(1, [slices[1]!], digests[1]!);
    source.push(2, [slices[2]!], digests[2]!);
    const root = await rootDigest(digests);
    source.finish(root);
    const out = await reading;
    assert.deepEqual(Buffer.concat(out), Buffer.from(bytes));
    assert.deepEqual(await source.digest(1), digests[1]);
    assert.equal(await source.root(), root);
    // A resumed reader starts at a later slice.
    const later: number[] = [];
    for await (const slice of source.stream(2)) later.push(slice.byteLength);
    assert.deepEqual(later, [10]);
  });

  it('fails every reader when upstream fails', async () => {
    const source = new RelaySource(offer(SLICE_BYTES * 2));
    source.push(0, [new Uint8Array(SLICE_BYTES)], new Uint8Array(32));
    const reading = (async () => {
      let n = 0;
      for await (const slice of source.stream(0)) n += slice.byteLength > 0 ? 1 : 0;
      return n;
    })();
    const root = source.root();
    source.fail(new Error('upstream ended'));
    await assert.rejects(reading, /upstream ended/);
    await assert.rejects(root, /upstream ended/);
    await assert.rejects(source.digest(1), /upstream ended/);
    // What had arrived stays readable.
    assert.equal((await source.digest(0)).byteLength, 32);
  });
});
