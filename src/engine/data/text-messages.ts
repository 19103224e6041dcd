import { randomId } from '../util/id.js';

/**
 * Text/JSON messages over the data channel, in RTCMultiConnection's packet format so that
 * v3 pages in the same room receive them: JSON strings
 * `{type: 'text', uuid, sendingTime, packets, message, last?, isobject?}`.
 * Unlike v3 we send all packets at once (the channel is ordered and reliable) and bound
 * what a receiver buffers.
 */
export interface TextPacket {
  type: 'text';
  uuid: string;
  sendingTime: number;
  packets?: number;
  message: string;
  last?: boolean;
  isobject?: boolean;
}

/** Characters per packet: well under every browser's SCTP message limit after JSON escaping. */
export const PACKET_CHARS = 16 * 1024;
/** Largest message a receiver reassembles, in characters. */
export const MAX_MESSAGE_CHARS = 8 * 1024 * 1024;
/** Most messages a receiver reassembles at once per peer. */
const MAX_PARTIAL = 64;
/** When the partial-message limit is reached, messages idle for this long are dropped to make room. */
const PARTIAL_TTL_MS = 60_000;

/** Splits a string or JSON-able value into wire packets. */
export function encodeText(data: unknown): string[] {
  const isobject = typeof data !== 'string';
  // JSON.stringify returns undefined for functions and undefined, whatever its type says.
  const text: unknown = isobject ? JSON.stringify(data) : data;
  if (typeof text !== 'string') throw new TypeError('Message is not JSON-serialisable');
  if (text.length > MAX_MESSAGE_CHARS)
    throw new RangeError(`Message is over ${MAX_MESSAGE_CHARS} characters`);
  const uuid = randomId(8);
  const sendingTime = Date.now();
  const packets: string[] = [];
  const count = Math.max(1, Math.ceil(text.length / PACKET_CHARS));
  for (let i = 0; i < count; i++) {
    const packet: TextPacket = {
      type: 'text',
      uuid,
      sendingTime,
      packets: Math.floor(text.length / PACKET_CHARS),
      message: text.slice(i * PACKET_CHARS, (i + 1) * PACKET_CHARS),
    };
    if (i === count - 1) {
      packet.last = true;
      packet.isobject = isobject;
    }
    packets.push(JSON.stringify(packet));
  }
  return packets;
}

/** Reassembles packets from one peer; returns the message when its last packet arrives. */
export class TextReassembler {
  #partial = new Map<string, { parts: string[]; size: number; at: number }>();

  /** @returns `{data}` for a complete message, `undefined` while incomplete; throws on bad input. */
  receive(raw: string): { data: unknown } | undefined {
    const packet = JSON.parse(raw) as Partial<TextPacket> | null;
    if (
      packet?.type !== 'text' ||
      typeof packet.uuid !== 'string' ||
      typeof packet.message !== 'string'
    ) {
      throw new TypeError('Not a text packet');
    }
    let entry = this.#partial.get(packet.uuid);
    if (!entry) {
      if (this.#partial.size >= MAX_PARTIAL) this.#expire();
      if (this.#partial.size >= MAX_PARTIAL) throw new RangeError('Too many partial messages');
      entry = { parts: [], size: 0, at: Date.now() };
      this.#partial.set(packet.uuid, entry);
    }
    entry.at = Date.now();
    entry.parts.push(packet.message);
    entry.size += packet.message.length;
    if (entry.size > MAX_MESSAGE_CHARS) {
      this.#partial.delete(packet.uuid);
      throw new RangeError('Message too large');
    }
    if (!packet.last) return undefined;
    this.#partial.delete(packet.uuid);
    const text = entry.parts.join('');
    return { data: packet.isobject ? (JSON.parse(text) as unknown) : text };
  }

  clear(): void {
    this.#partial.clear();
  }

  #expire(): void {
    const cutoff = Date.now() - PARTIAL_TTL_MS;
    for (const [uuid, entry] of this.#partial) if (entry.at < cutoff) this.#partial.delete(uuid);
  }
}
