import { BaseTransport, type SignalingTransport } from './transport.js';

/**
 * A transport whose code loads when it first connects, so that optional transports cost the
 * element bundle almost nothing (its build keeps `broadcast-channel:` in dist/rtc-broadcast-channel.js).
 */
export class LazyTransport extends BaseTransport implements SignalingTransport {
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
