import { Sha256 } from './sha256.js';

/** Bytes read from a Blob at a time: bounded memory whatever the file's size. */
export const SLICE_BYTES = 1 << 20;

/** A file (or Blob) being sent: read in slices, hashed once however many peers get it. */
export class FileSource {
  readonly id: string;
  readonly blob: Blob;
  readonly name: string;
  readonly mime: string;
  readonly modified: number;
  #digest: Promise<string> | undefined;

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

  /** Reads `[from, from + SLICE_BYTES)`. */
  async slice(from: number): Promise<Uint8Array> {
    return new Uint8Array(await this.blob.slice(from, from + SLICE_BYTES).arrayBuffer());
  }

  /** The SHA-256 of the whole file (hex), computed once, reading slice by slice. */
  digest(): Promise<string> {
    this.#digest ??= (async () => {
      const digest = new Sha256();
      for (let at = 0; at < this.size; at += SLICE_BYTES) digest.update(await this.slice(at));
      return digest.hex();
    })();
    return this.#digest;
  }
}
