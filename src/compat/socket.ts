/**
 * `connection.socket` for RTCMultiConnection pages: one object for the page's whole life. Its
 * listeners move to each new signaling connection (after a reconnect, or a new room), and what it
 * emits before the connection is up is sent once it is (v3 pages use the socket synchronously,
 * right after `getSocket()`).
 */
type Listener = (...args: unknown[]) => void;

/** The engine socket's shape (socket.io-like). */
export interface RawSocket {
  readonly connected: boolean;
  id?: string | undefined;
  emit(event: string, ...args: unknown[]): unknown;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

const MAX_QUEUED = 256;

export class LegacySocket {
  #raw: RawSocket | undefined;
  readonly #listeners: [string, Listener][] = [];
  #queue: unknown[][] = [];

  get connected(): boolean {
    return !!this.#raw?.connected;
  }

  get id(): string | undefined {
    return this.#raw?.id;
  }

  /** Sends an event (with an acknowledgement function last, if any); queued until connected. */
  emit(event: string, ...args: unknown[]): this {
    if (this.#raw?.connected) this.#raw.emit(event, ...args);
    else if (this.#queue.length < MAX_QUEUED) this.#queue.push([event, ...args]);
    return this;
  }

  on(event: string, listener: Listener): this {
    this.#listeners.push([event, listener]);
    this.#raw?.on(event, listener);
    return this;
  }

  once(event: string, listener: Listener): this {
    const once: Listener = (...args) => {
      this.off(event, once);
      listener(...args);
    };
    return this.on(event, once);
  }

  off(event: string, listener?: Listener): this {
    const removed = this.#listeners.filter(
      ([name, fn]) => name === event && (!listener || fn === listener),
    );
    for (const entry of removed) {
      this.#listeners.splice(this.#listeners.indexOf(entry), 1);
      this.#raw?.off(entry[0], entry[1]);
    }
    return this;
  }

  /** Follows the engine's current socket (undefined while there is none). */
  bind(raw: RawSocket | undefined): void {
    if (raw === this.#raw) return this.flush();
    for (const [event, listener] of this.#listeners) this.#raw?.off(event, listener);
    this.#raw = raw;
    for (const [event, listener] of this.#listeners) raw?.on(event, listener);
    this.flush();
  }

  flush(): void {
    const raw = this.#raw;
    if (!raw?.connected) return;
    const queued = this.#queue;
    this.#queue = [];
    for (const [event, ...args] of queued) raw.emit(event as string, ...args);
  }
}
