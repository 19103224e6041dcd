import { encodeChunk, HEADER_BYTES, type Control } from './frames.js';
import type { FileSource } from './source.js';

/** Pause sending above this many buffered bytes; resume below the low mark (Chromium: 16 MiB max). */
export const HIGH_WATER = 4 << 20;
export const LOW_WATER = 1 << 20;
/** Largest payload per message (the rest of `maxMessageSize` is header). */
const MAX_CHUNK = 256 << 10;
const MIN_CHUNK = 16 << 10;

/** Payload bytes per chunk for a connection: from `pc.sctp.maxMessageSize`, 64-256 KiB where allowed. */
export function chunkBytes(pc: RTCPeerConnection): number {
  const max = pc.sctp?.maxMessageSize;
  const limit = max && Number.isFinite(max) ? max : MAX_CHUNK + HEADER_BYTES;
  return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, limit - HEADER_BYTES));
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
  readonly source: FileSource;
  readonly userId: string;
  state: SendState = 'waiting';
  /** Bytes handed to the channel. */
  sent = 0;
  started = false;
  #run = 0;

  constructor(source: FileSource, userId: string) {
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
   * Sends `[offset, size)` then the digest. Resolves true when everything (digest included) went
   * out on this channel, false when it was halted or the channel closed first.
   */
  async pump(
    channel: RTCDataChannel,
    offset: number,
    chunk: number,
    progress: () => void,
  ): Promise<boolean> {
    const run = ++this.#run;
    const current = () => run === this.#run && channel.readyState === 'open';
    this.state = 'sending';
    this.sent = offset;
    channel.bufferedAmountLowThreshold = LOW_WATER;
    const size = this.source.size;
    let next = this.source.slice(offset);
    for (let at = offset; at < size;) {
      const slice = await next;
      const end = at + slice.byteLength;
      // Read the next slice while this one goes out.
      next = end < size ? this.source.slice(end) : Promise.resolve(new Uint8Array(0));
      for (let i = 0; i < slice.byteLength; i += chunk) {
        if (channel.bufferedAmount > HIGH_WATER) await drained(channel);
        if (!current()) return false;
        const payload = slice.subarray(i, Math.min(i + chunk, slice.byteLength));
        channel.send(encodeChunk(this.source.id, at + i, payload) as Uint8Array<ArrayBuffer>);
        this.sent = at + i + payload.byteLength;
      }
      at = end;
      progress();
    }
    const sha256 = await this.source.digest();
    if (!current()) return false;
    channel.send(JSON.stringify({ t: 'end', id: this.source.id, sha256 } satisfies Control));
    this.state = 'verifying';
    return true;
  }
}
