/**
 * The fallback for networks whose proxies refuse WebSockets: the real socket.io client over HTTP
 * long-polling (as RTCMultiConnection's socket.io-client falls back). Loaded on demand, only when
 * a WebSocket handshake has failed, in a file of its own (dist/rtc-polling.js): the WebSocket
 * client (io-socket.ts) stays the fast path.
 */
import { io, type Socket } from 'socket.io-client';
import { BaseTransport, RESERVED_TRANSPORT_EVENTS, type SignalingTransport } from './transport.js';
import type { IoSocketOptions } from './io-socket.js';

class PollingTransport extends BaseTransport implements SignalingTransport {
  readonly #socket: Socket;

  constructor(url: string, options: IoSocketOptions) {
    super();
    const parsed = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
    const namespace = parsed.pathname.replace(/\/+$/, '') || '/';
    // The handshake query goes as given: socket.io-client adds its own EIO and transport.
    this.#socket = io(`${parsed.origin}${namespace}`, {
      path: options.path ?? '/socket.io/',
      transports: ['polling'],
      query: options.query ?? {},
      timeout: options.timeout ?? 20_000,
      reconnection: false,
      autoConnect: false,
      forceNew: true,
    });
    const socket = this.#socket;
    socket.on('connect', () => this.dispatch('connect'));
    socket.on('connect_error', (error) => this.dispatch('connect_error', error));
    socket.on('disconnect', (reason) => this.dispatch('disconnect', reason));
    socket.onAny((event: string, ...args: unknown[]) => {
      if (!RESERVED_TRANSPORT_EVENTS.has(event)) this.dispatch(event, ...args);
    });
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  connect(): void {
    this.#socket.connect();
  }

  emit(event: string, ...args: unknown[]): void {
    this.#socket.emit(event, ...args);
  }

  disconnect(silently?: boolean): void {
    // Silently: close the transport without the goodbye packet, as a dropped network would.
    if (silently) this.#socket.io.engine.close();
    else this.#socket.disconnect();
  }
}

export function pollingTransport(url: string, options: IoSocketOptions): SignalingTransport {
  return new PollingTransport(url, options);
}
