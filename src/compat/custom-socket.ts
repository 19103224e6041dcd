/**
 * RTCMultiConnection's `setCustomSocketHandler(Handler)` on the engine's transport registry. A v3
 * handler (the seed's FirebaseConnection, PubNubConnection, SignalRConnection, XHRConnection,
 * SipConnection...) is a function `(connection, connectCallback)` that makes a socket.io-like
 * object (`emit(event, ...args, ack?)`, `on(event, listener)`), stores it in `connection.socket`
 * and calls `connectCallback(socket)` once it is connected. Here it becomes a
 * {@link SignalingTransport} for a private URL scheme, so the room runs over it unchanged.
 */
import {
  BaseTransport,
  CLIENT_DISCONNECT,
  RESERVED_TRANSPORT_EVENTS,
  type SignalingTransport,
  type TransportOptions,
} from '../engine/signaling/transport.js';

/** The socket a v3 handler makes. */
export interface HandlerSocket {
  emit(event: string, ...args: unknown[]): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  disconnect?: () => unknown;
  close?: () => unknown;
}

/** A v3 custom socket handler. */
export type SocketHandler = (
  connection: Record<string, unknown>,
  connectCallback?: (socket?: HandlerSocket) => void,
) => unknown;

export class HandlerTransport extends BaseTransport implements SignalingTransport {
  connected = false;
  readonly #handler: SocketHandler;
  readonly #connection: object;
  readonly #options: TransportOptions;
  #socket: HandlerSocket | undefined;
  /** Event names already relayed from the handler's socket (its `off` is optional in v3). */
  readonly #relayed = new Set<string>();
  #closed = false;

  constructor(handler: SocketHandler, connection: object, options: TransportOptions) {
    super();
    this.#handler = handler;
    this.#connection = connection;
    this.#options = options;
  }

  connect(): void {
    const { query } = this.#options;
    // What v3 handlers read (ids, event names, extra), over the page's connection object.
    const shim = Object.create(this.#connection, {
      socket: { value: undefined, writable: true },
      userid: { value: query.userid, writable: true },
      sessionid: { value: query.sessionid, writable: true },
      channel: { value: query.sessionid, writable: true },
      socketMessageEvent: { value: query.msgEvent, writable: true },
      socketCustomEvent: { value: query.socketCustomEvent, writable: true },
      // rtc-elements addition: the whole handshake, for handlers that reach a real server.
      socketQuery: { value: { ...query } },
    }) as Record<string, unknown>;
    const timer = setTimeout(() => this.#end(false, 'timeout'), this.#options.timeout);
    try {
      this.#handler(shim, (socket) => {
        clearTimeout(timer);
        const made = socket ?? (shim['socket'] as HandlerSocket | undefined);
        if (this.#closed || !made) return;
        this.#socket = made;
        this.connected = true;
        made.on('disconnect', (reason) =>
          this.#end(true, typeof reason === 'string' ? reason : 'transport close'),
        );
        for (const event of this.#wanted) this.#relay(event);
        this.dispatch('connect');
      });
    } catch (error) {
      clearTimeout(timer);
      queueMicrotask(() => this.dispatch('connect_error', error));
    }
  }

  readonly #wanted = new Set<string>();

  override on(event: string, listener: (...args: unknown[]) => void): this {
    super.on(event, listener);
    this.#wanted.add(event);
    if (this.#socket) this.#relay(event);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    this.#socket?.emit(event, ...args);
  }

  disconnect(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      if (socket?.disconnect) socket.disconnect();
      else socket?.close?.();
    } catch {
      // The handler's own socket failing to close changes nothing here.
    }
    this.#end(this.connected, CLIENT_DISCONNECT);
  }

  #relay(event: string): void {
    if (RESERVED_TRANSPORT_EVENTS.has(event) || this.#relayed.has(event)) return;
    this.#relayed.add(event);
    this.#socket?.on(event, (...args) => {
      if (!this.#closed) this.dispatch(event, ...args);
    });
  }

  #end(wasConnected: boolean, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.connected = false;
    this.ended(wasConnected, reason);
  }
}
