import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Sha256 } from '../../src/engine/files/sha256.js';

describe('Sha256 (incremental)', () => {
  it('matches node:crypto for every size around the block boundaries, fed in any chunking', () => {
    const sizes = [
      0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_536, 1_000_003,
    ];
    for (const size of sizes) {
      const data = randomBytes(size);
      const expected = createHash('sha256').update(data).digest('hex');
      assert.equal(new Sha256().update(data).hex(), expected, `${size} bytes at once`);
      for (const step of [1, 7, 64, 100, 4096]) {
        if (step === 1 && size > 5000) continue;
        const hash = new Sha256();
        for (let i = 0; i < size; i += step) hash.update(data.subarray(i, i + step));
        assert.equal(hash.hex(), expected, `${size} bytes in ${step}-byte pieces`);
      }
    }
  });

  it('gives the FIPS 180-4 test vectors', () => {
    const text = (s: string) => new Sha256().update(new TextEncoder().encode(s)).hex();
    assert.equal(text('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
});
