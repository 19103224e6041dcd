/**
 * What travels on the `broadcast-channel:` transport's BroadcastChannel, between the transports
 * (broadcast-channel.ts) and the hub (local-hub.ts): JSON text of `{t, from, to, ...}`:
 * - `{t: 'h'}` from a hub that has just started (it holds lock `rtc-hub:<name>`);
 * - `{t: 'c', q}` a client says hello with its handshake query, once it holds its lock
 *   `rtc-client:<name>:<client id>` (which the hub waits for, to notice a closed tab at once);
 * - `{t: 'w'}` the hub's welcome (the client is connected);
 * - `{t: 'e', e, a, k?}` an event with its arguments, either way; `k` asks for an ack;
 * - `{t: 'a', k, a}` the hub's acknowledgement; `{t: 'x', r?}` goodbye, either way.
 */
import { isRecord } from '../../protocol/index.js';

/** A message on the channel. */
export interface ChannelMessage {
  t: 'h' | 'c' | 'w' | 'e' | 'a' | 'x';
  from: string;
  to?: string | undefined;
  /** Event name. */
  e?: string;
  /** Event or acknowledgement arguments. */
  a?: unknown[];
  /** Acknowledgement id. */
  k?: number | undefined;
  /** Handshake query. */
  q?: Record<string, string>;
  /** Disconnect reason. */
  r?: string;
}

/** The channel's name for a hub name. */
export const channelName = (name: string) => `rtc-signaling:${name}`;
/** The lock a client holds while connected. */
export const clientLock = (name: string, client: string) => `rtc-client:${name}:${client}`;

/** Reads a message from the channel: undefined unless it is JSON of an object with a sender. */
export function readMessage(data: unknown): ChannelMessage | undefined {
  try {
    const message: unknown = typeof data === 'string' ? JSON.parse(data) : undefined;
    return isRecord(message) && typeof message['from'] === 'string'
      ? (message as unknown as ChannelMessage)
      : undefined;
  } catch {
    return undefined;
  }
}
