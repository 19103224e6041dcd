import { LitElement, html, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ErrorCode } from '../../engine/index.js';
import { RoomController } from '../controllers/room-controller.js';
import { define, query } from '../shared/define.js';
import { fireError } from '../shared/errors.js';
import { nameOf } from '../shared/names.js';
import { ElementText, type Strings } from '../shared/strings.js';
import { styles } from './rtc-chat.styles.js';
import { CHAT } from './strings.js';

export interface ChatMessage {
  id: number;
  userId: string;
  text: string;
  /** Milliseconds since the epoch, when it was sent (ours) or received. */
  at: number;
  self: boolean;
}

/** How close to the bottom (px) a reader must be for new messages to scroll the log. */
const STICKY_PX = 48;

/**
 * Text chat for a room: the room's text messages (strings sent with `send()`, as RTCMultiConnection
 * pages send them too) with sender names and times, and an input to send. New messages scroll the
 * log only when the reader is at the bottom; otherwise a button offers to jump to them. Text is
 * always rendered as text, never parsed as HTML.
 *
 * @summary Text chat over the room's data channels.
 *
 * @csspart base - The wrapper.
 * @csspart log - The scrolling message log (`role="log"`) around the list.
 * @csspart message - One message; carries `data-user-id` and `data-self` for your own.
 * @csspart sender - The sender's name.
 * @csspart time - The time (`<time>`).
 * @csspart text - The message text.
 * @csspart jump - The "new messages" button shown while scrolled up.
 * @csspart form - The send form.
 * @csspart input - The text input.
 * @csspart send - The send button.
 *
 * @cssprop --rtc-chat-height - Height of the message list (default 240px).
 * @cssprop --rtc-color-accent - Send button and your own messages (default #2563eb).
 */
export class RtcChat extends LitElement {
  static override styles = styles;

  static override properties = {
    messages: { state: true, attribute: false },
    unseen: { state: true, attribute: false },
    room: {},
    maxMessages: { type: Number, attribute: 'max-messages' },
    placeholder: {},
    strings: { attribute: false },
  };

  readonly #room = new RoomController(this, {
    roomId: () => this.room,
    events: ['joined', 'left', 'participant-joined', 'participant-updated', 'extra-updated'],
    subscribe: (connection) => [
      connection.on('message', ({ userId, data }) => {
        if (typeof data === 'string') this.#add(userId, data, false);
      }),
    ],
  });
  readonly #text = new ElementText(this, 'rtc-chat', CHAT);
  #nextId = 0;
  #stick = true;

  private get log(): HTMLElement {
    return query(this, '.log') as HTMLElement;
  }
  private get input(): HTMLInputElement {
    return query(this, 'input') as HTMLInputElement;
  }

  declare private messages: ChatMessage[];
  declare private unseen: number;

  /** Id of the `<rtc-room>` to chat in, when not inside it. */
  declare room: string;

  /** Most messages kept (older ones are dropped). */
  declare maxMessages: number;

  /** Placeholder of the input (default: the `placeholder` phrase of its language). */
  declare placeholder: string;

  /** Phrases of this element to use instead of the page's or English ones (see `setStrings`). */
  declare strings: Strings<typeof CHAT> | undefined;

  constructor() {
    super();
    this.messages = [];
    this.unseen = 0;
    this.room = '';
    this.maxMessages = 500;
    this.placeholder = '';
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('messages') && this.#stick) this.log.scrollTop = this.log.scrollHeight;
  }

  #add(userId: string, text: string, self: boolean): void {
    const log = this.log as HTMLElement | null;
    // Sticky only while the reader is at the bottom (or has not scrolled at all).
    this.#stick = !log || log.scrollHeight - log.scrollTop - log.clientHeight <= STICKY_PX;
    if (!this.#stick) this.unseen++;
    const message: ChatMessage = { id: this.#nextId++, userId, text, at: Date.now(), self };
    this.messages = [...this.messages, message].slice(-Math.max(1, this.maxMessages));
  }

  #name(message: ChatMessage): string {
    return message.self ? this.#text.t('you') : nameOf(this.#room.connection, message.userId);
  }

  #onScroll = () => {
    const log = this.log;
    if (log.scrollHeight - log.scrollTop - log.clientHeight <= STICKY_PX) this.unseen = 0;
  };

  #jump = () => {
    this.log.scrollTop = this.log.scrollHeight;
    this.unseen = 0;
  };

  #submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const text = this.input.value.trim();
    const connection = this.#room.connection;
    if (!text || !connection) return;
    try {
      await connection.send(text);
      this.input.value = '';
      this.#stick = true;
      this.#add(connection.userId, text, true);
    } catch (error) {
      fireError(this, error, ErrorCode.SEND_FAILED);
    }
  };

  /** Messages shown, oldest first. */
  get history(): readonly ChatMessage[] {
    return this.messages;
  }

  /** Sends a text message to everyone in the room, as if typed. */
  async sendMessage(text: string): Promise<void> {
    const connection = this.#room.connection;
    if (!connection) return;
    await connection.send(text);
    this.#stick = true;
    this.#add(connection.userId, text, true);
  }

  /** Empties the message list. */
  clear(): void {
    this.messages = [];
    this.unseen = 0;
  }

  protected override render() {
    const joined = this.#room.connection?.state === 'joined';
    const { t } = this.#text;
    const time = new Intl.DateTimeFormat(this.#text.language, {
      hour: '2-digit',
      minute: '2-digit',
    });
    return html`
      <div part="base" class="base">
        <div
          part="log"
          class="log"
          role="log"
          aria-label=${t('log')}
          aria-live="polite"
          tabindex="0"
          @scroll=${this.#onScroll}
        >
          <ol class="messages">
            ${repeat(
              this.messages,
              (m) => m.id,
              (m) => html`
                <li part="message" class="message" data-user-id=${m.userId} ?data-self=${m.self}>
                  <span part="sender" class="sender">${this.#name(m)}</span>
                  <time part="time" class="time" datetime=${new Date(m.at).toISOString()}
                    >${time.format(m.at)}</time
                  >
                  <span part="text" class="text">${m.text}</span>
                </li>
              `,
            )}
          </ol>
        </div>
        <button
          part="jump"
          class="jump"
          type="button"
          ?hidden=${this.unseen === 0}
          @click=${this.#jump}
        >
          ${t('unseen', { count: this.unseen })}
        </button>
        <form part="form" class="form" @submit=${this.#submit}>
          <input
            part="input"
            aria-label=${t('input')}
            placeholder=${this.placeholder || t('placeholder')}
            autocomplete="off"
            maxlength="10000"
            ?disabled=${!joined}
          />
          <button part="send" type="submit" ?disabled=${!joined}>${t('send')}</button>
        </form>
      </div>
    `;
  }
}

define('rtc-chat', RtcChat);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-chat': RtcChat;
  }
}
