import type { Offer } from './frames.js';
import { rootDigest, sha256, SLICE_BYTES, toHex } from './source.js';

/** Verified bytes are folded into a Blob every this many bytes (the browser may keep it on disk). */
const FOLD_BYTES = 16 << 20;

/**
 * One file from one user: bytes in order; each slice checked against the sender's SHA-256 as
 * soon as its digest arrives; verified slices assembled into a File.
 */
export class Receiving {
  readonly offer: Offer;
  readonly userId: string;
  /** Bytes received in order (what a resumed sender starts from). */
  received = 0;
  /** Slice digests received (what a resumed sender need not send again). */
  hashes = 0;
  accepted = false;
  /** Told of every slice that checked out (a relay forwards it on at once). */
  onSlice:
    ((index: number, parts: Uint8Array<ArrayBuffer>[], digest: Uint8Array) => void) | undefined;
  /** Settles with false at the first slice that fails its check. */
  #checks: Promise<boolean> = Promise.resolve(true);
  readonly #digests: Uint8Array[] = [];
  /** Bytes of the slice being received, not checked yet. */
  #current: Uint8Array<ArrayBuffer>[] = [];
  #blob: Blob = new Blob([]);
  #verified: Uint8Array<ArrayBuffer>[] = [];
  #unfolded = 0;

  constructor(offer: Offer, userId: string) {
    this.offer = offer;
    this.userId = userId;
  }

  /** Takes a chunk at `offset`; bytes already held (a resend after resume) are skipped. */
  add(offset: number, payload: Uint8Array): boolean {
    if (offset > this.received) return false;
    const fresh = payload.subarray(this.received - offset);
    if (fresh.byteLength === 0) return true;
    if (this.received + fresh.byteLength > this.offer.size) return false;
    // A view on the message's own buffer: no copy until the slice is checked.
    this.#current.push(fresh as Uint8Array<ArrayBuffer>);
    this.received += fresh.byteLength;
    return true;
  }

  /** The sender's digest of slice `index`: everything received since the last one must match. */
  hash(index: number, expected: string): void {
    const parts = this.#current;
    this.#current = [];
    this.hashes++;
    const length = Math.min(SLICE_BYTES, this.offer.size - index * SLICE_BYTES);
    const held = parts.reduce((sum, p) => sum + p.byteLength, 0);
    const inPlace = index === this.hashes - 1 && held === length;
    this.#checks = this.#checks.then(async (ok) => {
      if (!ok || !inPlace) return false;
      // WebCrypto copies its input when called, so one scratch buffer serves every slice; the
      // parts themselves (views on the received messages) are what the file keeps.
      const digest = await sha256(concat(parts, length));
      if (toHex(digest) !== expected) return false;
      this.#digests.push(digest);
      this.onSlice?.(index, parts, digest);
      for (const part of parts) this.#keep(part);
      return true;
    });
  }

  /** Whether every slice checked out and the digest list matches the sender's. */
  async verify(root: string): Promise<boolean> {
    if (this.received !== this.offer.size || this.#current.length > 0) return false;
    if (!(await this.#checks)) return false;
    return (await rootDigest(this.#digests)) === root;
  }

  file(): File {
    this.#fold();
    return new File([this.#blob], this.offer.name, {
      type: this.offer.mime,
      lastModified: this.offer.modified,
    });
  }

  #keep(bytes: Uint8Array<ArrayBuffer>): void {
    this.#verified.push(bytes);
    this.#unfolded += bytes.byteLength;
    if (this.#unfolded >= FOLD_BYTES) this.#fold();
  }

  #fold(): void {
    if (this.#verified.length === 0) return;
    this.#blob = new Blob([this.#blob, ...this.#verified]);
    this.#verified = [];
    this.#unfolded = 0;
  }
}

let scratch = new Uint8Array(0);

function concat(
  parts: readonly Uint8Array<ArrayBuffer>[],
  length: number,
): Uint8Array<ArrayBuffer> {
  if (parts.length === 1 && parts[0]?.byteLength === length) return parts[0];
  if (scratch.byteLength < length) scratch = new Uint8Array(SLICE_BYTES);
  const out = scratch.subarray(0, length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
