/**
 * The `broadcast-channel:` transport: signaling between tabs of one browser profile and origin,
 * with no server. One tab hosts the hub (src/engine/signaling/local-hub.ts), elected with the Web
 * Locks API; every transport talks to it over a BroadcastChannel (messages: channel-wire.ts).
 * docs/protocol.md §12.
 */
import { randomId } from '../util/id.js';
import { LocalHub } from './local-hub.js';
import { channelName, clientLock, readMessage, type ChannelMessage } from './channel-wire.js';
import {
  CLIENT_DISCONNECT,
  RESERVED_TRANSPORT_EVENTS,
  BaseTransport,
  type SignalingTransport,
  type TransportFactory,
  type TransportOptions,
} from './transport.js';

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
