import { LitElement, html, nothing } from 'lit';
import {
  ErrorCode,
  listDevices,
  type Device,
  type DeviceList,
  type TrackKind,
} from '../../engine/index.js';
import { RoomController } from '../controllers/room-controller.js';
import '../screen-button/rtc-screen-button.js';
import { define } from '../shared/define.js';
import { fireError } from '../shared/errors.js';
import { mediaDevices } from '../shared/platform.js';
import { ElementText, type Strings } from '../shared/strings.js';
import { styles } from './rtc-media-controls.styles.js';
import { MEDIA_CONTROLS } from './strings.js';

const canChooseSpeaker = () =>
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * Call controls for a room: microphone and camera toggles, camera/microphone/speaker pickers, a
 * screen-share button and a leave button. Native buttons and selects (keyboard accessible); each
 * toggle reflects its state with `aria-pressed` and changes are announced politely.
 *
 * @summary Microphone, camera, devices, screen and leave controls.
 *
 * @csspart base - The toolbar.
 * @csspart mic - The microphone toggle (pressed = muted).
 * @csspart camera - The camera toggle (pressed = off).
 * @csspart devices - The device pickers.
 * @csspart camera-select - The camera picker.
 * @csspart mic-select - The microphone picker.
 * @csspart speaker-select - The speaker picker (where the browser can choose outputs).
 * @csspart screen - The screen button (`<rtc-screen-button>`, its parts re-exported as `screen-base`).
 * @csspart leave - The leave button.
 *
 * @cssprop --rtc-color-accent - Pressed toggles (default #2563eb).
 * @cssprop --rtc-media-controls-gap - Space between controls (default 8px).
 */
export class RtcMediaControls extends LitElement {
  static override styles = styles;

  static override properties = {
    devices: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
    room: {},
    noDevices: { type: Boolean, attribute: 'no-devices' },
    noScreen: { type: Boolean, attribute: 'no-screen' },
    noLeave: { type: Boolean, attribute: 'no-leave' },
    strings: { attribute: false },
  };

  readonly #text = new ElementText(this, 'rtc-media-controls', MEDIA_CONTROLS);
  readonly #room = new RoomController(this, {
    roomId: () => this.room,
    events: ['joined', 'left', 'mute', 'unmute', 'stream', 'stream-ended', 'state'],
  });
  #onDeviceChange = () => void this.#loadDevices();

  declare private devices: DeviceList;
  declare private announcement: string;

  /** Id of the `<rtc-room>` to control, when not inside it. */
  declare room: string;

  /** Hide the device pickers. */
  declare noDevices: boolean;

  /** Hide the screen button. */
  declare noScreen: boolean;

  /** Hide the leave button. */
  declare noLeave: boolean;

  /** Phrases of this element to use instead of the page's or English ones (see `setStrings`). */
  declare strings: Strings<typeof MEDIA_CONTROLS> | undefined;

  constructor() {
    super();
    this.devices = { cameras: [], microphones: [], speakers: [] };
    this.announcement = '';
    this.room = '';
    this.noDevices = false;
    this.noScreen = false;
    this.noLeave = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    mediaDevices()?.addEventListener('devicechange', this.#onDeviceChange);
    void this.#loadDevices();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    mediaDevices()?.removeEventListener('devicechange', this.#onDeviceChange);
  }

  protected override willUpdate(): void {
    // Labels appear once the page has media permission: read the list again when joined.
    const joined = this.#room.connection?.state === 'joined';
    if (joined && this.devices.cameras.every((d) => !d.label)) void this.#loadDevices();
  }

  async #loadDevices(): Promise<void> {
    try {
      this.devices = await listDevices();
    } catch {
      this.devices = { cameras: [], microphones: [], speakers: [] };
    }
  }

  #current(kind: TrackKind): string | undefined {
    const camera = this.#room.connection?.streams.find((s) => s.type === 'local' && !s.isScreen);
    const track = camera?.stream.getTracks().find((t) => t.kind === kind);
    return track?.getSettings().deviceId;
  }

  #toggle(kind: TrackKind) {
    return () => {
      const connection = this.#room.connection;
      if (!connection) return;
      const muted = connection.muteState()[kind];
      if (muted) void connection.unmute(kind);
      else void connection.mute(kind);
      this.announcement = this.#text.t(
        kind === 'audio'
          ? muted
            ? 'sayMicOn'
            : 'sayMicMuted'
          : muted
            ? 'sayCameraOn'
            : 'sayCameraOff',
      );
    };
  }

  #pick(kind: TrackKind | 'speaker') {
    return (event: Event) => void this.#choose(kind, (event.target as HTMLSelectElement).value);
  }

  async #choose(kind: TrackKind | 'speaker', deviceId: string): Promise<void> {
    const connection = this.#room.connection;
    if (!connection || !deviceId) return;
    try {
      if (kind === 'speaker') connection.setOutputDevice(deviceId);
      else await connection.switchDevice(kind, deviceId);
    } catch (error) {
      fireError(this, error, ErrorCode.MEDIA_ERROR);
    }
  }

  #leave = () => {
    void this.#room.connection?.leave();
  };

  #select(
    label: string,
    part: string,
    devices: Device[],
    current: string | undefined,
    onChange: (e: Event) => void,
  ) {
    if (devices.length === 0) return nothing;
    return html`<label class="picker">
      <span class="label">${label}</span>
      <select part=${part} @change=${onChange} ?disabled=${devices.length < 2}>
        ${devices.map(
          (d, i) =>
            html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>
              ${d.label || this.#text.t('device', { kind: label, number: i + 1 })}
            </option>`,
        )}
      </select>
    </label>`;
  }

  protected override render() {
    const connection = this.#room.connection;
    const joined = connection?.state === 'joined';
    const muted = connection?.muteState() ?? { audio: false, video: false };
    const { cameras, microphones, speakers } = this.devices;
    const { t } = this.#text;
    return html`
      <div part="base" class="bar" role="toolbar" aria-label=${t('toolbar')}>
        <button
          part="mic"
          type="button"
          aria-pressed=${String(muted.audio)}
          ?disabled=${!joined}
          @click=${this.#toggle('audio')}
        >
          ${t('mute')}
        </button>
        <button
          part="camera"
          type="button"
          aria-pressed=${String(muted.video)}
          ?disabled=${!joined}
          @click=${this.#toggle('video')}
        >
          ${t('cameraOff')}
        </button>
        ${
          this.noDevices
            ? nothing
            : html`<span part="devices" class="devices">
                ${this.#select(t('camera'), 'camera-select', cameras, this.#current('video'), this.#pick('video'))}
                ${this.#select(t('microphone'), 'mic-select', microphones, this.#current('audio'), this.#pick('audio'))}
                ${
                  canChooseSpeaker()
                    ? this.#select(
                        t('speaker'),
                        'speaker-select',
                        speakers,
                        connection?.outputDevice,
                        this.#pick('speaker'),
                      )
                    : nothing
                }
              </span>`
        }
        ${this.noScreen ? nothing : html`<rtc-screen-button part="screen" exportparts="base: screen-base" room=${this.room}></rtc-screen-button>`}
        ${
          this.noLeave
            ? nothing
            : html`<button
                part="leave"
                class="leave"
                type="button"
                ?disabled=${!joined}
                @click=${this.#leave}
              >
                ${t('leave')}
              </button>`
        }
        <span class="sr-only" role="status" aria-live="polite">${this.announcement}</span>
      </div>
    `;
  }
}

define('rtc-media-controls', RtcMediaControls);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-media-controls': RtcMediaControls;
  }
}
