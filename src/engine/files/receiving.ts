import type { Offer } from './frames.js';
import { Sha256 } from './sha256.js';

/** Received bytes are folded into a Blob every this many bytes (the browser may keep it on disk). */
const FOLD_BYTES = 16 << 20;

/** One file from one user: bytes in order, hashed as they arrive, assembled into a File. */
export class Receiving {
  readonly offer: Offer;
  readonly userId: string;
  /** Bytes received in order (what a resumed sender starts from). */
  received = 0;
  accepted = false;
  #digest = new Sha256();
  #blob: Blob = new Blob([]);
  #parts: Uint8Array<ArrayBuffer>[] = [];
  #pending = 0;

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
    this.#digest.update(fresh);
    this.#parts.push(fresh.slice());
    this.#pending += fresh.byteLength;
    this.received += fresh.byteLength;
    if (this.#pending >= FOLD_BYTES) this.#fold();
    return true;
  }

  get complete(): boolean {
    return this.received === this.offer.size;
  }

  /** Whether what arrived hashes to the sender's digest. */
  verify(sha256: string): boolean {
    return this.complete && this.#digest.hex() === sha256;
  }

  file(): File {
    this.#fold();
    return new File([this.#blob], this.offer.name, {
      type: this.offer.mime,
      lastModified: this.offer.modified,
    });
  }

  #fold(): void {
    if (this.#parts.length === 0) return;
    this.#blob = new Blob([this.#blob, ...this.#parts]);
    this.#parts = [];
    this.#pending = 0;
  }
}
