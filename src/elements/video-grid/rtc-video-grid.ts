import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { PeerStats, StreamInfo } from '../../engine/index.js';
import { RoomController } from '../controllers/room-controller.js';
import { define } from '../shared/define.js';
import { displayName, nameOf } from '../shared/names.js';
import { ElementText, type Strings } from '../shared/strings.js';
import { VIDEO_GRID } from './strings.js';
import { styles } from './rtc-video-grid.styles.js';

// Not the user id: a user taking a new id keeps its tiles (and their playing videos).
const streamKey = (s: StreamInfo) => `${s.type}:${s.stream.id}`;

/**
 * Shows every stream of a room, one `<video>` per stream, in a grid that adapts to the number of
 * tiles. Place it inside an `<rtc-room>`, or anywhere with `room="<id of an rtc-room>"`.
 * Your own camera is muted and mirrored. When the browser blocks sound until the user interacts,
 * a button offers to enable it.
 *
 * @summary Video tiles for every local and remote stream of a room.
 *
 * @slot empty - Shown while there is no stream.
 * @csspart base - The grid.
 * @csspart tile - One stream's tile (a `<figure>`).
 * @csspart video - The `<video>` element.
 * @csspart name - The name label.
 * @csspart unmute - The "enable sound" button shown when autoplay with sound was blocked.
 * @csspart placard - The name shown in place of a muted camera.
 * @csspart reconnecting - The notice over a tile whose connection is being restarted.
 * @csspart stats - The stats overlay (`show-stats`).
 *
 * @cssprop --rtc-video-grid-gap - Space between tiles (default 8px).
 * @cssprop --rtc-video-grid-min-height - Minimum height of the grid (default 0).
 * @cssprop --rtc-video-grid-fit - object-fit of the videos (default cover).
 * @cssprop --rtc-video-grid-radius - Tile corner radius (default 8px).
 * @cssprop --rtc-video-grid-tile-background - Tile background (default #111).
 * @cssprop --rtc-color-accent - Accent colour (button).
 */
export class RtcVideoGrid extends LitElement {
  static override styles = styles;

  static override properties = {
    soundBlocked: { state: true, attribute: false },
    stats: { state: true, attribute: false },
    room: {},
    noLocalPreview: { type: Boolean, attribute: 'no-local-preview' },
    showStats: { type: Boolean, attribute: 'show-stats' },
    strings: { attribute: false },
  };

  readonly #text = new ElementText(this, 'rtc-video-grid', VIDEO_GRID);
  readonly #room = new RoomController(this, {
    roomId: () => this.room,
    events: [
      'stream',
      'stream-ended',
      'participant-joined',
      'participant-left',
      'participant-updated',
      'participant-renamed',
      'user-id',
      'extra-updated',
      'joined',
      'mute',
      'unmute',
      'output-device',
    ],
    // A connection's state shows only as "Reconnecting" (disconnected or failed): the states
    // of every join (connecting, connected) do not render the tiles again on the way to video.
    subscribe: (connection) => [
      connection.on('peer-state', ({ userId, state }) => {
        const broken = state === 'disconnected' || state === 'failed';
        if (broken === this.#broken.has(userId)) return;
        if (broken) this.#broken.add(userId);
        else this.#broken.delete(userId);
        this.requestUpdate();
      }),
    ],
  });
  /** Users whose connection is disconnected or failed. */
  readonly #broken = new Set<string>();
  #statsTimer: ReturnType<typeof setInterval> | undefined;

  /** Keys of videos whose autoplay with sound was blocked (they play muted meanwhile). */
  declare private soundBlocked: Set<string>;
  /** The latest stats per remote user (`show-stats`). */
  declare private stats: Map<string, PeerStats>;

  /** Id of the `<rtc-room>` to show, when the grid is not inside it. */
  declare room: string;

  /** Hide your own camera. */
  declare noLocalPreview: boolean;

  /** Overlay each remote tile with its connection stats (candidate, RTT, bitrates, loss, frames). */
  declare showStats: boolean;

  /** Phrases of this element to use instead of the page's or English ones (see `setStrings`). */
  declare strings: Strings<typeof VIDEO_GRID> | undefined;

  constructor() {
    super();
    this.soundBlocked = new Set<string>();
    this.stats = new Map<string, PeerStats>();
    this.room = '';
    this.noLocalPreview = false;
    this.showStats = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#pollStats(false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('showStats')) this.#pollStats(this.showStats);
  }

  protected override updated(): void {
    const live = new Map(this.#streams().map((s) => [streamKey(s), s.stream]));
    for (const key of this.soundBlocked) if (!live.has(key)) this.soundBlocked.delete(key);
    const sink = this.#room.connection?.outputDevice;
    for (const video of this.renderRoot.querySelectorAll('video')) {
      // Set here, not bound in the template: lit sets object values again on every render, and
      // a video given its own stream again restarts (a black frame on every tile per update).
      const stream = live.get(video.dataset['key'] ?? '');
      if (stream && video.srcObject !== stream) video.srcObject = stream;
      if (video.paused && video.srcObject) this.#play(video);
      if (sink !== undefined && 'setSinkId' in video && video.sinkId !== sink) {
        void video.setSinkId(sink).catch(() => undefined);
      }
    }
  }

  #pollStats(on: boolean): void {
    clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
    if (!on) return;
    this.#statsTimer = setInterval(() => void this.#readStats(), 1000);
  }

  async #readStats(): Promise<void> {
    const connection = this.#room.connection;
    if (!connection || !this.isConnected) return;
    const next = new Map<string, PeerStats>();
    for (const userId of connection.connectedUserIds) {
      try {
        next.set(userId, await connection.getStats(userId));
      } catch {
        // The peer went away between the list and the call.
      }
    }
    this.stats = next;
  }

  #statsLine(userId: string) {
    const s = this.stats.get(userId);
    if (!s) return nothing;
    const frames = s.inbound.frameWidth
      ? `${s.inbound.frameWidth}×${s.inbound.frameHeight ?? 0}@${Math.round(s.inbound.framesPerSecond ?? 0)}`
      : '';
    const rtt = s.rttMs === undefined ? '' : `${Math.round(s.rttMs)} ms`;
    return html`<span part="stats" class="stats">
      ${s.candidateType ?? '?'} · ${rtt} · ↓${Math.round(s.inboundKbps)}
      ↑${Math.round(s.outboundKbps)} kbps · ${s.packetLossPercent.toFixed(1)}% loss
      ${frames ? html`· ${frames}` : nothing}
    </span>`;
  }

  #tile(info: StreamInfo, statsFor: Set<string>) {
    const label = this.#label(info);
    const local = info.type === 'local';
    // A muted camera shows the name, not a frozen or black frame.
    const videoOff = !info.isScreen && !!this.#room.connection?.muteState(info.userId).video;
    const showStats = this.showStats && !local && !statsFor.has(info.userId);
    // The connection to this user broke and is being restarted: say so over its frozen frame.
    const peer = local ? undefined : this.#room.connection?.peerConnection(info.userId);
    const reconnecting =
      peer?.connectionState === 'disconnected' || peer?.connectionState === 'failed';
    if (showStats) statsFor.add(info.userId);
    return html`
      <figure
        part="tile"
        class=${info.isScreen ? 'tile screen' : 'tile'}
        aria-label=${label}
        data-user-id=${info.userId}
        ?data-video-off=${videoOff}
        ?data-screen=${info.isScreen}
        ?data-reconnecting=${reconnecting}
      >
        <video
          part="video"
          class=${local && !info.isScreen ? 'mirrored' : ''}
          .muted=${local || this.soundBlocked.has(streamKey(info))}
          ?muted=${local}
          autoplay
          playsinline
          aria-label=${label}
          data-key=${streamKey(info)}
          data-user-id=${info.userId}
          data-stream-type=${info.type}
        ></video>
        <div part="placard" class="placard" ?hidden=${!videoOff} aria-hidden="true">${label}</div>
        <figcaption part="name" class="name">${label}</figcaption>
        ${
          reconnecting
            ? html`<span part="reconnecting" class="reconnecting" role="status"
                >${this.#text.t('reconnecting')}</span
              >`
            : nothing
        }
        ${showStats ? this.#statsLine(info.userId) : nothing}
      </figure>
    `;
  }

  /** Screens first (they get the large tile), then local, then remote. */
  #streams(): StreamInfo[] {
    const all = this.#room.connection?.streams ?? [];
    const shown = this.noLocalPreview ? all.filter((s) => s.type !== 'local') : all;
    return [...shown.filter((s) => s.isScreen), ...shown.filter((s) => !s.isScreen)];
  }

  #label(info: StreamInfo): string {
    const connection = this.#room.connection;
    const name =
      info.type === 'local'
        ? (displayName(connection?.extra) ?? info.userId)
        : nameOf(connection, info.userId);
    if (info.isScreen) return this.#text.t('screen', { name });
    return info.type === 'local' ? this.#text.t('you', { name }) : name;
  }

  #play(video: HTMLVideoElement): void {
    video.play().catch((error: unknown) => {
      if ((error as { name?: string }).name !== 'NotAllowedError' || video.muted) return;
      // Autoplay with sound was refused: play muted and offer a button to enable sound.
      const key = video.dataset['key'] ?? '';
      video.muted = true;
      this.soundBlocked = new Set(this.soundBlocked).add(key);
      void video.play().catch(() => undefined);
    });
  }

  #enableSound = () => {
    const blocked = this.soundBlocked;
    this.soundBlocked = new Set();
    for (const video of this.renderRoot.querySelectorAll('video')) {
      if (blocked.has(video.dataset['key'] ?? '')) {
        video.muted = false;
        void video.play().catch(() => undefined);
      }
    }
  };

  /** Streams shown, in tile order (local first). */
  get streams(): StreamInfo[] {
    return this.#streams();
  }

  protected override render() {
    const streams = this.#streams();
    const cameras = streams.filter((s) => !s.isScreen).length;
    const columns = Math.max(1, Math.ceil(Math.sqrt(cameras || streams.length)));
    const blocked = this.soundBlocked.size > 0;
    const statsFor = new Set<string>();
    return html`
      <div part="base" class="grid" style="--columns: ${columns}" data-count=${streams.length}>
        ${repeat(streams, streamKey, (s) => this.#tile(s, statsFor))}
      </div>
      <slot name="empty" ?hidden=${streams.length > 0}></slot>
      <button part="unmute" class="unmute" ?hidden=${!blocked} @click=${this.#enableSound}>
        ${this.#text.t('enableSound')}
      </button>
    `;
  }
}

define('rtc-video-grid', RtcVideoGrid);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-video-grid': RtcVideoGrid;
  }
}
