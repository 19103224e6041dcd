import type { Packable } from './binarize.js';
import { chunkRecord, endRecord, startRecord, type Outgoing } from './records.js';

/** v3's default `connection.chunkSize`. */
export const DEFAULT_CHUNK = 40_000;
const MIN_CHUNK = 1000;
/** Below Chromium's 256 KiB message limit with room for the record's other fields. */
const MAX_CHUNK = 200_000;

export const chunkSizeOf = (wanted: number | undefined): number =>
  wanted !== undefined && Number.isFinite(wanted)
    ? Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(wanted)))
    : DEFAULT_CHUNK;

/**
 * One file to one RTCMultiConnection page, stop-and-wait: the record at `awaiting` is out, and
 * the next one goes when the receiver acks it. Bytes are read from the file one chunk at a time.
 */
export class LegacySending {
  readonly blob: Blob;
  readonly fields: Outgoing;
  readonly chunkSize: number;
  /** The position sent last, whose ack we wait for. */
  awaiting = 0;
  live = true;

  constructor(blob: Blob, fields: Omit<Outgoing, 'maxChunks' | 'extra'>, chunkSize: number) {
    this.blob = blob;
    this.chunkSize = chunkSize;
    this.fields = {
      ...fields,
      maxChunks: Math.ceil(fields.size / chunkSize),
      extra: { userid: fields.userid, chunkSize },
    };
  }

  get userId(): string {
    return this.fields.remoteUserId;
  }

  /** Bytes up to the end of chunk `position`. */
  bytesThrough(position: number): number {
    return Math.min(this.fields.size, position * this.chunkSize);
  }

  start(): Packable {
    return startRecord(this.fields);
  }

  /** The record after `awaiting` (a chunk, or the end record after the last chunk). */
  async next(): Promise<Packable> {
    const position = ++this.awaiting;
    if (position > this.fields.maxChunks) return endRecord(this.fields);
    const from = this.bytesThrough(position - 1);
    const bytes = await this.blob.slice(from, this.bytesThrough(position)).arrayBuffer();
    return chunkRecord(this.fields, position, bytes);
  }
}
