import { BaseTransport, type SignalingTransport } from './transport.js';

/**
 * A transport that speaks through another one (its inner transport, set later or replaced), which
 * reports its events through this one: the listeners stay here whatever the inner one is.
 */
export class WrappingTransport extends BaseTransport implements SignalingTransport {
  protected inner: SignalingTransport | undefined;
  protected closed = false;

  get connected(): boolean {
    return !!this.inner?.connected;
  }

  connect(): void {
    this.inner?.connect();
  }

  emit(event: string, ...args: unknown[]): void {
    this.inner?.emit(event, ...args);
  }

  disconnect(silently?: boolean): void {
    this.closed = true;
    this.inner?.disconnect(silently);
  }

  /** Speaks through `inner` from now on; its events go through `relay` (as they are by default). */
  protected wrap(
    inner: SignalingTransport,
    relay: BaseTransport['dispatch'] = (event, ...args) => this.dispatch(event, ...args),
  ): void {
    (inner as unknown as BaseTransport).dispatch = relay;
    this.inner = inner;
  }
}

/**
 * A transport whose code loads when it first connects, so that optional transports cost the
 * element bundle almost nothing (its build keeps `broadcast-channel:` in dist/rtc-broadcast-channel.js).
 */
export class LazyTransport extends WrappingTransport {
  readonly #load: () => Promise<SignalingTransport>;

  constructor(load: () => Promise<SignalingTransport>) {
    super();
    this.#load = load;
  }

  override connect(): void {
    this.#load().then(
      (inner) => {
        if (this.closed) return;
        this.wrap(inner);
        inner.connect();
      },
      (error: unknown) => this.dispatch('connect_error', error),
    );
  }
}
