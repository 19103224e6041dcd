import { ContextEvent as ContextRequestEvent } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RoomConnection, RoomEvents, Unsubscribe } from '../../engine/index.js';
import { roomContext } from '../context.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Finds the room connection for an element, from the enclosing `<rtc-room>` (context) or from the
 * `<rtc-room>` it names by id, follows it when it changes, and re-renders the host on the given
 * engine events. Everything is unsubscribed when the host leaves the DOM.
 */
export class RoomController implements ReactiveController {
  connection: RoomConnection | undefined;
  readonly #host: Host;
  readonly #roomId: () => string | null | undefined;
  readonly #events: readonly (keyof RoomEvents)[];
  #unsubscribeContext: (() => void) | undefined;
  #unsubscribeEvents: Unsubscribe[] = [];
  #connected = false;
  /** One deferred retry per lookup, so a missing room never causes a loop. */
  #retried = false;

  constructor(
    host: Host,
    options: { roomId: () => string | null | undefined; events: (keyof RoomEvents)[] },
  ) {
    this.#host = host;
    this.#roomId = options.roomId;
    this.#events = options.events;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#retried = false;
    this.#request();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribeContext?.();
    this.#unsubscribeContext = undefined;
    this.#setConnection(undefined);
  }

  /** Looks the room up again (call when the `room` attribute changes). */
  refresh(): void {
    if (!this.#connected) return;
    this.#unsubscribeContext?.();
    this.#unsubscribeContext = undefined;
    this.#setConnection(undefined);
    this.#retried = false;
    this.#request();
  }

  #request(): void {
    const id = this.#roomId();
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
          this.#setConnection(value);
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
          this.#roomId() === id
        ) {
          this.#request();
        }
      }),
    );
  }

  #setConnection(connection: RoomConnection | undefined): void {
    if (connection === this.connection) return;
    for (const unsubscribe of this.#unsubscribeEvents) unsubscribe();
    this.#unsubscribeEvents = [];
    this.connection = connection;
    if (connection) {
      const update = () => this.#host.requestUpdate();
      this.#unsubscribeEvents = this.#events.map((event) => connection.on(event, update));
    }
    this.#host.requestUpdate();
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
