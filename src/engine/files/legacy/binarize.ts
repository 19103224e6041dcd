/**
 * The serializer RTCMultiConnection's file messages go through (binarize.js, inside
 * FileBufferReader 2.x): one value per message, big-endian, each value as
 *
 *   type (uint8) · [count (uint16), for arrays and objects] · byte length (uint32) · payload
 *
 * where a string's payload is its UTF-16 code units (uint16 each), a number a float64, a boolean
 * one byte, an ArrayBuffer its bytes, null and undefined nothing; an array's payload is its
 * elements, an object's its own enumerable keys and values in turn (count = number of keys; byte
 * length = the bytes of what follows). Only what file records use is written; `unpack` reads the
 * types binarize writes for plain data and refuses anything that does not add up exactly.
 */

const Type = {
  NULL: 0,
  UNDEFINED: 1,
  STRING: 2,
  NUMBER: 3,
  BOOLEAN: 4,
  ARRAY: 5,
  OBJECT: 6,
  /** Int8Array ... Float64Array (7-14) are read as their bytes. */
  INT8ARRAY: 7,
  FLOAT64ARRAY: 14,
  ARRAYBUFFER: 15,
} as const;

export type Packable =
  | null
  | undefined
  | string
  | number
  | boolean
  | ArrayBuffer
  | readonly Packable[]
  | { readonly [key: string]: Packable };

/** Deepest nesting `unpack` follows (a file record is two levels deep). */
const MAX_DEPTH = 8;

const HEADER = 5;
const LIST_HEADER = 7;

function measure(value: Packable): number {
  if (value === null || value === undefined) return HEADER;
  if (typeof value === 'string') return HEADER + value.length * 2;
  if (typeof value === 'number') return HEADER + 8;
  if (typeof value === 'boolean') return HEADER + 1;
  if (value instanceof ArrayBuffer) return HEADER + value.byteLength;
  return LIST_HEADER + content(value);
}

function content(value: readonly Packable[] | { readonly [key: string]: Packable }): number {
  let bytes = 0;
  if (Array.isArray(value)) for (const item of value as readonly Packable[]) bytes += measure(item);
  else for (const [key, item] of Object.entries(value)) bytes += measure(key) + measure(item);
  return bytes;
}

/** Packs a value as binarize.pack does (same bytes for the same value). */
export function pack(value: Packable): ArrayBuffer {
  const buffer = new ArrayBuffer(measure(value));
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  let at = 0;
  const head = (type: number, length: number) => {
    view.setUint8(at, type);
    view.setUint32(at + 1, length);
    at += HEADER;
  };
  const write = (v: Packable): void => {
    if (v === null || v === undefined) head(v === null ? Type.NULL : Type.UNDEFINED, 0);
    else if (typeof v === 'string') {
      head(Type.STRING, v.length * 2);
      for (let i = 0; i < v.length; i++, at += 2) view.setUint16(at, v.charCodeAt(i));
    } else if (typeof v === 'number') {
      head(Type.NUMBER, 8);
      view.setFloat64(at, v);
      at += 8;
    } else if (typeof v === 'boolean') {
      head(Type.BOOLEAN, 1);
      view.setUint8(at++, v ? 1 : 0);
    } else if (v instanceof ArrayBuffer) {
      head(Type.ARRAYBUFFER, v.byteLength);
      bytes.set(new Uint8Array(v), at);
      at += v.byteLength;
    } else {
      const list = Array.isArray(v);
      const entries = list ? [] : Object.entries(v);
      view.setUint8(at, list ? Type.ARRAY : Type.OBJECT);
      view.setUint16(at + 1, list ? (v as readonly Packable[]).length : entries.length);
      view.setUint32(at + 3, content(v));
      at += LIST_HEADER;
      if (list) for (const item of v as readonly Packable[]) write(item);
      else
        for (const [key, item] of entries) {
          write(key);
          write(item);
        }
    }
  };
  write(value);
  return buffer;
}

/** Unpacks one binarize value that fills `data` exactly; throws on anything malformed. */
export function unpack(data: ArrayBuffer): unknown {
  const view = new DataView(data);
  const read = (start: number, depth: number): [unknown, number] => {
    if (depth > MAX_DEPTH) throw new RangeError('binarize: nested too deep');
    const type = view.getUint8(start);
    const list = type === Type.ARRAY || type === Type.OBJECT;
    const count = list ? view.getUint16(start + 1) : 0;
    const at = start + (list ? LIST_HEADER : HEADER);
    const length = view.getUint32(at - 4);
    const end = at + length;
    if (end > data.byteLength) throw new RangeError('binarize: past the end');
    let value: unknown;
    if (type === Type.NULL || type === Type.UNDEFINED) {
      if (length !== 0) throw new RangeError('binarize: bad null');
      value = null;
    } else if (type === Type.STRING) {
      if (length % 2 !== 0) throw new RangeError('binarize: odd string');
      const units: number[] = [];
      let text = '';
      for (let i = at; i < end; i += 2) {
        units.push(view.getUint16(i));
        if (units.length === 4096) text += String.fromCharCode(...units.splice(0));
      }
      value = text + String.fromCharCode(...units);
    } else if (type === Type.NUMBER) {
      if (length !== 8) throw new RangeError('binarize: bad number');
      value = view.getFloat64(at);
    } else if (type === Type.BOOLEAN) {
      if (length !== 1) throw new RangeError('binarize: bad boolean');
      value = view.getUint8(at) === 1;
    } else if (type >= Type.INT8ARRAY && type <= Type.ARRAYBUFFER) {
      value = data.slice(at, end);
    } else if (list) {
      const items: unknown[] = [];
      const object: Record<string, unknown> = {};
      let next = at;
      for (let i = 0; i < count; i++) {
        let item: unknown;
        if (type === Type.ARRAY) {
          [item, next] = read(next, depth + 1);
          items.push(item);
          continue;
        }
        let key: unknown;
        [key, next] = read(next, depth + 1);
        if (typeof key !== 'string') throw new RangeError('binarize: key is not a string');
        [item, next] = read(next, depth + 1);
        // defineProperty: a key named __proto__ is data, not the object's prototype.
        Object.defineProperty(object, key, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      if (next !== end) throw new RangeError('binarize: length does not add up');
      value = type === Type.ARRAY ? items : object;
    } else throw new RangeError(`binarize: type ${type} not read`);
    return [value, end];
  };
  const [value, end] = read(0, 0);
  if (end !== data.byteLength) throw new RangeError('binarize: bytes after the value');
  return value;
}
