import { LazyTransport } from './lazy-transport.js';
import type { SignalingTransport, TransportFactory, TransportOptions } from './transport.js';
import { WebSocketFirst } from './websocket-first.js';

const factories = new Map<string, TransportFactory>([
  [
    'broadcast-channel',
    (url, options) =>
      new LazyTransport(async () =>
        (await import('./broadcast-channel.js')).broadcastChannelTransport(url, options),
      ),
  ],
]);

/** The scheme of a URL, lower-cased, without its colon ('' for a relative URL). */
const schemeOf = (url: string) => /^([a-z][\w+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';

/**
 * Makes URLs of a scheme (`'firebase'` for `firebase:my-app`, without the colon) connect through
 * `factory` instead of socket.io; registering a scheme again replaces its factory. Rooms, presence
 * checks and public room lists whose socket URL has that scheme use it from then on.
 * Any URL whose scheme has no factory is a socket.io server.
 */
export function registerTransport(scheme: string, factory: TransportFactory): void {
  factories.set(scheme.replace(/:$/, '').toLowerCase(), factory);
}

/**
 * A transport for a URL: its scheme's factory, else socket.io (over a WebSocket, or long-polling
 * where the WebSocket handshake fails).
 */
export function createTransport(url: string, options: TransportOptions): SignalingTransport {
  const factory = factories.get(schemeOf(url));
  return factory ? factory(url, options) : new WebSocketFirst(url, options);
}
