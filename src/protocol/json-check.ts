/**
 * The one check every inbound payload passes before anything reads it (the server for every
 * packet a socket sends, the engine for what arrives on its relay event): plain JSON values only
 * (no binary, functions or class instances), nested at most `maxDepth` deep,
 * and at most `maxBytes` of JSON text. It walks the value with its own stack, so a hostile depth
 * can never overflow the call stack of whatever later serialises or clones the value.
 */
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

export interface JsonLimits {
  maxDepth: number;
  maxBytes: number;
}

export type JsonCheck = { ok: true; bytes: number } | { ok: false; reason: string };

/** Checks a value; `bytes` is its JSON size (an upper bound for non-ASCII text). */
export function checkJson(value: unknown, limits: JsonLimits): JsonCheck {
  const stack: [unknown, number][] = [[value, 1]];
  let bytes = 0;
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    switch (typeof node) {
      case 'undefined':
      case 'boolean':
        bytes += 5;
        break;
      case 'number':
        if (!Number.isFinite(node)) return { ok: false, reason: 'not a finite number' };
        bytes += 24;
        break;
      case 'string':
        // ASCII is a byte a unit; anything else at most 3 bytes a UTF-16 unit in UTF-8.
        bytes += (NON_ASCII.test(node) ? node.length * 3 : node.length) + 2;
        break;
      case 'object': {
        if (node === null) {
          bytes += 4;
          break;
        }
        if (depth > limits.maxDepth) return { ok: false, reason: `nested over ${limits.maxDepth}` };
        if (Array.isArray(node)) {
          bytes += 2 + node.length;
          for (const child of node) stack.push([child, depth + 1]);
          break;
        }
        const proto: unknown = Object.getPrototypeOf(node);
        if (proto !== Object.prototype && proto !== null)
          return { ok: false, reason: 'not a plain object' };
        bytes += 2;
        for (const key of Object.keys(node)) {
          bytes += key.length * 3 + 4;
          stack.push([(node as Record<string, unknown>)[key], depth + 1]);
        }
        break;
      }
      default:
        return { ok: false, reason: `a ${typeof node}` };
    }
    if (bytes > limits.maxBytes)
      return { ok: false, reason: `larger than ${limits.maxBytes} bytes` };
  }
  return { ok: true, bytes };
}
