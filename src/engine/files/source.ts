/**
 * Files are read, sent and verified in slices of this size: memory stays bounded whatever the
 * file's size, and each slice is checked with the platform's own SHA-256 (WebCrypto, off the
 * main thread) as soon as it has arrived.
 */
export const SLICE_BYTES = 1 << 20;

/** SHA-256 with WebCrypto. */
export async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

export const toHex = (bytes: Uint8Array): string => {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
};

/** The file's digest: SHA-256 over its slices' SHA-256 digests, in order. */
export async function rootDigest(digests: readonly Uint8Array[]): Promise<string> {
  const all = new Uint8Array(digests.length * 32);
  digests.forEach((digest, i) => all.set(digest, i * 32));
  return toHex(await sha256(all));
}

/** What a {@link Sending} reads: a local file, or a file being relayed as it arrives. */
export interface Source {
  readonly id: string;
  readonly name: string;
  readonly mime: string;
  readonly modified: number;
  readonly size: number;
  readonly slices: number;
  /** Slices `first`, `first + 1`, ... in order (a buffer may be reused: use each before the next). */
  stream(first: number): AsyncGenerator<Uint8Array<ArrayBuffer>>;
  /** The SHA-256 of slice `index` (`bytes`: the slice, when the caller holds it). */
  digest(index: number, bytes?: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
  /** The file's digest ({@link rootDigest}). */
  root(): Promise<string>;
}

/** A file (or Blob) being sent: read slice by slice; each slice hashed once for every peer. */
export class FileSource implements Source {
  readonly id: string;
  readonly blob: Blob;
  readonly name: string;
  readonly mime: string;
  readonly modified: number;
  readonly #digests: Promise<Uint8Array>[] = [];

  constructor(id: string, blob: Blob) {
    this.id = id;
    this.blob = blob;
    const file = blob as Partial<File>;
    this.name = typeof file.name === 'string' && file.name ? file.name : 'file';
    this.mime = blob.type;
    this.modified = typeof file.lastModified === 'number' ? file.lastModified : Date.now();
  }

  get size(): number {
    return this.blob.size;
  }

  get slices(): number {
    return Math.ceil(this.size / SLICE_BYTES);
  }

  /** Reads slice `index`. */
  async slice(index: number): Promise<Uint8Array<ArrayBuffer>> {
    const from = index * SLICE_BYTES;
    return new Uint8Array(await this.blob.slice(from, from + SLICE_BYTES).arrayBuffer());
  }

  /**
   * Slices `first`, `first + 1`, ... in order, read as one stream (several times cheaper than one
   * read per slice). The buffer is reused: use each slice before asking for the next.
   */
  async *stream(first: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
    let index = first;
    const remaining = () => this.size - index * SLICE_BYTES;
    if (remaining() <= 0) return;
    const buffer = new Uint8Array(SLICE_BYTES);
    let slice = buffer.subarray(0, Math.min(SLICE_BYTES, remaining()));
    let filled = 0;
    const reader = this.blob
      .slice(first * SLICE_BYTES)
      .stream()
      .getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        for (let at = 0; at < value.byteLength;) {
          const take = Math.min(slice.byteLength - filled, value.byteLength - at);
          slice.set(value.subarray(at, at + take), filled);
          filled += take;
          at += take;
          if (filled < slice.byteLength) continue;
          yield slice;
          index++;
          if (remaining() <= 0) return;
          slice = buffer.subarray(0, Math.min(SLICE_BYTES, remaining()));
          filled = 0;
        }
      }
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }

  /** The SHA-256 of slice `index`, computed once (from `bytes` when the caller has read them). */
  digest(index: number, bytes?: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    this.#digests[index] ??= bytes ? sha256(bytes) : this.slice(index).then(sha256);
    return this.#digests[index];
  }

  /** The file's digest ({@link rootDigest}). */
  async root(): Promise<string> {
    const digests = await Promise.all(
      Array.from({ length: this.slices }, (_, index) => this.digest(index)),
    );
    return rootDigest(digests);
  }
}
