import { IoSocket } from './io-socket.js';
import { LazyTransport, WrappingTransport } from './lazy-transport.js';
import type { SignalingTransport, TransportOptions } from './transport.js';

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
export class WebSocketFirst extends WrappingTransport {
  readonly #url: string;
  readonly #options: TransportOptions;

  constructor(url: string, options: TransportOptions) {
    super();
    this.#url = url;
    this.#options = options;
    this.#use(pollingOnly.has(url) ? this.#polling() : new IoSocket(url, options));
  }

  #polling(): SignalingTransport {
    return new LazyTransport(async () =>
      (await import('./polling.js')).pollingTransport(this.#url, this.#options),
    );
  }

  #use(inner: SignalingTransport): void {
    this.wrap(inner, (event, ...args) => {
      const webSocket = inner instanceof IoSocket;
      if (event === 'connect_error' && webSocket && !inner.upgraded && !this.closed) {
        this.#use(this.#polling());
        this.connect();
        return;
      }
      if (event === 'connect' && !webSocket) pollingOnly.add(this.#url);
      this.dispatch(event, ...args);
    });
  }
}
