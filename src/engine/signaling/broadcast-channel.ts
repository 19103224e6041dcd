/**
 * The `broadcast-channel:` transport: signaling between tabs of one browser profile and origin,
 * with no server. One tab hosts the hub (src/engine/signaling/local-hub.ts), elected with the Web
 * Locks API; every transport talks to it over a BroadcastChannel. docs/protocol.md §12.
 *
 * Messages on the channel are JSON text of `{t, from, to, ...}`:
 * - `{t: 'h'}` from a hub that has just started (it holds lock `rtc-hub:<name>`);
 * - `{t: 'c', q}` a client says hello with its handshake query, once it holds its lock
 *   `rtc-client:<name>:<client id>` (which the hub waits for, to notice a closed tab at once);
 * - `{t: 'w'}` the hub's welcome (the client is connected);
 * - `{t: 'e', e, a, k?}` an event with its arguments, either way; `k` asks for an ack;
 * - `{t: 'a', k, a}` the hub's acknowledgement; `{t: 'x', r?}` goodbye, either way.
 */
import { randomId } from '../util/id.js';
import { LocalHub } from './local-hub.js';
import { isRecord } from './protocol.js';
import {
  CLIENT_DISCONNECT,
  RESERVED_TRANSPORT_EVENTS,
  BaseTransport,
  type SignalingTransport,
  type TransportFactory,
  type TransportOptions,
} from './transport.js';

/** A message on the channel (see above). */
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

/** Hub names this page runs for (or waits to run for). */
const candidacies = new Set<string>();

/** Makes this page a candidate to host the hub: it runs one as soon as it gets the hub lock. */
function standForHub(name: string): void {
  if (candidacies.has(name)) return;
  candidacies.add(name);
  // Held for the page's lifetime: the browser releases it when the page closes or crashes.
  void navigator.locks.request(`rtc-hub:${name}`, () => {
    new LocalHub(name);
    return new Promise<never>(() => undefined);
  });
}

/**
 * A client of the tab-local hub: `broadcast-channel:` for the default hub (`rtc-elements`),
 * `broadcast-channel:<name>` for a separate one (apps that must not see each other's rooms).
 */
export class ChannelSocket extends BaseTransport implements SignalingTransport {
  connected = false;
  readonly #name: string;
  readonly #query: Record<string, string>;
  readonly #timeout: number;
  readonly #id = randomId();
  #channel: BroadcastChannel | undefined;
  /** The hub this client is connected to. */
  #hub: string | undefined;
  /** Releases this client's lock (set while it is held). */
  #release: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: string, options: TransportOptions) {
    super();
    this.#name = url.slice(url.indexOf(':') + 1).replace(/^\/\//, '') || 'rtc-elements';
    this.#query = options.query;
    this.#timeout = options.timeout;
  }

  connect(): this {
    if (this.#channel) return this;
    if (typeof BroadcastChannel === 'undefined' || !(navigator as Partial<Navigator>).locks) {
      this.ended(false, 'BroadcastChannel and Web Locks are not available');
      return this;
    }
    const channel = new BroadcastChannel(channelName(this.#name));
    this.#channel = channel;
    channel.onmessage = ({ data }: MessageEvent) => this.#receive(readMessage(data));
    this.#timer = setTimeout(() => this.#close('timeout'), this.#timeout);
    standForHub(this.#name);
    void navigator.locks.request(clientLock(this.#name, this.#id), () => {
      if (this.#channel !== channel) return undefined;
      this.#post({ t: 'c', q: this.#query });
      return new Promise<void>((resolve) => (this.#release = resolve));
    });
    return this;
  }

  /** Emits an event to the hub. A function as last argument asks for an acknowledgement. */
  emit(event: string, ...args: unknown[]): this {
    if (this.connected) this.#post({ t: 'e', e: event, k: this.ackId(args), a: args });
    return this;
  }

  /** Closes; the hub takes this user out of its room (`silently`: no goodbye, same result). */
  disconnect(silently = false): this {
    if (this.connected && !silently) this.#post({ t: 'x' });
    this.#close(CLIENT_DISCONNECT);
    return this;
  }

  #post(message: Omit<ChannelMessage, 'from'>): void {
    this.#channel?.postMessage(JSON.stringify({ ...message, from: this.#id, to: this.#hub }));
  }

  #receive(m: ChannelMessage | undefined): void {
    if (!m) return;
    if (m.t === 'h') {
      // A new hub: the one we were connected to is gone; or, still connecting, say hello again.
      if (this.connected) {
        if (m.from !== this.#hub) this.#close('transport close');
      } else if (this.#release) this.#post({ t: 'c', q: this.#query });
      return;
    }
    if (m.to !== this.#id) return;
    if (!this.connected) {
      if (m.t !== 'w') return;
      this.#hub = m.from;
      this.connected = true;
      clearTimeout(this.#timer);
      this.dispatch('connect');
    } else if (m.from !== this.#hub) {
      return;
    } else if (m.t === 'x') {
      this.#close(typeof m.r === 'string' ? m.r : 'io server disconnect');
    } else if (Array.isArray(m.a)) {
      if (m.t === 'a') this.acknowledged(m.k, m.a);
      else if (m.t === 'e' && typeof m.e === 'string' && !RESERVED_TRANSPORT_EVENTS.has(m.e)) {
        this.dispatch(m.e, ...m.a);
      }
    }
  }

  #close(reason: string): void {
    const channel = this.#channel;
    if (!channel) return;
    const wasConnected = this.connected;
    this.#channel = this.#hub = undefined;
    this.connected = false;
    clearTimeout(this.#timer);
    this.#release?.();
    this.#release = undefined;
    channel.close();
    this.ended(wasConnected, reason);
  }
}

/** The factory to register for the `broadcast-channel` scheme. */
export const broadcastChannelTransport: TransportFactory = (url, options) =>
  new ChannelSocket(url, options);
