import { ContextEvent as ContextRequestEvent } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RoomConnection, RoomEvents, Unsubscribe } from '../../engine/index.js';
import { roomContext } from '../context.js';

type Host = ReactiveControllerHost & HTMLElement;

export interface RoomControllerOptions {
  /**
   * Id of the `<rtc-room>` to follow when the host is not inside one (its `room` attribute). Left
   * out by `<rtc-room>` itself, which sets `connection` to the one it owns.
   */
  roomId?: () => string | null | undefined;
  /** Engine events after which the host renders again. */
  events?: (keyof RoomEvents)[];
  /** Subscribes the host's own handlers to each connection it follows; returns their unsubscribes. */
  subscribe?: (connection: RoomConnection) => Unsubscribe[];
}

/**
 * The one way elements subscribe to engine events. Finds the room connection for an element, from
 * the enclosing `<rtc-room>` (context) or from the `<rtc-room>` it names by id, follows it when it
 * changes, re-renders the host on the given engine events and runs the host's own handlers
 * (`subscribe`). Everything is unsubscribed when the host leaves the DOM.
 *
 * `<rtc-room>` owns its connection: it sets `connection` itself (no `roomId`), and its handlers
 * stay subscribed while it is out of the DOM, until it sets `undefined` after leaving, so the
 * events of leaving (`rtc-left`) still reach the page.
 */
export class RoomController implements ReactiveController {
  readonly #host: Host;
  readonly #roomId: (() => string | null | undefined) | undefined;
  readonly #events: readonly (keyof RoomEvents)[];
  readonly #subscribe: ((connection: RoomConnection) => Unsubscribe[]) | undefined;
  #connection: RoomConnection | undefined;
  #unsubscribeContext: (() => void) | undefined;
  #unsubscribeEvents: Unsubscribe[] = [];
  #connected = false;
  /** One deferred retry per lookup, so a missing room never causes a loop. */
  #retried = false;
  /** The room id of the last lookup: when the host's differs, it looks again. */
  #lookedUp: string | null | undefined;

  constructor(host: Host, options: RoomControllerOptions = {}) {
    this.#host = host;
    this.#roomId = options.roomId;
    this.#events = options.events ?? [];
    this.#subscribe = options.subscribe;
    host.addController(this);
  }

  /** The room connection followed; setting it subscribes to the new one (and re-renders the host). */
  get connection(): RoomConnection | undefined {
    return this.#connection;
  }

  set connection(connection: RoomConnection | undefined) {
    if (connection === this.#connection) return;
    for (const unsubscribe of this.#unsubscribeEvents) unsubscribe();
    this.#connection = connection;
    this.#unsubscribeEvents = [];
    if (connection) {
      const update = () => this.#host.requestUpdate();
      this.#unsubscribeEvents = [
        ...this.#events.map((event) => connection.on(event, update)),
        ...(this.#subscribe?.(connection) ?? []),
      ];
    }
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    if (!this.#roomId) return;
    this.#connected = true;
    this.#retried = false;
    this.#request();
  }

  hostDisconnected(): void {
    if (!this.#roomId) return;
    this.#connected = false;
    this.#unsubscribeContext?.();
    this.#unsubscribeContext = undefined;
    this.connection = undefined;
  }

  /**
   * Before each render: the host now names another room (its `room` attribute changed, even
   * before its first render): look it up again.
   */
  hostUpdate(): void {
    if (this.#connected && this.#roomId && this.#roomId() !== this.#lookedUp) this.refresh();
  }

  /** Looks the room up again. */
  refresh(): void {
    if (!this.#connected) return;
    this.hostDisconnected();
    this.hostConnected();
  }

  #request(): void {
    const id = this.#roomId?.();
    this.#lookedUp = id;
    let target: Element | null = this.#host;
    if (id) {
      target = findById(this.#host, id);
      if (!target) {
        // The named room may be added later in the same task (templating libraries).
        this.#deferRetry(id, Promise.resolve());
        return;
      }
    }
    const request = { answered: false };
    target.dispatchEvent(
      new ContextRequestEvent(
        roomContext,
        this.#host,
        (value, unsubscribe) => {
          request.answered = true;
          if (unsubscribe) this.#unsubscribeContext = unsubscribe;
          this.connection = value;
        },
        true,
      ),
    );
    // The providing <rtc-room> may not be upgraded yet: ask again once it is.
    if (!request.answered) this.#deferRetry(id, customElements.whenDefined('rtc-room'));
  }

  #deferRetry(id: string | null | undefined, after: Promise<unknown>): void {
    if (this.#retried) return;
    this.#retried = true;
    void after.then(() =>
      setTimeout(() => {
        if (
          this.#connected &&
          !this.#unsubscribeContext &&
          !this.connection &&
          this.#roomId?.() === id
        ) {
          this.#request();
        }
      }),
    );
  }
}

/** The element with this id in the host's tree, or in the trees around it (a host inside a shadow root). */
function findById(host: Element, id: string): Element | null {
  let root = host.getRootNode() as Document | ShadowRoot;
  for (;;) {
    const found = root.getElementById(id);
    if (found || !(root instanceof ShadowRoot)) return found;
    root = root.host.getRootNode() as Document | ShadowRoot;
  }
}
