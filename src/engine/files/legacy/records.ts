/**
 * RTCMultiConnection 3.x's file messages (FileBufferReader 2.x's records and acks), as we read
 * and write them: docs/protocol.md §10.2. Each goes packed with binarize (./binarize.ts) on the
 * `sctp` channel. A file to one user is a start record (position 0), chunk records 1..maxChunks and
 * an end record (maxChunks + 1); the receiver acks every record but the end, and the sender sends
 * the next record on that ack. A sender asked for a position it does not have answers
 * `chunkMissing`, and the receiver then forgets the file.
 */
import type { Packable } from './binarize.js';

/** Largest file we take from a v3 page (its sender holds the whole file in memory). */
export const MAX_SIZE = 2 ** 36;
const MAX_UUID = 128;
const MAX_NAME = 1024;
const MAX_TYPE = 256;

/** What a start record announces. */
export interface Announced {
  uuid: string;
  name: string;
  size: number;
  type: string;
  maxChunks: number;
  modified: number;
}

export type Incoming =
  | ({ kind: 'start' } & Announced)
  | { kind: 'chunk'; uuid: string; position: number; buffer: ArrayBuffer }
  | { kind: 'end'; uuid: string; position: number }
  | { kind: 'ack'; uuid: string; position: number }
  | { kind: 'missing'; uuid: string; position: number };

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const text = (v: unknown, max: number, fallback: string) =>
  typeof v === 'string' && v.length <= max ? v : fallback;

/** Reads an unpacked message; undefined for anything that is not a well-formed one. */
export function readRecord(value: unknown): Incoming | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  // v3 keys files by `uuid` as an object key: a number is the same key as its text.
  const uuid = typeof r['uuid'] === 'number' ? String(r['uuid']) : r['uuid'];
  const position = r['currentPosition'];
  if (typeof uuid !== 'string' || !uuid || uuid.length > MAX_UUID || !isCount(position)) return;
  if (r['readyForNextChunk'] === true) return { kind: 'ack', uuid, position };
  if (r['chunkMissing'] === true) return { kind: 'missing', uuid, position };
  if (r['end'] === true) return { kind: 'end', uuid, position };
  if (r['start'] === true) {
    const { size, maxChunks } = r;
    if (!isCount(size) || size > MAX_SIZE || !isCount(maxChunks) || maxChunks > size) return;
    // Every chunk carries at least one byte: an empty file has none, any other at least one.
    if ((size === 0) !== (maxChunks === 0)) return;
    const date = Date.parse(text(r['lastModifiedDate'], MAX_NAME, ''));
    return {
      kind: 'start',
      uuid,
      name: text(r['name'], MAX_NAME, '') || 'file',
      size,
      type: text(r['type'], MAX_TYPE, ''),
      maxChunks,
      modified: Number.isNaN(date) ? Date.now() : date,
    };
  }
  const buffer = r['buffer'];
  if (buffer instanceof ArrayBuffer && position > 0) {
    return { kind: 'chunk', uuid, position, buffer };
  }
  return undefined;
}

/** The fields every record of one file to one user carries (v3's names). */
export interface Outgoing {
  uuid: string;
  maxChunks: number;
  size: number;
  name: string;
  lastModifiedDate: string;
  type: string;
  /** The sender. */
  userid: string;
  /** v3 puts its reader's options here. */
  extra: { userid: string; chunkSize: number };
  /** The receiver. */
  remoteUserId: string;
}

// The keys in v3's order (FileBufferReader builds a record, adds userid and extra, and
// remoteUserId when it sends it), so that the packed bytes are the same as a v3 page's.

export const startRecord = (f: Outgoing): Packable => ({
  currentPosition: 0,
  uuid: f.uuid,
  maxChunks: f.maxChunks,
  size: f.size,
  name: f.name,
  type: f.type,
  lastModifiedDate: f.lastModifiedDate,
  start: true,
  userid: f.userid,
  extra: f.extra,
  remoteUserId: f.remoteUserId,
});

export const chunkRecord = (f: Outgoing, position: number, buffer: ArrayBuffer): Packable => ({
  uuid: f.uuid,
  buffer,
  currentPosition: position,
  maxChunks: f.maxChunks,
  size: f.size,
  name: f.name,
  lastModifiedDate: f.lastModifiedDate,
  type: f.type,
  userid: f.userid,
  extra: f.extra,
  remoteUserId: f.remoteUserId,
});

/** The last record (v3's `url` is the sender's own object URL, of no use to anyone else). */
export const endRecord = (f: Outgoing): Packable => ({
  currentPosition: f.maxChunks + 1,
  uuid: f.uuid,
  maxChunks: f.maxChunks,
  size: f.size,
  name: f.name,
  lastModifiedDate: f.lastModifiedDate,
  url: '',
  type: f.type,
  end: true,
  userid: f.userid,
  extra: f.extra,
  remoteUserId: f.remoteUserId,
});

export const ack = (uuid: string, position: number): Packable => ({
  readyForNextChunk: true,
  currentPosition: position,
  uuid,
});

export const chunkMissing = (uuid: string, position: number): Packable => ({
  chunkMissing: true,
  currentPosition: position,
  uuid,
});
