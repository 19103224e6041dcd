import { encodeChunk, HEADER_BYTES, type Control } from './frames.js';
import { SLICE_BYTES, toHex, type Source } from './source.js';

/**
 * Pause sending above this many buffered bytes, resume below the low mark: deep enough to ride out
 * a slice read or a collection, half of Chromium's 16 MiB send-buffer limit.
 */
export const HIGH_WATER = 8 << 20;
export const LOW_WATER = 2 << 20;
/** Largest payload per message (the rest of `maxMessageSize` is header). */
const MAX_CHUNK = 256 << 10;
const MIN_CHUNK = 16 << 10;

/**
 * Payload bytes per chunk for a connection: as large as `pc.sctp.maxMessageSize` allows (up to
 * 256 KiB), evened out so that each slice is cut into equal chunks (a 1 MiB slice into five of
 * ~205 KiB under Chromium's 256 KiB limit, not four and a crumb).
 */
export function chunkBytes(pc: RTCPeerConnection): number {
  const max = pc.sctp?.maxMessageSize;
  const limit = max && Number.isFinite(max) ? max : MAX_CHUNK + HEADER_BYTES;
  const largest = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, limit - HEADER_BYTES));
  return Math.ceil(SLICE_BYTES / Math.ceil(SLICE_BYTES / largest));
}

/** Waits until the channel's buffer has drained below the low mark (or the channel closed). */
function drained(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', done);
      resolve();
    };
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', done);
  });
}

export type SendState = 'waiting' | 'offered' | 'sending' | 'verifying' | 'done' | 'ended';

/**
 * One file to one user. `pump()` sends from an offset until the end, the channel closes, or the
 * transfer stops; reading the next slice overlaps sending the current one.
 */
export class Sending {
  readonly source: Source;
  readonly userId: string;
  state: SendState = 'waiting';
  /** Bytes handed to the channel. */
  sent = 0;
  started = false;
  #run = 0;

  constructor(source: Source, userId: string) {
    this.source = source;
    this.userId = userId;
  }

  get live(): boolean {
    return this.state !== 'done' && this.state !== 'ended';
  }

  offer(channel: RTCDataChannel, resume: boolean): void {
    const s = this.source;
    const offer: Control = {
      t: 'offer',
      id: s.id,
      name: s.name,
      size: s.size,
      mime: s.mime,
      modified: s.modified,
      ...(resume ? { resume: true } : {}),
    };
    channel.send(JSON.stringify(offer));
    this.state = 'offered';
  }

  /** Stops any running pump (a new one may start later, from the receiver's offset). */
  halt(): void {
    this.#run++;
  }

  /**
   * Sends `[offset, size)`, each slice followed by its SHA-256, then the file's digest; first the
   * digests of slices the receiver already holds whole but has no digest for (`hashes` of them
   * it has). Resolves true when everything went out on this channel, false when it was halted or
   * the channel closed first.
   */
  async pump(
    channel: RTCDataChannel,
    offset: number,
    hashes: number,
    chunk: number,
    progress: () => void,
  ): Promise<boolean> {
    const run = ++this.#run;
    const current = () => run === this.#run && channel.readyState === 'open';
    const source = this.source;
    const id = source.id;
    const sendHash = async (index: number) => {
      const sha256 = toHex(await source.digest(index));
      if (!current()) return false;
      channel.send(JSON.stringify({ t: 'hash', id, index, sha256 } satisfies Control));
      return true;
    };
    this.state = 'sending';
    this.sent = offset;
    channel.bufferedAmountLowThreshold = LOW_WATER;
    const first = Math.floor(offset / SLICE_BYTES);
    const frame = new Uint8Array(HEADER_BYTES + chunk);
    for (let index = hashes; index < Math.min(first, source.slices); index++) {
      if (!(await sendHash(index))) return false;
    }
    let index = first;
    for await (const slice of source.stream(first)) {
      // WebCrypto copies the slice now, so the stream may reuse its buffer afterwards.
      const digest = source.digest(index, slice);
      const base = index * SLICE_BYTES;
      for (let i = Math.max(0, offset - base); i < slice.byteLength; i += chunk) {
        if (channel.bufferedAmount > HIGH_WATER) await drained(channel);
        if (!current()) return false;
        const payload = slice.subarray(i, Math.min(i + chunk, slice.byteLength));
        channel.send(encodeChunk(frame, id, base + i, payload));
        this.sent = base + i + payload.byteLength;
      }
      await digest;
      if (!(await sendHash(index))) return false;
      index++;
      progress();
    }
    const sha256 = await source.root();
    if (!current()) return false;
    channel.send(JSON.stringify({ t: 'end', id, sha256 } satisfies Control));
    this.state = 'verifying';
    return true;
  }
}
