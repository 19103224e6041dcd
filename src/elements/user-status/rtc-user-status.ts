import { LitElement, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Extra, MuteState, RoomConnection } from '../../engine/index.js';
import type { AudioLevelsController } from '../controllers/audio-levels.js';
import { RoomController } from '../controllers/room-controller.js';
import { define } from '../shared/define.js';
import { displayName } from '../shared/names.js';
import { ElementText, type Strings } from '../shared/strings.js';
import { USER_STATUS } from './strings.js';
import { styles } from './rtc-user-status.styles.js';

interface Person {
  userId: string;
  extra: Extra;
  self: boolean;
  online: boolean;
  owner: boolean;
  muted: MuteState;
  speaking: boolean;
}

/**
 * The people of a room: you (marked as you) and everyone else, with name, online/offline,
 * an owner badge, microphone and camera muted state and a speaking indicator measured from the
 * audio level. People who left stay listed as offline. With `user-id` it shows one person.
 * Place it inside an `<rtc-room>`, or anywhere with `room="<id of an rtc-room>"`.
 *
 * @summary Presence list: who is here, who owns the room, who is muted or speaking.
 *
 * @csspart base - The list (`<ul>`).
 * @csspart person - One person (`<li>`); carries `data-user-id`, `data-status`, and `data-speaking` while speaking.
 * @csspart name - The name.
 * @csspart you - The "(you)" marker.
 * @csspart status - The online/offline label.
 * @csspart owner - The owner badge.
 * @csspart mic - The microphone state.
 * @csspart camera - The camera state.
 * @csspart speaking - The speaking indicator.
 *
 * @cssprop --rtc-user-status-gap - Space between people (default 4px).
 * @cssprop --rtc-user-status-online-color - Online dot (default #16a34a).
 * @cssprop --rtc-user-status-offline-color - Offline dot (default #9ca3af).
 * @cssprop --rtc-color-accent - Owner badge and speaking indicator (default #2563eb).
 */
export class RtcUserStatus extends LitElement {
  static override styles = styles;

  static override properties = {
    room: {},
    userId: { attribute: 'user-id' },
    strings: { attribute: false },
  };

  readonly #text = new ElementText(this, 'rtc-user-status', USER_STATUS);
  readonly #room = new RoomController(this, {
    roomId: () => this.room,
    events: [
      'joined',
      'left',
      'participant-joined',
      'participant-left',
      'participant-updated',
      'participant-renamed',
      'owner-changed',
      'mute',
      'unmute',
      'stream',
      'stream-ended',
      'extra-updated',
      'user-id',
    ],
  });
  /** Who speaks (Web Audio meters): loaded the first time there is a stream with sound to measure. */
  #levels: AudioLevelsController | undefined;
  #loadingLevels = false;
  /** Everyone seen in this room connection, so that people who left show as offline. */
  #seen = new Map<string, Extra>();
  #seenFor: RoomConnection | undefined;

  /** Id of the `<rtc-room>` to show, when not inside it. */
  declare room: string;

  /** Show only this person. */
  declare userId: string;

  /** Phrases of this element to use instead of the page's or English ones (see `setStrings`). */
  declare strings: Strings<typeof USER_STATUS> | undefined;

  constructor() {
    super();
    this.room = '';
    this.userId = '';
  }

  protected override willUpdate(): void {
    this.#track();
  }

  /** The people shown, in order: you first, then by arrival; offline people last. */
  get people(): Person[] {
    return this.#people();
  }

  #track(): void {
    const connection = this.#room.connection;
    if (connection !== this.#seenFor) {
      this.#seen = new Map();
      this.#seenFor = connection;
    }
    if (!connection) {
      this.#levels?.observe(new Map());
      return;
    }
    for (const p of connection.participants) this.#seen.set(p.userId, p.extra);
    // One meter per user: the stream carrying its microphone.
    const audio = new Map<string, MediaStream>();
    for (const info of connection.streams) {
      if (!info.isScreen && info.stream.getAudioTracks().length > 0 && !audio.has(info.userId)) {
        audio.set(info.userId, info.stream);
      }
    }
    if (this.#levels) this.#levels.observe(audio);
    else if (audio.size > 0 && !this.#loadingLevels) {
      this.#loadingLevels = true;
      import('../controllers/audio-levels.js').then(
        ({ AudioLevelsController }) => {
          this.#levels = new AudioLevelsController(this);
          this.requestUpdate();
        },
        () => (this.#loadingLevels = false),
      );
    }
  }

  #people(): Person[] {
    const connection = this.#room.connection;
    if (!connection) return [];
    const online = new Map(connection.participants.map((p) => [p.userId, p.extra]));
    const person = (userId: string, extra: Extra, self: boolean, isOnline: boolean): Person => ({
      userId,
      extra,
      self,
      online: isOnline,
      owner: connection.owner === userId,
      muted: connection.muteState(userId),
      speaking: isOnline && !!this.#levels?.isSpeaking(userId),
    });
    const joined = connection.state === 'joined';
    const list = [person(connection.userId, connection.extra, true, joined)];
    for (const [userId, extra] of online) list.push(person(userId, extra, false, true));
    for (const [userId, extra] of this.#seen) {
      if (!online.has(userId) && userId !== connection.userId)
        list.push(person(userId, extra, false, false));
    }
    return this.userId ? list.filter((p) => p.userId === this.userId) : list;
  }

  protected override render() {
    const people = this.#people();
    return html`
      <ul part="base" class="list" aria-label=${this.#text.t('list')}>
        ${repeat(
          people,
          (p) => p.userId,
          (p) => this.#person(p),
        )}
      </ul>
    `;
  }

  #person(p: Person) {
    const name = displayName(p.extra) ?? p.userId;
    const status = p.online ? 'online' : 'offline';
    const { t } = this.#text;
    return html`
      <li
        part="person"
        class="person"
        data-user-id=${p.userId}
        data-status=${status}
        ?data-speaking=${p.speaking}
      >
        <span class="dot ${status}" aria-hidden="true"></span>
        <span part="name" class="name">${name}</span>
        ${p.self ? html`<span part="you" class="you">${t('you')}</span>` : nothing}
        <span part="status" class="status">${t(status)}</span>
        ${p.owner ? html`<span part="owner" class="badge">${t('owner')}</span>` : nothing}
        <span
          part="mic"
          class="state ${p.muted.audio ? '' : 'sr-only'}"
          data-muted=${p.muted.audio}
        >
          ${t(p.muted.audio ? 'micMuted' : 'micOn')}
        </span>
        <span
          part="camera"
          class="state ${p.muted.video ? '' : 'sr-only'}"
          data-muted=${p.muted.video}
        >
          ${t(p.muted.video ? 'cameraOff' : 'cameraOn')}
        </span>
        <span part="speaking" class="speaking" ?hidden=${!p.speaking}>${t('speaking')}</span>
      </li>
    `;
  }
}

define('rtc-user-status', RtcUserStatus);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-user-status': RtcUserStatus;
  }
}
