import { LitElement, css, html } from 'lit';
import { RtcError, ErrorCode } from '../../engine/index.js';
import { RoomController } from '../controllers/room-controller.js';
import { define } from '../shared/define.js';
import { fireError } from '../shared/errors.js';
import { mediaDevices } from '../shared/platform.js';
import { toggleButton } from '../shared/shared.styles.js';
import { ElementText, type Strings } from '../shared/strings.js';
import { SCREEN_BUTTON } from './strings.js';

const supported = () =>
  typeof (mediaDevices() as Partial<MediaDevices> | undefined)?.getDisplayMedia === 'function';

/**
 * Starts and stops sharing the screen in its room: as an extra stream (default), or in place of
 * the camera with `mode="replace"`. Stopping from the browser's own "stop sharing" control is
 * handled; closing the picker is not an error. Disabled where screen sharing is not supported or
 * the room is not joined.
 *
 * @summary A toggle button for screen sharing.
 *
 * @slot - The label (default "Share screen").
 * @csspart base - The `<button>`.
 *
 * @cssprop --rtc-color-accent - Background while sharing (default #2563eb).
 */
export class RtcScreenButton extends LitElement {
  static override styles = [
    toggleButton,
    css`
      :host {
        display: inline-block;
      }
      :host([hidden]) {
        display: none;
      }
      button:disabled {
        opacity: 0.5;
        cursor: default;
      }
    `,
  ];

  static override properties = {
    busy: { state: true, attribute: false },
    room: {},
    mode: {},
    sharing: { type: Boolean, reflect: true },
    strings: { attribute: false },
  };

  readonly #text = new ElementText(this, 'rtc-screen-button', SCREEN_BUTTON);
  readonly #room = new RoomController(this, {
    roomId: () => this.room,
    events: ['joined', 'left', 'stream', 'stream-ended', 'state'],
  });
  /** The screen track sent in place of the camera (`mode="replace"`). */
  #replacing: MediaStreamTrack | undefined;
  declare private busy: boolean;

  /** Id of the `<rtc-room>` to share in, when not inside it. */
  declare room: string;

  /** `extra` (default): the screen is an extra stream. `replace`: it takes the camera's place. */
  declare mode: 'extra' | 'replace';

  /** Reflects whether the screen is being shared. */
  declare sharing: boolean;

  /** Phrases of this element to use instead of the page's or English ones (see `setStrings`). */
  declare strings: Strings<typeof SCREEN_BUTTON> | undefined;

  constructor() {
    super();
    this.busy = false;
    this.room = '';
    this.mode = 'extra';
    this.sharing = false;
  }

  protected override willUpdate(): void {
    const connection = this.#room.connection;
    this.sharing = this.#replacing ? true : !!connection?.sharingScreen;
  }

  #toggle = async () => {
    const connection = this.#room.connection;
    if (!connection || this.busy) return;
    this.busy = true;
    try {
      if (this.sharing) await this.#stop();
      else if (this.mode === 'replace') {
        const track = await connection.replaceTrack({ screen: true });
        this.#replacing = track;
        track.addEventListener('ended', () => void this.#stop(), { once: true });
      } else await connection.shareScreen();
    } catch (error) {
      const rtcError = RtcError.from(error, ErrorCode.MEDIA_ERROR);
      // Closing the picker is the user's choice, not a failure.
      if (rtcError.code !== ErrorCode.ABORTED) fireError(this, rtcError);
    } finally {
      this.busy = false;
      this.requestUpdate();
    }
  };

  async #stop(): Promise<void> {
    const connection = this.#room.connection;
    const track = this.#replacing;
    this.#replacing = undefined;
    if (track) {
      track.stop();
      await connection?.resetTrack(undefined, 'video');
    } else connection?.stopScreen();
    this.requestUpdate();
  }

  /** Starts sharing (as a click would). */
  async start(): Promise<void> {
    if (!this.sharing) await this.#toggle();
  }

  /** Stops sharing. */
  async stop(): Promise<void> {
    if (this.sharing) await this.#stop();
  }

  protected override render() {
    const joined = this.#room.connection?.state === 'joined';
    return html`<button
      part="base"
      type="button"
      aria-pressed=${this.sharing ? 'true' : 'false'}
      ?disabled=${!supported() || !joined || this.busy}
      @click=${this.#toggle}
    >
      <slot>${this.#text.t('share')}</slot>
    </button>`;
  }
}

define('rtc-screen-button', RtcScreenButton);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-screen-button': RtcScreenButton;
  }
}
