import { LitElement, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import {
  ErrorCode,
  RtcError,
  type FileTransferInfo,
  type RoomConnection,
  type Unsubscribe,
} from '../../engine/index.js';
import { RoomController } from '../controllers/room-controller.js';
import { optionalNumber } from '../shared/converters.js';
import { define, query } from '../shared/define.js';
import { fireError } from '../shared/errors.js';
import { nameOf } from '../shared/names.js';
import { ElementText, type Strings } from '../shared/strings.js';
import { styles } from './rtc-file-share.styles.js';
import { FILE_SHARE } from './strings.js';
import {
  accepts,
  formatBytes,
  formatEta,
  newTransfer,
  percent,
  progressed,
  transferKey,
  type Transfer,
  type TransferState,
} from './transfer-list.js';

/**
 * File sharing for a room: a button and a drop zone to send files, and every transfer of the room
 * (however it was started) with an accessible progress bar, percentage, speed, time left, a
 * cancel button and, once received and verified, a download link. File names are text, never HTML.
 *
 * @summary Send and receive files in a room.
 *
 * @csspart base - The wrapper.
 * @csspart drop - The drop zone (carries `data-over` while files are dragged over it).
 * @csspart pick - The "Send files" button.
 * @csspart list - The list of transfers.
 * @csspart transfer - One transfer; carries `data-state` and `data-direction`.
 * @csspart name - The file name.
 * @csspart meta - Direction, the other user and the size.
 * @csspart progress - The `<progress>` bar.
 * @csspart figures - Percentage, speed and time left, or the outcome.
 * @csspart cancel - The cancel button.
 * @csspart accept - Accept button of an offered file (`ask-before-receive`).
 * @csspart decline - Decline button of an offered file.
 * @csspart download - The download link of a received file.
 *
 * @cssprop --rtc-color-accent - Buttons, progress and the drop highlight (default #2563eb).
 */
export class RtcFileShare extends LitElement {
  static override styles = styles;

  static override properties = {
    transfers: { state: true, attribute: false },
    over: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
    room: {},
    to: {},
    accept: {},
    maxSize: { attribute: 'max-size', converter: optionalNumber },
    askBeforeReceive: { type: Boolean, attribute: 'ask-before-receive' },
    strings: { attribute: false },
  };

  readonly #room = new RoomController(this, {
    roomId: () => this.room,
    events: ['joined', 'left', 'participant-joined', 'participant-left', 'participant-updated'],
    subscribe: (connection) => this.#listen(connection),
  });

  readonly #text = new ElementText(this, 'rtc-file-share', FILE_SHARE);

  private get input(): HTMLInputElement {
    return query(this, 'input[type="file"]') as HTMLInputElement;
  }

  declare private transfers: Transfer[];
  declare private over: boolean;
  declare private announcement: string;

  /** Id of the `<rtc-room>` to share in, when not inside it. */
  declare room: string;

  /** Send only to this user (default: everyone in the room). */
  declare to: string;

  /** Which files may be picked or dropped, as `<input type=file accept>` (`.pdf,image/*`). */
  declare accept: string;

  /** Largest file, in bytes, sent or received by this element; larger ones are refused. */
  declare maxSize: number | undefined;

  /** Phrases of this element to use instead of the page's or English ones (see `setStrings`). */
  declare strings: Strings<typeof FILE_SHARE> | undefined;

  /** Ask the user (Accept / Decline in the list) before any bytes of an incoming file flow. */
  declare askBeforeReceive: boolean;

  constructor() {
    super();
    this.transfers = [];
    this.over = false;
    this.announcement = '';
    this.room = '';
    this.to = '';
    this.accept = '';
    this.askBeforeReceive = false;
  }

  /** The transfers shown, oldest first. */
  get list(): readonly Transfer[] {
    return this.transfers;
  }

  /**
   * Sends files (a `File`, an array or a `FileList`) to everyone, to `userId`, or to the `to`
   * attribute's user; returns their ids. Files over `max-size` are refused with `FILE_TOO_LARGE`.
   */
  async send(
    files: File | Blob | readonly (File | Blob)[] | FileList,
    userId?: string,
  ): Promise<string[]> {
    const connection = this.#room.connection;
    const list = files instanceof Blob ? [files] : [...files];
    const ids: string[] = [];
    for (const file of list) {
      try {
        if (!connection) throw new RtcError(ErrorCode.INVALID_STATE, 'Join the room first');
        if (this.maxSize !== undefined && file.size > this.maxSize) {
          throw new RtcError(
            ErrorCode.FILE_TOO_LARGE,
            `${(file as Partial<File>).name ?? 'file'} is larger than ${formatBytes(this.maxSize)}`,
          );
        }
        ids.push(connection.sendFile(file, userId ?? (this.to || undefined)));
      } catch (error) {
        const rtcError = fireError(this, error, ErrorCode.SEND_FAILED);
        if (list.length === 1) throw rtcError;
      }
    }
    return ids;
  }

  /** Cancels a transfer (to or from everyone); both sides clean up. */
  cancel(fileId: string): void {
    this.#room.connection?.cancelFile(fileId);
  }

  /** Opens the browser's file dialog (call it from a user gesture). */
  pick(): void {
    this.input.click();
  }

  /** Removes finished, cancelled and failed transfers from the list. */
  clear(): void {
    this.transfers = this.transfers.filter(
      (t) => t.state === 'active' || t.state === 'waiting' || t.state === 'offered',
    );
  }

  /** The room's file transfers, however they were started, as rows of the list. */
  #listen({ files }: RoomConnection): Unsubscribe[] {
    return [
      files.on('file-offer', (offer) => {
        if (this.maxSize !== undefined && offer.size > this.maxSize) {
          offer.respondWith('too-large');
          this.#set(offer, 'failed', {
            reason: this.#text.t('tooLarge', { size: formatBytes(this.maxSize) }),
          });
        } else if (this.askBeforeReceive) {
          offer.respondWith(
            new Promise<boolean>((resolve) => this.#set(offer, 'offered', { answer: resolve })),
          );
          this.#say('sayOffer', offer);
        }
      }),
      files.on('file-start', (info) => {
        this.#set(info, info.direction === 'send' ? 'waiting' : 'active', { answer: undefined });
      }),
      files.on('file-progress', (info) => this.#update(info, (t) => progressed(t, info.bytes))),
      files.on('file-end', (info) => {
        if (info.relayed) return;
        this.#set(info, 'done', { bytes: info.size, ...(info.url ? { url: info.url } : {}) });
        this.#say(info.direction === 'send' ? 'saySent' : 'sayReceived', info);
      }),
      files.on('file-cancel', (info) => {
        if (info.relayed) return;
        this.#set(info, 'cancelled', {
          reason: this.#text.t(info.by === 'local' ? 'cancelled' : 'cancelledThere'),
        });
        this.#say('sayCancelled', info);
      }),
      files.on('error', (error) => {
        if (!error.transfer) return;
        this.#set(error.transfer, 'failed', {
          reason: this.#text.t('failed', { reason: error.message }),
        });
        this.#say('sayFailed', error.transfer);
      }),
    ];
  }

  #update(info: FileTransferInfo, change: (t: Transfer) => Transfer): void {
    const key = transferKey(info);
    if (!this.transfers.some((t) => t.key === key)) return;
    this.transfers = this.transfers.map((t) => (t.key === key ? change(t) : t));
  }

  #set(info: FileTransferInfo, state: TransferState, more: Partial<Transfer> = {}): void {
    // What a relay of a scalable broadcast forwards is not this page's own transfer.
    if (info.relayed) return;
    const key = transferKey(info);
    if (!this.transfers.some((t) => t.key === key)) {
      this.transfers = [...this.transfers, newTransfer(info, state)];
    }
    this.#update(info, (t) => ({ ...t, ...more, state }));
  }

  /** Announces a transfer's news to screen readers, once. */
  #say(key: keyof typeof FILE_SHARE & `say${string}`, info: FileTransferInfo): void {
    this.announcement = this.#text.t(key, { file: info.name, name: this.#who(info.userId) });
  }

  #who(userId: string): string {
    return nameOf(this.#room.connection, userId);
  }

  #sendPicked(files: FileList | null | undefined): void {
    const picked = [...(files ?? [])];
    const refused = picked.filter((f) => !accepts(this.accept, f));
    for (const file of refused) {
      fireError(
        this,
        new RtcError(ErrorCode.INVALID_REQUEST, `${file.name} is not an accepted file type`),
      );
    }
    const wanted = picked.filter((f) => accepts(this.accept, f));
    if (wanted.length > 0) void this.send(wanted).catch(() => undefined);
  }

  #onPicked = () => {
    this.#sendPicked(this.input.files);
    this.input.value = '';
  };

  #onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.over = true;
  };

  #onDragLeave = () => {
    this.over = false;
  };

  #onDrop = (event: DragEvent) => {
    event.preventDefault();
    this.over = false;
    this.#sendPicked(event.dataTransfer?.files);
  };

  #row(t: Transfer) {
    const say = this.#text.t;
    const pct = percent(t);
    const live = t.state === 'active' || t.state === 'waiting' || t.state === 'offered';
    const figures =
      t.state === 'active'
        ? [`${pct}%`, `${formatBytes(t.speed)}/s`, formatEta(t)].filter(Boolean).join(' · ')
        : t.state === 'waiting'
          ? say('waiting')
          : t.state === 'offered'
            ? say('offered')
            : t.state === 'done'
              ? say(t.direction === 'send' ? 'sent' : 'received')
              : (t.reason ?? '');
    return html`
      <li part="transfer" class="transfer" data-state=${t.state} data-direction=${t.direction}>
        <span part="name" class="name">${t.name}</span>
        <span part="meta" class="meta"
          >${say(t.direction === 'send' ? 'to' : 'from', { name: this.#who(t.userId) })} ·
          ${formatBytes(t.size)}</span
        >
        <progress
          part="progress"
          max="100"
          .value=${pct}
          aria-label=${say('progress', { file: t.name, percent: pct })}
        ></progress>
        <span part="figures" class="figures">${figures}</span>
        <span class="actions">
          ${
            t.state === 'offered'
              ? html`<button part="accept" type="button" @click=${() => t.answer?.(true)}>
                    ${say('accept')}</button
                  ><button part="decline" type="button" @click=${() => t.answer?.(false)}>
                    ${say('decline')}
                  </button>`
              : nothing
          }
          ${
            live && t.state !== 'offered'
              ? html`<button
                  part="cancel"
                  type="button"
                  aria-label=${say('cancelFile', { file: t.name })}
                  @click=${() => this.#room.connection?.cancelFile(t.fileId, t.userId)}
                >
                  ${say('cancel')}
                </button>`
              : nothing
          }
          ${
            t.url
              ? html`<a part="download" href=${t.url} download=${t.name}>${say('download')}</a>`
              : nothing
          }
        </span>
      </li>
    `;
  }

  protected override render() {
    const joined = this.#room.connection?.state === 'joined';
    const { t } = this.#text;
    return html`
      <div part="base" class="base">
        <div
          part="drop"
          class="drop"
          ?data-over=${this.over}
          @dragover=${this.#onDragOver}
          @dragleave=${this.#onDragLeave}
          @drop=${this.#onDrop}
        >
          <button
            part="pick"
            class="pick"
            type="button"
            ?disabled=${!joined}
            @click=${() => this.pick()}
          >
            ${t('pick')}
          </button>
          <span>${t('drop')}</span>
          <input type="file" multiple hidden accept=${this.accept} @change=${this.#onPicked} />
        </div>
        <ul part="list" class="list" aria-label=${t('list')} ?hidden=${this.transfers.length === 0}>
          ${repeat(
            this.transfers,
            (t) => t.key,
            (t) => this.#row(t),
          )}
        </ul>
        <span class="sr-only" role="status" aria-live="polite">${this.announcement}</span>
      </div>
    `;
  }
}

define('rtc-file-share', RtcFileShare);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-file-share': RtcFileShare;
  }
}
