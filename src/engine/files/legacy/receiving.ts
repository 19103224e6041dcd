import type { Announced } from './records.js';

/** Received bytes are folded into a Blob every this many bytes (the browser may keep it on disk). */
const FOLD_BYTES = 16 << 20;

/**
 * One file from one RTCMultiConnection page: chunk records taken strictly in order (position
 * `next`), never more bytes than announced, assembled into a File at the end record.
 */
export class LegacyReceiving {
  readonly file: Announced;
  readonly userId: string;
  accepted = false;
  /** The position the next chunk record must have. */
  next = 1;
  /** Bytes received. */
  received = 0;
  #blob: Blob = new Blob([]);
  #parts: ArrayBuffer[] = [];
  #unfolded = 0;

  constructor(file: Announced, userId: string) {
    this.file = file;
    this.userId = userId;
  }

  /** Takes chunk record `position`; false when it is out of place or past the announced size. */
  add(position: number, buffer: ArrayBuffer): boolean {
    const size = buffer.byteLength;
    if (position !== this.next || position > this.file.maxChunks) return false;
    if (size === 0 || this.received + size > this.file.size) return false;
    this.next++;
    this.received += size;
    this.#parts.push(buffer);
    this.#unfolded += size;
    if (this.#unfolded >= FOLD_BYTES) this.#fold();
    return true;
  }

  /** Whether the end record (at `position`) closes a complete file. */
  complete(position: number): boolean {
    const { maxChunks, size } = this.file;
    return position === maxChunks + 1 && this.next === maxChunks + 1 && this.received === size;
  }

  result(): File {
    this.#fold();
    const { name, type, modified } = this.file;
    return new File([this.#blob], name, { type, lastModified: modified });
  }

  #fold(): void {
    if (this.#parts.length === 0) return;
    this.#blob = new Blob([this.#blob, ...this.#parts]);
    this.#parts = [];
    this.#unfolded = 0;
  }
}
