/* eslint-disable @typescript-eslint/no-non-null-assertion -- fixed-size typed arrays in the hot loop */
/**
 * Incremental SHA-256 (FIPS 180-4). WebCrypto only hashes a whole buffer at once, and the
 * streaming libraries cost more of the bundle budget than this; it is tested against
 * `node:crypto` on many sizes and chunkings (test/node/sha256.test.ts).
 */
const K = new Uint32Array(64);
{
  // The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
  let n = 0;
  for (let p = 2; n < 64; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) prime = false;
    if (prime) K[n++] = Math.floor((Math.cbrt(p) % 1) * 2 ** 32);
  }
}
const INIT = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

export class Sha256 {
  readonly #h = Uint32Array.from(INIT);
  readonly #w = new Uint32Array(64);
  readonly #block = new Uint8Array(64);
  #filled = 0;
  #length = 0;

  update(data: Uint8Array): this {
    this.#length += data.byteLength;
    let i = 0;
    if (this.#filled > 0) {
      const take = Math.min(64 - this.#filled, data.byteLength);
      this.#block.set(data.subarray(0, take), this.#filled);
      this.#filled += take;
      i = take;
      if (this.#filled < 64) return this;
      this.#compress(this.#block, 0);
      this.#filled = 0;
    }
    for (; i + 64 <= data.byteLength; i += 64) this.#compress(data, i);
    this.#block.set(data.subarray(i));
    this.#filled = data.byteLength - i;
    return this;
  }

  /** The digest as 64 lowercase hex digits (the hash can no longer be updated meaningfully). */
  hex(): string {
    const bits = this.#length * 8;
    const tail = new Uint8Array((this.#filled < 56 ? 64 : 128) - this.#filled);
    tail[0] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(tail.length - 4, bits >>> 0);
    const length = this.#length;
    this.update(tail);
    this.#length = length;
    return [...this.#h].map((x) => x.toString(16).padStart(8, '0')).join('');
  }

  #compress(data: Uint8Array, at: number): void {
    const w = this.#w;
    const h = this.#h;
    for (let t = 0; t < 16; t++, at += 4) {
      w[t] = (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]!;
      const b = w[t - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let f = h[5]!;
    let g = h[6]!;
    let k = h[7]!;
    for (let t = 0; t < 64; t++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0]! += a;
    h[1]! += b;
    h[2]! += c;
    h[3]! += d;
    h[4]! += e;
    h[5]! += f;
    h[6]! += g;
    h[7]! += k;
  }
}
