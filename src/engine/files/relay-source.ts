import type { Offer } from './frames.js';
import { SLICE_BYTES, type Source } from './source.js';

/**
 * A file a relay of a scalable broadcast forwards while it is still arriving: each slice becomes
 * readable as soon as it has been received from upstream and checked against the sender's
 * SHA-256, and carries that same digest on, so every viewer checks the broadcaster's digests.
 */
export class RelaySource implements Source {
  readonly id: string;
  readonly name: string;
  readonly mime: string;
  readonly modified: number;
  readonly size: number;
  /** Checked slices (kept as Blobs, which the browser may page out) and their digests. */
  readonly #slices: Blob[] = [];
  readonly #digests: Uint8Array[] = [];
  #root: string | undefined;
  #failure: Error | undefined;
  #wake: (() => void)[] = [];

  constructor(offer: Offer) {
    this.id = offer.id;
    this.name = offer.name;
    this.mime = offer.mime;
    this.modified = offer.modified;
    this.size = offer.size;
  }

  get slices(): number {
    return Math.ceil(this.size / SLICE_BYTES);
  }

  /** Slice `index` arrived and checked out. */
  push(index: number, parts: Uint8Array<ArrayBuffer>[], digest: Uint8Array): void {
    this.#slices[index] = new Blob(parts);
    this.#digests[index] = digest;
    this.#notify();
  }

  /** Upstream finished and the whole file checked out against this digest. */
  finish(root: string): void {
    this.#root = root;
    this.#notify();
  }

  /** Upstream failed (cancelled, corrupt, gone): every reader fails. */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#notify();
  }

  async *stream(first: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
    for (let index = first; index < this.slices; index++) {
      const slice = await this.#until(() => this.#slices[index]);
      yield new Uint8Array(await slice.arrayBuffer());
    }
  }

  digest(index: number): Promise<Uint8Array> {
    return this.#until(() => this.#digests[index]);
  }

  root(): Promise<string> {
    return this.#until(() => this.#root);
  }

  async #until<T>(ready: () => T | undefined): Promise<T> {
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}
