import type { HandshakeQuery } from '../../protocol/index.js';

/** A listener of a {@link SignalingTransport} event: the event's arguments, as sent. */
export type TransportListener = (...args: unknown[]) => void;

/**
 * A signaling transport: one connection to a signaling service, shaped like a socket.io client
 * socket. The room client speaks the protocol of docs/protocol.md over it and depends on nothing
 * else, so any service that answers that protocol can carry rooms (a socket.io server, tabs of
 * one browser, Firebase, PubNub, an HTTP relay...). Register one with {@link registerTransport}.
 *
 * - `connect()` opens the connection and fires `connect`, or `connect_error(error)` when it
 *   cannot. Once connected, the service learns `options.query` (the handshake, §2.1).
 * - `emit(event, ...args)` sends an event with JSON-serialisable arguments. When the last
 *   argument is a function it is the acknowledgement: call it once with the answer's arguments.
 *   Do not call it when no answer comes (the room client puts its own time limit on it).
 * - The service's events (`user-connected`, the relay event, ...) fire with their arguments.
 * - `disconnect(silently?)` closes; `disconnect('io client disconnect')` fires if connected.
 *   `silently`: skip any goodbye, as if the network dropped (a server may keep the user's place).
 * - A connection that breaks fires `disconnect(reason)`: `'transport close'` (or any reason but
 *   `'io server disconnect'`) makes a joined room reconnect with a new transport; `'io server
 *   disconnect'` means the service sent the client away on purpose.
 * - `connected` is true between `connect` and `disconnect`.
 */
export interface SignalingTransport {
  readonly connected: boolean;
  connect(): void;
  disconnect(silently?: boolean): void;
  emit(event: string, ...args: unknown[]): void;
  on(event: string, listener: TransportListener): void;
  off(event: string, listener: TransportListener): void;
  removeAllListeners(): void;
}

/** What a transport is created with. */
export interface TransportOptions {
  /** The handshake query (docs/protocol.md §2.1): the user id, event names, room options, ... */
  query: HandshakeQuery & Record<string, string>;
  /** Milliseconds to wait for the connection before `connect_error`. */
  timeout: number;
}

/** Creates a transport for a URL of its scheme (the whole URL, scheme included). */
export type TransportFactory = (url: string, options: TransportOptions) => SignalingTransport;

/** The `disconnect` reason of a client's own `disconnect()`. */
export const CLIENT_DISCONNECT = 'io client disconnect';

/** Events a transport fires itself; never taken from the service. */
export const RESERVED_TRANSPORT_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'disconnect',
]);

/**
 * Bookkeeping for transports: listeners (`on`, `off`, `removeAllListeners`, `dispatch`, where a
 * throwing listener is reported and the others still run) and acknowledgements waiting for their
 * answer. The built-in transports extend it; custom ones may.
 */
export class BaseTransport {
  #listeners = new Map<string, Set<TransportListener>>();
  #acks = new Map<unknown, TransportListener>();
  #nextAck = 0;

  on(event: string, listener: TransportListener): this {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  off(event: string, listener: TransportListener): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  removeAllListeners(): this {
    this.#listeners.clear();
    return this;
  }

  /** Calls the event's listeners with its arguments. */
  dispatch(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /**
   * Takes a trailing acknowledgement off `args` (in place) and returns the id to send with the
   * event; undefined when the last argument is not a function.
   */
  protected ackId(args: unknown[]): number | undefined {
    if (typeof args.at(-1) !== 'function') return undefined;
    const id = this.#nextAck++;
    this.#acks.set(id, args.pop() as TransportListener);
    return id;
  }

  /** Calls (once) the acknowledgement of that id with the answer. */
  protected acknowledged(id: unknown, answer: unknown[]): void {
    const ack = this.#acks.get(id);
    this.#acks.delete(id);
    ack?.(...answer);
  }

  /**
   * Reports the end of a connection: `disconnect(reason)` if it was up, else `connect_error`.
   * Acknowledgements still waiting are forgotten.
   */
  protected ended(wasConnected: boolean, reason: string): void {
    this.#acks.clear();
    if (wasConnected) this.dispatch('disconnect', reason);
    else if (reason !== CLIENT_DISCONNECT) this.dispatch('connect_error', new Error(reason));
  }
}

/**
 * Emits with an acknowledgement that fails after `timeoutMs` (socket.io's `timeout().emit()`):
 * `ack(error | null, ...answer)`, called once. Returns a function that cancels the wait.
 */
export function emitWithTimeout(
  transport: SignalingTransport,
  timeoutMs: number,
  event: string,
  args: unknown[],
  ack: (error: Error | null, ...answer: unknown[]) => void,
): () => void {
  let done = false;
  const finish = (error: Error | null, answer: unknown[] = []) => {
    if (done) return;
    cancel();
    ack(error, ...answer);
  };
  const cancel = () => {
    done = true;
    clearTimeout(timer);
  };
  const timer = setTimeout(() => finish(new Error('operation has timed out')), timeoutMs);
  if (transport.connected)
    transport.emit(event, ...args, (...answer: unknown[]) => finish(null, answer));
  else finish(new Error('not connected'));
  return cancel;
}
