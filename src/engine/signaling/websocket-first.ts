import { IoSocket } from './io-socket.js';
import { LazyTransport } from './lazy-transport.js';
import { BaseTransport, type SignalingTransport, type TransportOptions } from './transport.js';

/**
 * Servers reached by long-polling after their WebSocket handshake failed: later connections (a
 * reconnect) go straight to long-polling. A server that was simply down is not in it.
 */
const pollingOnly = new Set<string>();

/**
 * socket.io over a WebSocket (our own small client), or, where the WebSocket handshake fails (a
 * proxy that refuses the upgrade), over HTTP long-polling with the real socket.io client, loaded
 * then (polling.ts). A server that answers the WebSocket and then refuses the connection (a
 * missing token, a full server) is not retried: its `connect_error` is reported as it is.
 */
export class WebSocketFirst extends BaseTransport implements SignalingTransport {
  readonly #url: string;
  readonly #options: TransportOptions;
  #inner: SignalingTransport;
  #closed = false;

  constructor(url: string, options: TransportOptions) {
    super();
    this.#url = url;
    this.#options = options;
    this.#inner = this.#relay(pollingOnly.has(url) ? this.#polling() : new IoSocket(url, options));
  }

  get connected(): boolean {
    return this.#inner.connected;
  }

  connect(): void {
    this.#inner.connect();
  }

  emit(event: string, ...args: unknown[]): void {
    this.#inner.emit(event, ...args);
  }

  disconnect(silently?: boolean): void {
    this.#closed = true;
    this.#inner.disconnect(silently);
  }

  #polling(): SignalingTransport {
    return new LazyTransport(async () =>
      (await import('./polling.js')).pollingTransport(this.#url, this.#options),
    );
  }

  /** The inner transport reports through this one, which holds the listeners. */
  #relay(inner: SignalingTransport): SignalingTransport {
    (inner as unknown as BaseTransport).dispatch = (event, ...args) => {
      const webSocket = inner instanceof IoSocket;
      if (event === 'connect_error' && webSocket && !inner.upgraded && !this.#closed) {
        this.#inner = this.#relay(this.#polling());
        this.#inner.connect();
        return;
      }
      if (event === 'connect' && !webSocket) pollingOnly.add(this.#url);
      this.dispatch(event, ...args);
    };
    return inner;
  }
}
