import { IoSocket } from './io-socket.js';
import {
  BaseTransport,
  type SignalingTransport,
  type TransportFactory,
  type TransportOptions,
} from './transport.js';

/**
 * A transport whose code loads when it first connects, so that optional transports cost the
 * element bundle almost nothing (its build keeps `broadcast-channel:` in dist/rtc-broadcast-channel.js).
 */
class LazyTransport extends BaseTransport implements SignalingTransport {
  #inner: SignalingTransport | undefined;
  #closed = false;
  readonly #load: () => Promise<SignalingTransport>;

  constructor(load: () => Promise<SignalingTransport>) {
    super();
    this.#load = load;
  }

  get connected(): boolean {
    return !!this.#inner?.connected;
  }

  connect(): void {
    this.#load().then(
      (inner) => {
        if (this.#closed) return;
        this.#inner = inner;
        // The loaded transport reports through this one, which holds the listeners.
        (inner as unknown as BaseTransport).dispatch = (event, ...args) =>
          this.dispatch(event, ...args);
        inner.connect();
      },
      (error: unknown) => this.dispatch('connect_error', error),
    );
  }

  emit(event: string, ...args: unknown[]): void {
    this.#inner?.emit(event, ...args);
  }

  disconnect(silently?: boolean): void {
    this.#closed = true;
    this.#inner?.disconnect(silently);
  }
}

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

/** A transport for a URL: its scheme's factory, else our socket.io client. */
export function createTransport(url: string, options: TransportOptions): SignalingTransport {
  const factory = factories.get(schemeOf(url));
  return factory ? factory(url, options) : new IoSocket(url, options);
}
