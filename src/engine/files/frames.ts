/**
 * The file channel's wire format (one ordered RTCDataChannel labelled `rtc-files` per peer).
 *
 * Binary messages carry bytes of a file:
 *
 *   byte 0       frame kind, 1 = chunk
 *   bytes 1-16   file id (16 random bytes; as text, 32 lowercase hex digits)
 *   bytes 17-24  offset of the payload in the file (float64, big-endian)
 *   bytes 25-    payload
 *
 * Text messages are JSON control messages ({@link Control}), in both directions.
 */

export const FILE_CHANNEL = 'rtc-files';
export const CHUNK_FRAME = 1;
export const HEADER_BYTES = 25;

/** Sender → receiver: a file to receive (again, from an offset, when `resume`). */
export interface Offer {
  t: 'offer';
  id: string;
  name: string;
  size: number;
  mime: string;
  modified: number;
  resume?: boolean;
}

/**
 * Receiver → sender: send from `offset` (the bytes it already holds, 0 for a new file); it has
 * the digests of the first `hashes` slices (a resumed sender sends the missing ones first).
 */
export interface Accept {
  t: 'accept';
  id: string;
  offset: number;
  hashes?: number;
}

/** Sender → receiver, after the last byte of slice `index`: the slice's SHA-256 (hex). */
export interface SliceHash {
  t: 'hash';
  id: string;
  index: number;
  sha256: string;
}

/** Receiver → sender: not wanted (`declined`) or over the receiver's limit (`too-large`). */
export interface Reject {
  t: 'reject';
  id: string;
  reason: 'declined' | 'too-large';
}

/**
 * Sender → receiver: every byte is sent; `sha256` is the SHA-256 of the slice digests in order
 * (the file's digest list), so a missing, extra or reordered slice fails too.
 */
export interface End {
  t: 'end';
  id: string;
  sha256: string;
}

/** Receiver → sender: received and verified (`done`) or the digest did not match (`corrupt`). */
export interface Verdict {
  t: 'done' | 'corrupt';
  id: string;
}

/** Either side: stop and forget this file. */
export interface Cancel {
  t: 'cancel';
  id: string;
}

export type Control = Offer | Accept | SliceHash | Reject | End | Verdict | Cancel;

const ID_BYTES = 16;
const HEX = /^[0-9a-f]{32}$/;

export function newFileId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const isFileId = (value: unknown): value is string =>
  typeof value === 'string' && HEX.test(value);

/**
 * Writes a chunk frame (header, then payload) into `frame` (reused between chunks: `send()` copies
 * what it is given) and returns the view to send.
 */
export function encodeChunk(
  frame: Uint8Array<ArrayBuffer>,
  id: string,
  offset: number,
  payload: Uint8Array,
): Uint8Array<ArrayBuffer> {
  frame[0] = CHUNK_FRAME;
  for (let i = 0; i < ID_BYTES; i++) frame[1 + i] = parseInt(id.slice(i * 2, i * 2 + 2), 16);
  new DataView(frame.buffer, frame.byteOffset).setFloat64(1 + ID_BYTES, offset);
  frame.set(payload, HEADER_BYTES);
  return frame.subarray(0, HEADER_BYTES + payload.byteLength);
}

export interface Chunk {
  id: string;
  offset: number;
  payload: Uint8Array;
}

/** Reads a chunk frame; undefined for anything malformed. */
export function decodeChunk(data: ArrayBuffer): Chunk | undefined {
  if (data.byteLength < HEADER_BYTES) return undefined;
  const bytes = new Uint8Array(data);
  if (bytes[0] !== CHUNK_FRAME) return undefined;
  let id = '';
  for (const byte of bytes.subarray(1, 1 + ID_BYTES)) id += byte.toString(16).padStart(2, '0');
  const offset = new DataView(data).getFloat64(1 + ID_BYTES);
  if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
  return { id, offset, payload: bytes.subarray(HEADER_BYTES) };
}

const TYPES = new Set(['offer', 'accept', 'hash', 'reject', 'end', 'done', 'corrupt', 'cancel']);
const isSha256 = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const size = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses a control message; undefined for anything malformed (it is then ignored). */
export function parseControl(text: string): Control | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m['t'] !== 'string' || !TYPES.has(m['t']) || !isFileId(m['id'])) return undefined;
  switch (m['t']) {
    case 'offer':
      return typeof m['name'] === 'string' &&
        m['name'].length <= 1024 &&
        size(m['size']) &&
        typeof m['mime'] === 'string' &&
        typeof m['modified'] === 'number'
        ? (m as unknown as Offer)
        : undefined;
    case 'accept':
      return size(m['offset']) && (m['hashes'] === undefined || size(m['hashes']))
        ? (m as unknown as Accept)
        : undefined;
    case 'hash':
      return size(m['index']) && isSha256(m['sha256']) ? (m as unknown as SliceHash) : undefined;
    case 'reject':
      return m['reason'] === 'declined' || m['reason'] === 'too-large'
        ? (m as unknown as Reject)
        : undefined;
    case 'end':
      return isSha256(m['sha256']) ? (m as unknown as End) : undefined;
    default:
      return m as unknown as Control;
  }
}
