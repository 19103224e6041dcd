import { ContextProvider } from '@lit/context';
import { LitElement, css, html, type PropertyValues } from 'lit';
import {
  ErrorCode,
  RtcError,
  engine,
  listDevices,
  type Extra,
  type JoinResult,
  type AddStreamOptions,
  type AudioCodec,
  type ConnectionState,
  type DeviceList,
  type MuteKind,
  type Participant,
  type PeerStats,
  type TrackKind,
  type VideoCodec,
  type Presence,
  type PublicRoomInfo,
  type RoomConnection,
  type RoomOptions,
  type StreamInfo,
} from '../../engine/index.js';
import { roomContext } from '../context.js';
import { RoomController } from '../controllers/room-controller.js';
import { isJson, jsonAttributes, jsonConverter, optionalNumber } from '../shared/converters.js';
import { define } from '../shared/define.js';
import { fireError } from '../shared/errors.js';
import { ElementText, type Strings } from '../shared/strings.js';
import { bindAnnouncements } from './announcements.js';
import { bindRoomEvents } from './room-events.js';
import { ROOM } from './strings.js';

/**
 * The default signaling server: the origin that served the bundle, when that is a signaling
 * server (ours serves it at /dist/). None when the bundle is part of an app's build, a CDN or a
 * test server: a room there needs `socket-url`, and says so instead of trying the page's server.
 */
const BUNDLE_ORIGIN = (() => {
  try {
    const url = new URL(import.meta.url);
    return /^\/dist\/[^/]+\.js$/.test(url.pathname) ? url.origin : '';
  } catch {
    return '';
  }
})();

/**
 * A WebRTC room. Opens or joins `room-id` on the signaling server when it is added to the page
 * (unless `manual`), captures media for its `session`, and connects to everyone in the room.
 * Elements inside it (`<rtc-video-grid>`, ...) show and control the room.
 *
 * @summary A WebRTC room: signaling, media and peer connections, configured by attributes.
 *
 * @slot - Room content, such as `<rtc-video-grid>`.
 * @csspart base - The wrapper around the slot.
 *
 */
export class RtcRoom extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    :host([hidden]) {
      display: none;
    }
    /* The panels' .sr-only (shared.styles.ts), written again: sharing it costs the bundle more. */
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `;

  // Each property is written in three places: this table, its declared field (type and doc) and
  // its default in the constructor. Lit's standard decorators (`@property() accessor x = ''`)
  // would write it once, but esbuild lowers decorators and accessors for ES2022 browsers: that
  // costs 1.4 KB gzip for one property and 3.9 KB for the elements' 62 (issue 17).
  static override properties = {
    roomId: { attribute: 'room-id' },
    socketUrl: { attribute: 'socket-url' },
    userId: { attribute: 'user-id' },
    session: {},
    maxParticipants: { attribute: 'max-participants', converter: optionalNumber },
    password: {},
    bandwidthAudio: { attribute: 'bandwidth-audio', converter: optionalNumber },
    bandwidthVideo: { attribute: 'bandwidth-video', converter: optionalNumber },
    bandwidthScreen: { attribute: 'bandwidth-screen', converter: optionalNumber },
    autoClose: { type: Boolean, attribute: 'auto-close' },
    publicId: { attribute: 'public-id' },
    approveJoins: { type: Boolean, attribute: 'approve-joins' },
    scalableBroadcast: { type: Boolean, attribute: 'scalable-broadcast' },
    singleBroadcastAttendees: {
      attribute: 'single-broadcast-attendees',
      converter: optionalNumber,
    },
    customEvent: { attribute: 'custom-event' },
    socketQuery: { attribute: 'socket-query', converter: jsonConverter },
    manual: { type: Boolean },
    extra: { converter: jsonConverter },
    token: {},
    iceTransportPolicy: { attribute: 'ice-transport-policy' },
    iceServers: { attribute: 'ice-servers', converter: jsonConverter },
    mediaConstraints: { attribute: 'media-constraints', converter: jsonConverter },
    dontCapture: { type: Boolean, attribute: 'dont-capture' },
    dontAttachStream: { type: Boolean, attribute: 'dont-attach-stream' },
    dontGetRemoteStream: { type: Boolean, attribute: 'dont-get-remote-stream' },
    codecVideo: { attribute: 'codec-video' },
    codecAudio: { attribute: 'codec-audio' },
    setUserPreferences: { attribute: false },
    beforeAddingStream: { attribute: false },
    processSdp: { attribute: false },
    joined: { type: Boolean, reflect: true },
    connectionState: { attribute: 'connection-state', reflect: true },
    strings: { attribute: false },
    announcement: { state: true, attribute: false },
  };
  /** The JSON attributes (read with jsonConverter), each with its property. */
  static readonly #jsonAttributes = jsonAttributes(this.properties);

  readonly #provider = new ContextProvider(this, { context: roomContext, initialValue: undefined });
  /** The connection this room owns; its engine events are re-fired as this element's DOM events. */
  readonly #room = new RoomController(this, {
    subscribe: (connection) => [
      ...bindRoomEvents(this, connection),
      ...bindAnnouncements(connection, (key, name) => {
        this.announcement = this.#text.t(key, { name });
      }),
    ],
  });
  readonly #text = new ElementText(this, 'rtc-room', ROOM);
  /** The live region's text: joins, leaves and others' mutes, for screen readers. */
  declare private announcement: string;

  /** Phrases of this element to use instead of the page's or English ones (see `setStrings`). */
  declare strings: Strings<typeof ROOM> | undefined;

  /** Room to open or join. */
  declare roomId: string;

  /** Signaling server URL. Defaults to the origin the bundle was loaded from. */
  declare socketUrl: string;

  /** Your user id; random when empty. Must be unique on the server. */
  declare userId: string;

  /** Session tokens: `audio`, `video`, `screen`, `data`, `oneway`, `broadcast` (space-separated). */
  declare session: string;

  /** How many others may join the opener (`1` = one-to-one). Applies when this page opens the room. */
  declare maxParticipants: number | undefined;

  /** Room password, when opening or joining a protected room. Prefer setting the property over the attribute. */
  declare password: string;

  /** Audio bitrate cap in kbps. */
  declare bandwidthAudio: number | undefined;

  /** Camera video bitrate cap in kbps. */
  declare bandwidthVideo: number | undefined;

  /** Screen-share bitrate cap in kbps (defaults to `bandwidth-video`). */
  declare bandwidthScreen: number | undefined;

  /** When this page opens the room and later leaves it, close the room for everyone (instead of handing it on). */
  declare autoClose: boolean;

  /** When this page opens the room: list it under this public identifier (see `getPublicRooms()`). */
  declare publicId: string;

  /** When this page opens the room: each join waits for `accept(userId)` / `reject(userId)`. */
  declare approveJoins: boolean;

  /**
   * A scalable broadcast: the page that opens the room broadcasts (nothing else is captured);
   * each viewer receives it from one parent in a relay tree the server keeps, forwards it to at
   * most `single-broadcast-attendees` viewers below it, and heals when a relay leaves.
   */
  declare scalableBroadcast: boolean;

  /** In a scalable broadcast: how many viewers each member forwards to (default 3). */
  declare singleBroadcastAttendees: number | undefined;

  /** Name of the room-scoped custom socket event (v3 `socketCustomEvent`). */
  declare customEvent: string;

  /** Values for the server's connection hook (v3 `socketCustomParameters`). Attribute form takes JSON. */
  declare socketQuery: Record<string, string> | undefined;

  /** Do not join on connect; call `open()`, `join()` or `openOrJoin()` yourself. */
  declare manual: boolean;

  /** Your extra data (a name under `name` labels your video). Attribute form takes JSON. */
  declare extra: Extra;

  /**
   * A room token from your backend, for servers with `AUTH_SECRET`: an HS256 JWT whose `room`,
   * `sub` (your user id), `role` (`owner` opens, `guest` joins) and `exp` the server checks.
   */
  declare token: string;

  /** `relay`: connect only through a TURN server (default `all`). */
  declare iceTransportPolicy: RTCIceTransportPolicy | '';

  /** ICE servers (STUN/TURN); when unset, those the signaling server hands out. Attribute form takes JSON. */
  declare iceServers: RTCIceServer[] | undefined;

  /** getUserMedia constraints for camera and microphone. Attribute form takes JSON. */
  declare mediaConstraints: MediaStreamConstraints | undefined;

  /** Capture nothing: add your own streams with `addStream()`. */
  declare dontCapture: boolean;

  /** Send your streams to nobody (receive only). */
  declare dontAttachStream: boolean;

  /** Receive nobody's streams (send only). */
  declare dontGetRemoteStream: boolean;

  /** Preferred video codec: `vp8`, `vp9`, `h264` or `av1` (setCodecPreferences). */
  declare codecVideo: VideoCodec | '';

  /** Preferred audio codec: `opus` or `g722`. */
  declare codecAudio: AudioCodec | '';

  /** Per-peer preferences hook (RTCMultiConnection's `setUserPreferences`). */
  declare setUserPreferences: RoomOptions['setUserPreferences'];

  /** Per-peer stream filter (RTCMultiConnection's `beforeAddingStream`): false keeps a stream from a user. */
  declare beforeAddingStream: RoomOptions['beforeAddingStream'];

  /**
   * Rewrites every local SDP before it is set (RTCMultiConnection's `processSdp`); see the exported
   * `setBandwidth`, `preferCodec` and `setOpusParameters` helpers.
   */
  declare processSdp: RoomOptions['processSdp'];

  /** Reflects whether the page is in the room. */
  declare joined: boolean;

  /**
   * Reflects the link to the signaling server: `connecting`, `connected`, `reconnecting` (the
   * connection dropped; peers keep flowing) or `disconnected`.
   */
  declare connectionState: ConnectionState;

  constructor() {
    super();
    this.announcement = '';
    this.roomId = '';
    this.socketUrl = '';
    this.userId = '';
    this.session = 'audio video';
    this.password = '';
    this.autoClose = false;
    this.publicId = '';
    this.approveJoins = false;
    this.scalableBroadcast = false;
    this.customEvent = '';
    this.manual = false;
    this.extra = {};
    this.token = '';
    this.iceTransportPolicy = '';
    this.dontCapture = false;
    this.dontAttachStream = false;
    this.dontGetRemoteStream = false;
    this.codecVideo = '';
    this.codecAudio = '';
    this.joined = false;
    this.connectionState = 'disconnected';
  }

  // Closing or reloading the tab leaves at once, so peers do not wait for a timeout; offline, the
  // room starts reconnecting at once, and back online it tries again now.
  readonly #onPageHide = () => void this.leave();
  // Back from the back/forward cache: the room was left on the way in; join it again.
  readonly #onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted && !this.manual) void this.#autoJoin();
  };
  readonly #onNetwork = (event: Event) => this.#connection?.networkChanged(event.type === 'online');

  /**
   * A JSON attribute given something else (a framework that writes an object as an attribute
   * writes "[object Object]") leaves the property unset and fires rtc-error INVALID_REQUEST naming
   * the property to set instead; once the code that set it has run, so the listeners it sets
   * with it hear it.
   */
  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    const property = RtcRoom.#jsonAttributes.get(name);
    if (property && value && !isJson(value)) {
      const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
      const error = new RtcError(
        ErrorCode.INVALID_REQUEST,
        `The ${name} attribute is not JSON (${shown}): set the ${property} property instead`,
      );
      queueMicrotask(() => fireError(this, error));
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('pagehide', this.#onPageHide);
    addEventListener('pageshow', this.#onPageShow);
    addEventListener('online', this.#onNetwork);
    addEventListener('offline', this.#onNetwork);
    if (!this.manual) void this.#autoJoin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('pagehide', this.#onPageHide);
    removeEventListener('pageshow', this.#onPageShow);
    removeEventListener('online', this.#onNetwork);
    removeEventListener('offline', this.#onNetwork);
    // Leave unless the element is only being moved (re-attached in the same task).
    queueMicrotask(() => {
      if (!this.isConnected) void this.#release();
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.#connection) return;
    if (changed.has('roomId') || changed.has('socketUrl')) {
      if (
        this.#connection.roomId !== this.roomId ||
        this.#connection.socketUrl !== this.#socketUrl()
      ) {
        void this.#release().then(() => {
          if (!this.manual && this.isConnected) void this.#autoJoin();
        });
        return;
      }
    }
    if (
      changed.has('bandwidthAudio') ||
      changed.has('bandwidthVideo') ||
      changed.has('bandwidthScreen') ||
      changed.has('extra')
    ) {
      this.#connection.configure({ bandwidth: this.#bandwidth(), extra: this.extra });
    }
    if ((changed.has('codecVideo') || changed.has('codecAudio')) && this.joined) {
      // New codec order: negotiate again so it takes effect.
      this.#connection.configure({
        codecs: { video: this.codecVideo || undefined, audio: this.codecAudio || undefined },
      });
      void this.#connection.renegotiate();
    }
  }

  async #autoJoin(): Promise<void> {
    // A microtask, not the first render: properties a page or framework sets right after
    // inserting the element are in, and joining does not wait for rendering.
    await Promise.resolve();
    if (!this.isConnected || this.manual || !this.roomId || this.#connection) return;
    // Failures are reported as rtc-error; nothing is left unhandled.
    await this.openOrJoin().catch(() => undefined);
  }

  async #enter(action: (connection: RoomConnection) => Promise<JoinResult>): Promise<JoinResult> {
    let connection: RoomConnection;
    try {
      connection = this.#acquire();
      // Attributes changed since the last try (a corrected password, another session...) apply now.
      if (connection.state !== 'joined' && connection.state !== 'connecting') {
        connection.configure(this.#roomOptions());
      }
    } catch (error) {
      throw fireError(this, error);
    }
    return action(connection);
  }

  /** The engine options these attributes and properties describe. */
  #roomOptions(): RoomOptions {
    if (!this.roomId) throw new RtcError(ErrorCode.INVALID_STATE, 'Set room-id before joining');
    return {
      socketUrl: this.#requireSocketUrl(),
      roomId: this.roomId,
      userId: this.userId || undefined,
      session: this.session,
      maxParticipants: this.maxParticipants,
      password: this.password || undefined,
      autoClose: this.autoClose,
      publicId: this.publicId || undefined,
      approveJoins: this.approveJoins,
      scalableBroadcast: this.scalableBroadcast,
      singleBroadcastAttendees: this.singleBroadcastAttendees,
      customEvent: this.customEvent || undefined,
      query: this.socketQuery,
      extra: this.extra,
      iceServers: this.iceServers,
      iceTransportPolicy: this.iceTransportPolicy || undefined,
      token: this.token || undefined,
      bandwidth: this.#bandwidth(),
      mediaConstraints: this.mediaConstraints,
      dontCapture: this.dontCapture,
      dontAttachStream: this.dontAttachStream,
      dontGetRemoteStream: this.dontGetRemoteStream,
      codecs: { video: this.codecVideo || undefined, audio: this.codecAudio || undefined },
      setUserPreferences: this.setUserPreferences,
      beforeAddingStream: this.beforeAddingStream,
      processSdp: this.processSdp,
    };
  }

  #acquire(): RoomConnection {
    if (this.#connection) return this.#connection;
    const options = this.#roomOptions();
    const connection = engine.acquire(options);
    connection.configure(options);
    this.#room.connection = connection;
    this.#provider.setValue(connection);
    return connection;
  }

  async #release(): Promise<void> {
    const connection = this.#connection;
    if (!connection) return;
    await engine.release(connection);
    this.#room.connection = undefined;
    this.joined = false;
    this.connectionState = 'disconnected';
    this.#provider.setValue(undefined);
  }

  get #connection(): RoomConnection | undefined {
    return this.#room.connection;
  }

  #socketUrl(): string {
    return this.socketUrl || BUNDLE_ORIGIN;
  }

  #bandwidth() {
    return { audio: this.bandwidthAudio, video: this.bandwidthVideo, screen: this.bandwidthScreen };
  }

  /** The engine's connection for this room (undefined before the first join). */
  get connection(): RoomConnection | undefined {
    return this.#connection;
  }

  /** Local and remote streams in the room. */
  get streams(): StreamInfo[] {
    return this.#connection?.streams ?? [];
  }

  /** Other users in the room. */
  get participants(): Participant[] {
    return this.#connection?.participants ?? [];
  }

  /** Creates the room. Rejects with `ROOM_EXISTS` when it already exists. */
  open(): Promise<JoinResult> {
    return this.#enter((c) => c.open());
  }

  /** Joins the room. Rejects with `ROOM_NOT_FOUND`, `ROOM_FULL` or `INVALID_PASSWORD`. */
  join(): Promise<JoinResult> {
    return this.#enter((c) => c.join());
  }

  /** Joins the room, or opens it when it does not exist; `opened` in the result tells which. */
  openOrJoin(): Promise<JoinResult> {
    return this.#enter((c) => c.openOrJoin());
  }

  /** Leaves the room: closes every peer connection and stops the camera and microphone. */
  async leave(): Promise<void> {
    await this.#release();
  }

  /**
   * Sends text, JSON of any size (chunked) or binary data to everyone, or to one user. A `File` or
   * `Blob` is a file transfer instead (`rtc-file-*` events): the promise resolves with its id.
   */
  send(data: unknown, userId?: string): Promise<string | undefined> {
    if (data instanceof Blob) return this.#call(async (c) => c.sendFile(data, userId));
    return this.#call(async (c) => {
      await c.send(data, userId);
      return undefined;
    }, ErrorCode.SEND_FAILED);
  }

  /** Cancels a file transfer (to or from everyone, or one user); both sides clean up. */
  cancel(fileId: string, userId?: string): void {
    this.#connection?.cancelFile(fileId, userId);
  }

  /** Whether a room (this one by default) exists, is full or needs a password; works before joining. */
  checkPresence(roomId: string = this.roomId): Promise<Presence> {
    return this.#report(async () => {
      if (this.#connection) return this.#connection.checkPresence(roomId);
      return engine.checkPresence({ socketUrl: this.#requireSocketUrl(), roomId });
    });
  }

  /** Rooms opened with this public identifier (`public-id`); works before joining. */
  getPublicRooms(identifier: string = this.publicId): Promise<PublicRoomInfo[]> {
    return this.#report(() =>
      engine.getPublicRooms({ socketUrl: this.#requireSocketUrl(), identifier }),
    );
  }

  /** How many viewers a scalable broadcast (this room's by default) has: the whole relay tree. */
  getNumberOfBroadcastViewers(broadcastId: string = this.roomId): Promise<number> {
    return this.#report(async () => {
      if (this.#connection) return this.#connection.getNumberOfBroadcastViewers(broadcastId);
      return engine.getNumberOfBroadcastViewers({
        socketUrl: this.#requireSocketUrl(),
        broadcastId,
      });
    });
  }

  /** Sets the room's password ('' removes it). Owner only: rejects with NOT_OWNER otherwise. */
  setPassword(password: string): Promise<void> {
    return this.#call((c) => c.setPassword(password));
  }

  /** Closes the room for everyone (owner only); every page gets `rtc-session-closed`. */
  closeEntireSession(): Promise<void> {
    return this.#call((c) => c.closeEntireSession());
  }

  /** Takes a new user id; rejects with USERID_TAKEN when someone has it. */
  changeUserId(userId: string): Promise<void> {
    return this.#call((c) => c.changeUserId(userId));
  }

  /** Sends `extra` to everyone else (after changing it in place); each gets one `rtc-extra-updated`. */
  updateExtraData(): Promise<void> {
    return this.#call(async (c) => c.updateExtraData({ ...this.extra }));
  }

  /** A user's extra data, as the server has it. */
  getExtraData(userId: string): Promise<Extra> {
    return this.#call((c) => c.getExtraData(userId));
  }

  /** User ids of the others in the room. */
  getAllParticipants(): string[] {
    return this.#connection?.getAllParticipants() ?? [];
  }

  /** Lets a user who asked to join (`rtc-participation-request`) in. */
  accept(userId: string): void {
    this.#connection?.accept(userId);
  }

  /** Turns a user who asked to join away: its `join()` rejects with JOIN_REJECTED. */
  reject(userId: string): void {
    this.#connection?.reject(userId);
  }

  /** Drops the peer connection with a user, on both sides; both stay in the room. */
  disconnectWith(userId: string): void {
    this.#connection?.disconnectWith(userId);
  }

  /** Starts a fresh peer connection with a user; media comes back and file transfers resume. */
  reconnect(userId: string): Promise<void> {
    return this.#call(async (c) => c.reconnect(userId));
  }

  /** Removes a user from the room for everyone (owner only, enforced by the server). */
  kick(userId: string): Promise<void> {
    return this.#call((c) => c.kick(userId));
  }

  /**
   * Mutes your microphone (`audio`), camera (`video`) or both; resolves once nothing of that kind
   * goes out. Peers get one `rtc-mute` {userId, kind}.
   */
  mute(kind: MuteKind = 'both'): Promise<void> {
    return this.#connection?.mute(kind) ?? Promise.resolve();
  }

  /** Unmutes; peers get one `rtc-unmute` {userId, kind}. */
  unmute(kind: MuteKind = 'both'): Promise<void> {
    return this.#connection?.unmute(kind) ?? Promise.resolve();
  }

  /** Adds a stream (yours, or captured now from `{audio, video, screen}`), for everyone or one user. */
  addStream(source: MediaStream | AddStreamOptions, userId?: string): Promise<MediaStream> {
    return this.#call((c) => c.addStream(source, userId));
  }

  /** Stops sending a stream, to one user or everyone. */
  removeStream(streamId: string, userId?: string): Promise<void> {
    return this.#call(async (c) => c.removeStream(streamId, userId));
  }

  /** Negotiates again with one user or everyone. */
  renegotiate(userId?: string): Promise<void> {
    return this.#call((c) => c.renegotiate(userId));
  }

  /** Sends another track (or stream, or `{screen: true}`) instead of the camera's, without renegotiation. */
  replaceTrack(
    source: MediaStreamTrack | MediaStream | { screen: true },
    userId?: string,
  ): Promise<MediaStreamTrack> {
    return this.#call((c) => c.replaceTrack(source, userId));
  }

  /** Goes back to the track `replaceTrack()` replaced, for one user, several or all; one kind or both. */
  resetTrack(userIds?: string | string[], kind?: TrackKind): Promise<void> {
    return this.#call((c) => c.resetTrack(userIds, kind));
  }

  /** Changes resolution or frame rate of the live camera. */
  applyConstraints(constraints: MediaTrackConstraints): Promise<void> {
    return this.#call((c) => c.applyConstraints(constraints), ErrorCode.MEDIA_ERROR);
  }

  /** Cameras, microphones and speakers. */
  getDevices(): Promise<DeviceList> {
    return this.#report(() => listDevices());
  }

  /** Switches the live camera (`video`) or microphone (`audio`) to another device. */
  switchDevice(kind: TrackKind, deviceId: string): Promise<void> {
    return this.#call((c) => c.switchDevice(kind, deviceId), ErrorCode.MEDIA_ERROR);
  }

  /** Plays the room's audio on this output device (where the browser supports `setSinkId`). */
  setSpeaker(deviceId: string): Promise<void> {
    return this.#call(async (c) => c.setOutputDevice(deviceId));
  }

  /** Shares the screen as an extra stream; resolves false when the user cancels the picker. */
  shareScreen(): Promise<boolean> {
    return this.#call((c) => c.shareScreen(), ErrorCode.MEDIA_ERROR);
  }

  /** Stops the screen share. */
  stopScreen(): void {
    this.#connection?.stopScreen();
  }

  /** A plain summary of the connection to a user: candidate type, RTT, bitrates, loss, frames. */
  getStats(userId: string): Promise<PeerStats> {
    return this.#call((c) => c.getStats(userId));
  }

  /** Emits the room's custom socket event (`custom-event`) to everyone in the room. */
  sendCustom(data: unknown): Promise<void> {
    return this.#call(async (c) => c.sendCustom(data));
  }

  /** The room's socket.io socket (v3 `getSocket()`), once connected. */
  getSocket(): RoomConnection['socket'] {
    return this.#connection?.socket;
  }

  /** Runs an action on the joined connection; failures reject with an RtcError and fire rtc-error. */
  #call<T>(action: (connection: RoomConnection) => Promise<T>, code?: ErrorCode): Promise<T> {
    return this.#report(async () => {
      if (!this.#connection) throw new RtcError(ErrorCode.INVALID_STATE, 'Join the room first');
      return action(this.#connection);
    }, code);
  }

  /** Runs an action; a failure fires rtc-error and rejects as an RtcError (`code` if not one). */
  async #report<T>(action: () => Promise<T>, code?: ErrorCode): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw fireError(this, error, code);
    }
  }

  #requireSocketUrl(): string {
    const url = this.#socketUrl();
    if (!url)
      throw new RtcError(
        ErrorCode.INVALID_STATE,
        "Set socket-url to the signaling server's address: this page did not load rtc-elements from one",
      );
    return url;
  }

  protected override render() {
    return html`<div part="base"><slot></slot></div>
      <span class="sr-only" role="status" aria-live="polite">${this.announcement}</span>`;
  }
}

define('rtc-room', RtcRoom);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-room': RtcRoom;
  }
}
