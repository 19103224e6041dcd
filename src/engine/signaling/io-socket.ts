/**
 * A WebSocket-only socket.io v4 client (engine.io protocol 4): connect to a namespace, events with
 * JSON arguments, acknowledgements, heartbeats, and server/transport disconnects. No binary
 * attachments, no automatic reconnection (the room handles that), no HTTP long-polling: where the
 * WebSocket handshake fails, websocket-first.ts loads the real socket.io client for that.
 *
 * Why not socket.io-client: the whole element bundle must stay under 40 KB min+gzip and
 * socket.io-client with engine.io-client weighs about 13 KB of it, mostly for transports we do not
 * use; this client is about 1.5 KB. socket.io's maintainers publish the same approach as their
 * "basic WebSocket-only client" example. The server stays the real socket.io 4.
 */
import {
  CLIENT_DISCONNECT,
  RESERVED_TRANSPORT_EVENTS,
  BaseTransport,
  emitWithTimeout,
  type SignalingTransport,
} from './transport.js';

export interface IoSocketOptions {
  /** Handshake query parameters. */
  query?: Record<string, string> | undefined;
  /** The socket.io path (default `/socket.io/`). */
  path?: string | undefined;
  /** Milliseconds to wait for the connection (default 20000). */
  timeout?: number | undefined;
}

/** Engine.io packet types. */
const OPEN = '0';
const CLOSE = '1';
const PING = '2';
const PONG = '3';
const MESSAGE = '4';
/** Socket.io packet types (inside an engine.io message). */
const CONNECT = '0';
const DISCONNECT = '1';
const EVENT = '2';
const ACK = '3';
const CONNECT_ERROR = '4';

/** The socket.io transport: the default for every URL whose scheme has no registered transport. */
export class IoSocket extends BaseTransport implements SignalingTransport {
  id: string | undefined;
  connected = false;
  /** The WebSocket opened (its HTTP upgrade was accepted), whatever happened after. */
  upgraded = false;
  readonly #url: string;
  readonly #namespace: string;
  readonly #timeout: number;
  #ws: WebSocket | undefined;
  #heartbeat: ReturnType<typeof setTimeout> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #pingWindow = 0;

  constructor(url: string, options: IoSocketOptions = {}) {
    super();
    // Relative URLs resolve against the page's location, when there is one.
    const base = (globalThis as { location?: { href: string } }).location?.href;
    const parsed = new URL(url, base);
    this.#namespace = parsed.pathname.replace(/\/+$/, '') || '/';
    const path = options.path ?? '/socket.io/';
    const query = new URLSearchParams(options.query);
    query.set('EIO', '4');
    query.set('transport', 'websocket');
    const scheme = parsed.protocol === 'https:' || parsed.protocol === 'wss:' ? 'wss:' : 'ws:';
    this.#url = `${scheme}//${parsed.host}${path}?${query.toString()}`;
    this.#timeout = options.timeout ?? 20_000;
  }

  /** Opens the connection; `connect` or `connect_error` follows. */
  connect(): this {
    if (this.#ws) return this;
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    this.#connectTimer = setTimeout(() => this.#fail('timeout'), this.#timeout);
    ws.onopen = () => (this.upgraded = true);
    ws.onmessage = ({ data }: MessageEvent) => {
      if (typeof data === 'string') this.#onPacket(data);
    };
    ws.onclose = () => this.#closed(this.connected ? 'transport close' : 'websocket error');
    ws.onerror = () => {
      if (!this.connected) this.#fail('websocket error');
    };
    return this;
  }

  /** Emits an event. A function as last argument asks for an acknowledgement. */
  emit(event: string, ...args: unknown[]): this {
    if (!this.connected) return this;
    const id = this.ackId(args);
    this.#write(
      `${MESSAGE}${EVENT}${this.#nsPrefix()}${id ?? ''}${JSON.stringify([event, ...args])}`,
    );
    return this;
  }

  /** Emits with an acknowledgement that fails after `timeoutMs`: `ack(error | null, ...args)`. */
  emitWithTimeout(
    timeoutMs: number,
    event: string,
    args: unknown[],
    ack: (error: Error | null, ...args: unknown[]) => void,
  ): void {
    emitWithTimeout(this, timeoutMs, event, args, ack);
  }

  /**
   * Closes the connection; `disconnect` follows with reason `io client disconnect`. `silently`
   * skips the disconnect packet: the server sees the connection drop (a resumable session).
   */
  disconnect(silently = false): this {
    if (this.connected && !silently) this.#write(`${MESSAGE}${DISCONNECT}${this.#nsPrefix()}`);
    this.#closed(CLIENT_DISCONNECT);
    return this;
  }

  #onPacket(packet: string): void {
    const type = packet[0];
    if (type === PING) {
      this.#write(PONG);
      this.#armHeartbeat();
    } else if (type === OPEN) {
      const open = JSON.parse(packet.slice(1)) as { pingInterval?: number; pingTimeout?: number };
      this.#pingWindow = (open.pingInterval ?? 25_000) + (open.pingTimeout ?? 20_000);
      this.#armHeartbeat();
      this.#write(`${MESSAGE}${CONNECT}${this.#nsPrefix()}`);
    } else if (type === MESSAGE) {
      this.#onMessage(packet.slice(1));
    } else if (type === CLOSE) {
      this.#closed('transport close');
    }
  }

  #onMessage(body: string): void {
    const type = body[0];
    let rest = body.slice(1);
    if (this.#namespace !== '/' && rest.startsWith(`${this.#namespace},`)) {
      rest = rest.slice(this.#namespace.length + 1);
    }
    const match = /^(\d*)([\s\S]*)$/.exec(rest);
    const id = match?.[1] ? Number(match[1]) : undefined;
    const payload = match?.[2] ? (JSON.parse(match[2]) as unknown) : undefined;
    if (type === CONNECT) {
      clearTimeout(this.#connectTimer);
      this.connected = true;
      this.id = (payload as { sid?: string } | undefined)?.sid;
      this.dispatch('connect');
    } else if (type === CONNECT_ERROR) {
      this.#fail((payload as { message?: string } | undefined)?.message ?? 'connect error');
    } else if (type === EVENT && Array.isArray(payload) && typeof payload[0] === 'string') {
      const [event, ...args] = payload as [string, ...unknown[]];
      if (RESERVED_TRANSPORT_EVENTS.has(event)) return;
      if (id !== undefined) {
        args.push((...reply: unknown[]) => {
          this.#write(`${MESSAGE}${ACK}${this.#nsPrefix()}${id}${JSON.stringify(reply)}`);
        });
      }
      this.dispatch(event, ...args);
    } else if (type === ACK && id !== undefined && Array.isArray(payload)) {
      this.acknowledged(id, payload as unknown[]);
    } else if (type === DISCONNECT) {
      this.#closed('io server disconnect');
    }
  }

  #nsPrefix(): string {
    return this.#namespace === '/' ? '' : `${this.#namespace},`;
  }

  #write(packet: string): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(packet);
  }

  #armHeartbeat(): void {
    clearTimeout(this.#heartbeat);
    this.#heartbeat = setTimeout(() => this.#closed('ping timeout'), this.#pingWindow);
  }

  /** The connection attempt failed (`connect_error`); nothing happens once connected. */
  #fail(message: string): void {
    if (!this.connected) this.#closed(message);
  }

  #closed(reason: string): void {
    if (!this.#ws) return;
    const wasConnected = this.connected;
    this.#teardown();
    this.ended(wasConnected, reason);
  }

  #teardown(): void {
    clearTimeout(this.#heartbeat);
    clearTimeout(this.#connectTimer);
    const ws = this.#ws;
    this.#ws = undefined;
    this.connected = false;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
    }
  }
}
