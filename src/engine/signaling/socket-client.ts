import { ErrorCode, RtcError } from '../errors.js';
import { Emitter, type Unsubscribe } from '../util/emitter.js';
import {
  parseRelayEnvelope,
  ROOM_ERRORS,
  type ClientToServerEvents,
  type HandshakeQuery,
  type RelayEnvelope,
  type ServerToClientEvents,
} from '../../protocol/index.js';
import { createTransport } from './registry.js';
import { CLIENT_DISCONNECT, emitWithTimeout, type SignalingTransport } from './transport.js';

type AckArgs<E extends keyof ClientToServerEvents> =
  Parameters<ClientToServerEvents[E]> extends [...unknown[], (...args: infer A) => void]
    ? A
    : never;
type RequestArgs<E extends keyof ClientToServerEvents> =
  Parameters<ClientToServerEvents[E]> extends [...infer P, (...args: never[]) => void] ? P : never;

export interface SignalingClientOptions {
  /**
   * The signaling service: a socket.io server URL (origin, optionally with a namespace path), or
   * a URL of a registered transport's scheme (`broadcast-channel:`).
   */
  url: string;
  query: HandshakeQuery & Record<string, string>;
  /** Relay event name (the handshake's `msgEvent`). */
  messageEvent: string;
  /** How long to wait for the connection and for each acknowledgement. */
  timeoutMs?: number;
}

interface SignalingEvents {
  relay: RelayEnvelope<unknown>;
  /** The socket closed after having been connected. */
  lost: { reason: string };
  'userid-taken': { takenId: string; suggestedId: string };
}

/**
 * One signaling connection speaking the v3 protocol over any {@link SignalingTransport}: typed
 * requests with acknowledgements that reject (instead of hanging) on timeout or disconnect, and
 * the relay envelope in and out.
 */
export class SignalingClient extends Emitter<SignalingEvents> {
  /** The transport (v3 `connection.socket`): `emit()`, `on()`, `off()`. */
  readonly socket: SignalingTransport;
  readonly #timeoutMs: number;
  readonly #messageEvent: string;
  #closeReason: RtcError | undefined;
  #pending = new Set<(error: RtcError) => void>();

  constructor(options: SignalingClientOptions) {
    super();
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#messageEvent = options.messageEvent;
    this.socket = createTransport(options.url, { query: options.query, timeout: this.#timeoutMs });
    this.onServer('userid-already-taken', (takenId, suggestedId) => {
      this.#closeReason = new RtcError(
        ErrorCode.USERID_TAKEN,
        `User id "${takenId}" is already taken`,
      );
      this.emit('userid-taken', { takenId, suggestedId });
    });
    this.socket.on('disconnect', (cause) => {
      const reason = String(cause);
      const error =
        this.#closeReason ??
        new RtcError(ErrorCode.SIGNALING_LOST, `Signaling connection lost (${reason})`);
      this.#failPending(error);
      if (reason !== CLIENT_DISCONNECT) this.emit('lost', { reason });
    });
    // Only the server writes what arrives here; still, nothing malformed gets past this point.
    this.socket.on(this.#messageEvent, (raw) => {
      const envelope = parseRelayEnvelope(raw);
      if (envelope) this.emit('relay', envelope);
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Connects; rejects with SIGNALING_UNREACHABLE when the server cannot be reached. */
  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    if (this.#closeReason) return Promise.reject(this.#closeReason);
    return new Promise<void>((resolve, reject) => {
      // `connect` calls it with nothing, a failure with the error.
      const settle = (error?: unknown) => {
        this.#pending.delete(settle);
        this.socket.off('connect', settle);
        this.socket.off('connect_error', onError);
        if (error instanceof Error) reject(error);
        else resolve();
      };
      const onError = (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        settle(
          reason === ROOM_ERRORS.UNAUTHORIZED
            ? new RtcError(
                ErrorCode.UNAUTHORIZED,
                'The server requires a valid room token (the token attribute)',
                { cause: error },
              )
            : new RtcError(
                ErrorCode.SIGNALING_UNREACHABLE,
                `Cannot reach the signaling server: ${reason}`,
                { cause: error },
              ),
        );
        this.socket.disconnect();
      };
      this.#pending.add(settle);
      this.socket.on('connect', settle);
      this.socket.on('connect_error', onError);
      this.socket.connect();
    });
  }

  /** Emits a request and resolves with the acknowledgement's arguments. */
  request<E extends keyof ClientToServerEvents>(
    event: E,
    ...args: RequestArgs<E>
  ): Promise<AckArgs<E>> {
    return this.requestWithin(this.#timeoutMs, event, ...args);
  }

  /** {@link request} with its own time limit (for answers that wait on a person). */
  requestWithin<E extends keyof ClientToServerEvents>(
    timeoutMs: number,
    event: E,
    ...args: RequestArgs<E>
  ): Promise<AckArgs<E>> {
    if (this.#closeReason) return Promise.reject(this.#closeReason);
    if (!this.socket.connected) {
      return Promise.reject(
        new RtcError(ErrorCode.SIGNALING_LOST, 'Not connected to the signaling server'),
      );
    }
    return new Promise<AckArgs<E>>((resolve, reject) => {
      const fail = (error: RtcError) => {
        this.#pending.delete(fail);
        cancel();
        reject(error);
      };
      this.#pending.add(fail);
      const cancel = emitWithTimeout(this.socket, timeoutMs, event, args, (err, ...ack) => {
        if (!this.#pending.delete(fail)) return;
        if (err) {
          reject(
            this.#closeReason ??
              new RtcError(
                ErrorCode.SIGNALING_TIMEOUT,
                `The server did not answer "${event}" in time`,
              ),
          );
        } else {
          resolve(ack as AckArgs<E>);
        }
      });
    });
  }

  /** Emits a fire-and-forget event. */
  notify<E extends keyof ClientToServerEvents>(
    event: E,
    ...args: Parameters<ClientToServerEvents[E]>
  ): void {
    if (this.socket.connected) this.socket.emit(event, ...args);
  }

  /** Sends a relay envelope (the server fills in the real sender). */
  relay(envelope: RelayEnvelope<unknown>): void {
    if (this.socket.connected) this.socket.emit(this.#messageEvent, envelope);
  }

  /** Emits a room-scoped custom event (v3 `socketCustomEvent`). */
  emitCustom(event: string, data: unknown): void {
    if (this.socket.connected) this.socket.emit(event, data);
  }

  /** Listens to a custom event; returns the unsubscribe function. */
  onCustom(event: string, listener: (data: unknown) => void): Unsubscribe {
    this.socket.on(event, listener);
    return () => {
      this.socket.off(event, listener);
    };
  }

  /** Subscribes to a server event; returns the unsubscribe function. */
  onServer<E extends keyof ServerToClientEvents>(
    event: E,
    listener: ServerToClientEvents[E],
  ): Unsubscribe {
    const untyped = listener as (...args: unknown[]) => void;
    this.socket.on(event, untyped);
    return () => {
      this.socket.off(event, untyped);
    };
  }

  /** Closes the connection (`silently`: as if the network dropped it, so the server keeps our place). */
  close(silently = false): void {
    this.#closeReason ??= new RtcError(ErrorCode.ABORTED, 'The signaling connection was closed');
    this.#failPending(this.#closeReason);
    this.socket.removeAllListeners();
    this.socket.disconnect(silently);
    this.clear();
  }

  #failPending(error: RtcError): void {
    for (const fail of [...this.#pending]) fail(error);
  }
}
