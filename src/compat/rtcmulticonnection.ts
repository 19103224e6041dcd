/**
 * RTCMultiConnection 3.x's JavaScript API (as its reference documents it) over the rtc-elements
 * engine: a page written for RTCMultiConnection swaps its script tag and keeps its code. Every
 * method maps onto `RoomConnection`; nothing is implemented twice. Callbacks are assignable
 * properties, as in v3; the defaults show streams in `videosContainer` and files in
 * `filesContainer` (text is always set as text).
 */
import {
  ErrorCode,
  RoomConnection,
  RtcError,
  engine,
  type Extra,
  type RoomOptions,
  type Session,
  type StreamInfo,
  type TrackKind,
} from '../engine/index.js';
import {
  fileEnded,
  fileProgressed,
  fileStarted,
  mediaElement,
  receivedBlob,
  removeStream,
  selectFile,
  showStream,
  type LegacyFile,
} from './dom.js';
import {
  ERRORS,
  displayTrackConstraints,
  legacyError,
  modernConstraints,
  modernTrackConstraints,
  parseSocketParameters,
  token,
  type LegacyUserPreferences,
} from './legacy.js';
import { LegacySocket } from './socket.js';
import { DetectRTC } from './detect-rtc.js';
import { BandwidthHandler, CodecsHandler } from './sdp-handlers.js';
import { getStats } from './stats.js';
import { HandlerTransport, type SocketHandler } from './custom-socket.js';
import { registerTransport } from '../engine/signaling/registry.js';

let customSchemes = 0;

type Callback<A extends unknown[] = unknown[]> = (...args: A) => void;

/** What `onstream`, `onstreamended`, `onmute` and `onunmute` receive. */
export interface StreamEvent {
  stream: MediaStream;
  streamid: string;
  type: 'local' | 'remote';
  userid: string;
  extra: Extra;
  mediaElement: HTMLMediaElement | Record<string, never>;
  isAudio: boolean;
  isVideo: boolean;
  isScreen: boolean;
  isAudioMuted?: boolean;
  muteType?: string;
  unmuteType?: string;
  session?: { audio: boolean; video: boolean };
}

/** `connection.peers[userid]`. */
export interface LegacyPeer {
  userid: string;
  extra: Extra;
  /** The RTCPeerConnection (undefined until there is one). */
  readonly peer: RTCPeerConnection | undefined;
  readonly streams: MediaStream[];
}

const keepSdp = (sdp: string) => sdp;

const MEDIA_CODES: string[] = [
  ErrorCode.PERMISSION_DENIED,
  ErrorCode.DEVICE_NOT_FOUND,
  ErrorCode.DEVICE_BUSY,
  ErrorCode.MEDIA_ERROR,
];

/**
 * The room id v3 derives from the page's address when none is given, character for character
 * as RTCMultiConnection 3.7.1 does (it removes / : # ? $ ^ % . ` ~ ! + @ [ | ] and any character
 * before a space, and keeps the rest, '-' and '_' included): pages on one address, on either
 * script, must agree on it (it also names their custom socket event).
 */
export function roomFromLocation(href: string): string {
  const v3 = /\/|:|#|\?|\$|\^|%|\.|`|~|!|\+|@|\[|\||]|\|*. /g;
  return href.replace(v3, '').split('\n').join('').split('\r').join('') || 'room';
}

/**
 * How a page's own stream is sent: v3 pages mark a canvas or a screen they captured themselves
 * with `stream.isScreen = true` (v3 then shows it as a screen everywhere).
 */
const givenAs = (stream: MediaStream): { isScreen: boolean } => ({
  isScreen: (stream as MediaStream & { isScreen?: unknown }).isScreen === true,
});

/**
 * A v3 page's session as the engine takes it. `broadcast` in RTCMultiConnection 3.7.1: its server
 * connects joiners to the room's owner only (Signaling-Server.js joinARoom, as ours does for a
 * `broadcast` room), and its joiners still capture and send (beforeJoin checks `oneway` only,
 * dist/RTCMultiConnection.js:4549; the MCU and SFU demos mix or forward what joiners send). The
 * engine's `broadcast` is one-way: joiners send only the kinds marked `two-way`, so v3's audio and
 * video become two-way. With `oneway` too, joiners only receive, as in v3.
 */
function v3Session(session: Session): Session {
  if (!session.broadcast || session.oneway) return { ...session };
  const twoWay = (value: Session['audio']) => (value ? 'two-way' : value);
  return { ...session, audio: twoWay(session.audio), video: twoWay(session.video) };
}

/** The settings a socket's handshake carries, which the server reads only when it connects. */
function handshakeOf(options: RoomOptions): string {
  return JSON.stringify([
    options.userId,
    options.messageEvent,
    options.customEvent,
    options.maxParticipants,
    options.autoClose,
    options.query,
  ]);
}

export class RTCMultiConnection {
  // ---- configuration (read when the room is opened or joined) ----
  userid: string = token();
  sessionid: string;
  channel: string;
  extra: Extra = {};
  socketURL = '/';
  socketMessageEvent = 'RTCMultiConnection-Message';
  socketCustomEvent = 'RTCMultiConnection-Custom-Message';
  socketCustomParameters = '';
  /** Accepted for compatibility; our client always uses a WebSocket. */
  socketOptions: Record<string, unknown> = {};
  session: Session = { audio: true, video: true };
  mediaConstraints: { audio: unknown; video: unknown } = {
    audio: { mandatory: {}, optional: [] },
    video: { mandatory: {}, optional: [{ facingMode: 'user' }] },
  };
  sdpConstraints = {
    mandatory: { OfferToReceiveAudio: true, OfferToReceiveVideo: true },
    optional: [{ VoiceActivityDetection: false }],
  };
  bandwidth: { audio?: number | false; video?: number | false; screen?: number | false } = {
    audio: false,
    video: false,
    screen: false,
  };
  codecs: { audio?: string; video?: string } = { audio: 'opus', video: 'VP9' };
  maxParticipantsAllowed = 1000;
  password: string | null = null;
  publicRoomIdentifier = '';
  enableFileSharing = false;
  enableScalableBroadcast = false;
  /**
   * How many viewers each member of a scalable broadcast forwards it to (v3's code and demos use
   * this name; its reference calls it `singleBroadcastAttendees`, an alias of this one).
   */
  maxRelayLimitPerUser = 3;
  /** The reference's name for {@link maxRelayLimitPerUser}. */
  get singleBroadcastAttendees(): number {
    return this.maxRelayLimitPerUser;
  }
  set singleBroadcastAttendees(value: number) {
    this.maxRelayLimitPerUser = value;
  }
  autoCloseEntireSession = false;
  dontCaptureUserMedia = false;
  dontAttachStream = false;
  dontGetRemoteStream = false;
  enableLogs = true;
  closeBeforeUnload = true;
  autoCreateMediaElement = true;
  /** STUN/TURN servers; empty means what the signaling server hands out. */
  iceServers: RTCIceServer[] = [];
  iceTransportPolicy: RTCIceTransportPolicy | null = null;
  /** Streams to send to every peer (added when the room is opened or joined). */
  attachStreams: MediaStream[] = [];
  videosContainer: Element | null;
  filesContainer: Element | null;
  /** Bytes per "chunk" in the file events' `maxChunks` / `currentPosition` (v3's default). */
  chunkSize = 40_000;
  direction = 'many-to-many';
  broadcastId = '';

  /** Browser, devices and capabilities (by feature detection). */
  static readonly DetectRTC = DetectRTC;
  readonly DetectRTC = DetectRTC;
  /** v3's SDP helpers for `processSdp` (safe on unified-plan SDP). */
  static readonly BandwidthHandler = BandwidthHandler;
  readonly BandwidthHandler = BandwidthHandler;
  static readonly CodecsHandler = CodecsHandler;
  readonly CodecsHandler = CodecsHandler;
  /** getStats.js: `getStats(peer, callback, intervalMs)`, with `connectionType` and the rest. */
  static readonly getStats = getStats;

  // ---- state ----
  isInitiator = false;
  readonly version = '3.7.1-rtc-elements';
  readonly errors = ERRORS;
  readonly peers: Record<string, LegacyPeer> & PeersHelpers;
  readonly streamEvents: Record<string, StreamEvent> & StreamSelectors;
  readonly multiPeersHandler: {
    onPeerStateChanged: (state: Record<string, unknown>) => void;
    createNewPeer: (remoteUserId: string, userPreferences?: LegacyUserPreferences) => void;
  };

  #room: RoomConnection | undefined;
  #off: (() => void)[] = [];
  readonly #socket = new LegacySocket();
  readonly #admissions = new Map<string, (admit: boolean) => void>();
  readonly #preferences = new Map<string, LegacyUserPreferences>();
  readonly #elements = new Map<string, HTMLMediaElement>();
  /** File ids by the `uuid` a page set on the File (v3's cancel-by-uuid). */
  readonly #fileIds = new Map<string, string>();
  /** Users announced in the room, and those whose online status the page has been given. */
  readonly #arrived = new Set<string>();
  readonly #online = new Set<string>();
  #userIdTaken = false;
  /**
   * Camera and microphone captures this class carried over from a room it left, in
   * `attachStreams` (v3 kept them in its capture cache and never captured the same twice).
   */
  readonly #carried = new WeakSet<MediaStream>();
  /** The owner of a relayed stream (by stream id) whose event names the relay (`#deliveredBy`). */
  readonly #origins = new Map<string, string>();
  /** What the room connection's socket tells the server when it connects (see `handshakeOf`). */
  #handshake = '';
  /** Streams the page handed over (`attachStreams`, `addStream(stream)`): not our captures. */
  readonly #given = new WeakSet<MediaStream>();

  constructor(roomid?: string, forceOptions: { autoOpenOrJoin?: boolean } = {}) {
    this.sessionid = this.channel =
      roomid ?? roomFromLocation((globalThis as { location?: Location }).location?.href ?? '');
    const body = (globalThis as { document?: Document }).document?.body ?? null;
    this.videosContainer = body;
    this.filesContainer = body;
    this.peers = peersObject(this);
    this.streamEvents = streamEventsObject();
    this.multiPeersHandler = {
      onPeerStateChanged: () => undefined,
      createNewPeer: (remoteUserId) => this.#admit(remoteUserId, true),
    };
    (globalThis as { addEventListener?: typeof addEventListener }).addEventListener?.(
      'pagehide',
      () => {
        if (this.closeBeforeUnload) void this.#room?.leave();
      },
    );
    if (forceOptions.autoOpenOrJoin) this.openOrJoin(this.sessionid);
  }

  // ---------------------------------------------------------------- callbacks (v3 defaults)
  onstream: Callback<[StreamEvent]> = (event) => {
    if (event.mediaElement instanceof HTMLMediaElement)
      showStream(event.mediaElement, this.videosContainer);
  };
  onstreamended: Callback<[StreamEvent]> = (event) => {
    if (event.mediaElement instanceof HTMLMediaElement) removeStream(event.mediaElement);
  };
  onopen: Callback<[{ userid: string; extra: Extra }]> = () => undefined;
  onclose: Callback<[{ userid: string; extra: Extra }]> = () => undefined;
  onleave: Callback<[{ userid: string; extra: Extra }]> = () => undefined;
  onmessage: Callback<[{ data: unknown; userid: string; extra: Extra; latency: number }]> = () =>
    undefined;
  onmute: Callback<[StreamEvent]> = (event) => {
    const element = event.mediaElement;
    if (!(element instanceof HTMLMediaElement)) return;
    if (event.muteType === 'audio') element.muted = true;
    else element.setAttribute('data-muted', event.muteType ?? 'both');
  };
  onunmute: Callback<[StreamEvent]> = (event) => {
    const element = event.mediaElement;
    if (!(element instanceof HTMLMediaElement)) return;
    if (event.unmuteType === 'audio') element.muted = event.type === 'local';
    else element.removeAttribute('data-muted');
  };
  onUserStatusChanged: Callback<[{ userid: string; status: string; extra: Extra }]> = () =>
    undefined;
  onRoomFull: Callback<[string]> = () => undefined;
  onEntireSessionClosed: Callback<[{ sessionid: string; userid: string; extra: Extra }]> = () =>
    undefined;
  onExtraDataUpdated: Callback<[{ userid: string; extra: Extra }]> = () => undefined;
  onUserIdAlreadyTaken: Callback<[string, string]> = () => undefined;
  onMediaError: Callback<[unknown, unknown]> = (error) => {
    if (this.enableLogs) console.error('onMediaError', error);
  };
  onNewParticipant: Callback<[string, LegacyUserPreferences]> = (participantId, preferences) =>
    this.acceptParticipationRequest(participantId, preferences);
  onReadyForOffer: Callback<[string, LegacyUserPreferences]> = (remoteUserId, preferences) =>
    this.multiPeersHandler.createNewPeer(remoteUserId, preferences);
  onSettingLocalDescription: Callback<[{ userid: string; peer: RTCPeerConnection; extra: Extra }]> =
    () => undefined;
  onNumberOfBroadcastViewersUpdated: Callback<
    [{ broadcastId: string; numberOfBroadcastViewers: number }]
  > = () => undefined;
  onFileStart: Callback<[LegacyFile]> = (file) =>
    fileStarted(
      file,
      this.filesContainer,
      file.userid === this.userid
        ? `${file.name} to ${file.remoteUserId}`
        : `${file.name} from ${file.userid}`,
    );
  onFileProgress: Callback<[LegacyFile]> = (file) => fileProgressed(file);
  onFileEnd: Callback<[LegacyFile]> = (file) => fileEnded(file);
  onerror: Callback<[unknown]> = () => undefined;
  onSocketDisconnect: Callback<[string]> = () => undefined;

  /** Hook: what to send to and take from each user (default: `dontAttachStream` / `dontGetRemoteStream`). */
  setUserPreferences: (
    userPreferences: LegacyUserPreferences,
    userid: string,
  ) => LegacyUserPreferences | undefined | void = (userPreferences) => {
    if (this.dontAttachStream) userPreferences.dontAttachLocalStream = true;
    if (this.dontGetRemoteStream) userPreferences.dontGetRemoteStream = true;
    return userPreferences;
  };

  /** Hook: return the stream to send it to this peer, nothing to keep it from the peer. */
  beforeAddingStream: (
    stream: MediaStream,
    peer: unknown,
  ) => MediaStream | undefined | null | void = (stream) => stream;

  /** Hook: rewrite each local SDP (the default leaves it alone: bandwidth uses setParameters). */
  processSdp: (sdp: string) => string = keepSdp;

  /** Hook: getDisplayMedia constraints, as v3's callback shape `(error, constraints)`. */
  getScreenConstraints(
    callback: (error: unknown, constraints: Record<string, unknown>) => void,
  ): void {
    callback(null, {
      mandatory: {
        chromeMediaSource: 'screen',
        maxWidth: 1920,
        maxHeight: 1080,
        minAspectRatio: 1.77,
      },
      optional: [],
    });
  }

  /** Hook for `getScreenConstraints` overrides (getScreenId.js pages call it): as given by default. */
  modifyScreenConstraints(screenConstraints: Record<string, unknown>): Record<string, unknown> {
    return screenConstraints;
  }

  /**
   * Captures a stream for the page itself: the connection knows nothing of it until the page adds
   * it (`addStream`). `onGettingLocalMedia(stream)`, or `onLocalMediaError(error, constraints)`.
   */
  getUserMediaHandler(options: {
    localMediaConstraints?: { audio?: unknown; video?: unknown };
    onGettingLocalMedia?: (stream: MediaStream) => void;
    onLocalMediaError?: (error: unknown, constraints: unknown) => void;
  }): void {
    const wanted = options.localMediaConstraints ?? {};
    navigator.mediaDevices
      .getUserMedia({
        audio: modernTrackConstraints(wanted.audio),
        video: modernTrackConstraints(wanted.video),
      })
      .then(
        (stream) => options.onGettingLocalMedia?.(stream),
        (error: unknown) => options.onLocalMediaError?.(error, wanted),
      );
  }

  // ---------------------------------------------------------------- rooms
  /** Creates the room; `callback(isRoomOpened, roomid, error)`. */
  open(roomid?: string | Callback, callback?: Callback): void {
    if (typeof roomid === 'function') [callback, roomid] = [roomid, undefined];
    const id = this.#roomOf(roomid ?? this.sessionid);
    void this.#enter(
      id,
      (room) => room.open(),
      () => callback?.(true, id),
      callback,
    );
  }

  /**
   * Joins a room; `callback(isRoomJoined, roomid, error)`. The options of v3 (`isOneWay`, SDP
   * constraints) are accepted; the session of the room decides what flows.
   */
  join(
    roomid: string | { sessionid?: string } | undefined,
    options?: Record<string, unknown> | Callback,
    callback?: Callback,
  ): { remoteUserId: string; message: Record<string, unknown> } {
    if (typeof options === 'function') callback = options;
    const id = this.#roomOf(
      typeof roomid === 'string'
        ? roomid
        : ((roomid as { sessionid?: string } | null | undefined)?.sessionid ?? this.sessionid),
    );
    void this.#enter(
      id,
      (room) => room.join(),
      () => callback?.(true, id),
      callback,
    );
    return { remoteUserId: id, message: { newParticipationRequest: true, isOneWay: false } };
  }

  /** Joins the room, or opens it when it does not exist; `callback(isRoomOpened, roomid, error)`. */
  openOrJoin(roomid?: string | Callback, callback?: Callback): void {
    if (typeof roomid === 'function') [callback, roomid] = [roomid, undefined];
    const id = this.#roomOf(roomid ?? this.sessionid);
    void this.#enter(
      id,
      (room) => room.openOrJoin(),
      (result) => callback?.(result.opened, id),
      callback,
    );
  }

  /**
   * `callback(isRoomExist, roomid, extra)`; `extra._room` has `isFull` and `isPasswordProtected`.
   * As in v3, it asks on the page's own socket, connecting it first when needed: the server then
   * counts the page as waiting at that room, so its custom events reach the room before it joins
   * (v3 pages message a room's owner before joining it). A later open or join of that room keeps
   * this socket.
   */
  checkPresence(roomid: string = this.sessionid, callback?: Callback): void {
    const room = this.#presenceRoom(roomid);
    const ask = room
      ? room.connect().then(() => {
          this.#socket.bind(room.socket);
          return room.checkPresence(roomid);
        })
      : engine.checkPresence({ socketUrl: this.#socketUrl(), roomId: roomid });
    ask.then(
      (p) =>
        callback?.(p.exists, roomid, {
          ...p.extra,
          _room: { isFull: p.isFull, isPasswordProtected: p.isPasswordProtected },
        }),
      () => callback?.(false, roomid, {}),
    );
  }

  /** User ids of the peers connected to this page (except one, when given). */
  getAllParticipants(exceptUserid?: string): string[] {
    return (this.#room?.connectedUserIds ?? []).filter((id) => id !== exceptUserid);
  }

  /** Leaves the room: closes every peer connection and the signaling connection. */
  leave(): void {
    void this.#room?.leave();
  }
  close(): void {
    this.leave();
  }
  disconnect(): void {
    this.leave();
  }
  /** Closes the signaling connection (and so leaves the room: the server frees our place). */
  closeSocket(): void {
    this.leave();
  }

  /** Drops the peer connection with a user (both stay in the room); `callback()` after. */
  disconnectWith(remoteUserId: string, callback?: Callback): void {
    this.#room?.disconnectWith(remoteUserId);
    callback?.();
  }

  /** Owner only: closes the room for everyone; `callback()` once it is closed. */
  closeEntireSession(callback?: Callback): void {
    const room = this.#room;
    if (!room) return callback?.();
    room.closeEntireSession().then(
      () => callback?.(),
      (error: unknown) => this.#fail(error, callback),
    );
  }

  /** Negotiates again with one user or everyone (after changing `dontAttachStream`, for instance). */
  renegotiate(remoteUserId?: string): void {
    void this.#room?.renegotiate(remoteUserId);
  }

  /**
   * Sends a stream (a MediaStream, or `{audio, video, screen}` to capture now) to everyone or one
   * user; `streamCallback(stream)` gets it (`null` when the user cancelled the screen picker).
   */
  addStream(source: MediaStream | Record<string, unknown>, remoteUserId?: string): void {
    const room = this.#room;
    if (source instanceof MediaStream) {
      this.#given.add(source);
      if (!room) return void this.attachStreams.push(source);
      void room
        .addStream(source, remoteUserId, givenAs(source))
        .catch((e: unknown) => this.#fail(e));
      return;
    }
    const streamCallback = source['streamCallback'] as
      ((s: MediaStream | null) => void) | undefined;
    void (async () => {
      if (!room) throw new RtcError(ErrorCode.INVALID_STATE, 'Open or join a room first');
      if (source['screen']) room.configure({ screenConstraints: await this.#screenConstraints() });
      return room.addStream(
        { audio: !!source['audio'], video: !!source['video'], screen: !!source['screen'] },
        remoteUserId,
      );
    })().then(
      (stream) => streamCallback?.(stream),
      (error: unknown) => {
        streamCallback?.(null);
        if (!(error instanceof RtcError && error.code === ErrorCode.ABORTED)) this.#fail(error);
      },
    );
  }

  /** Stops sending a stream (by id, or `'screen'` / `{screen: true}` ...), to everyone or one user. */
  removeStream(selector: string | Record<string, unknown>, remoteUserId?: string): void {
    const room = this.#room;
    if (!room) return;
    const local = Object.values(this.streamEvents).filter((e) => e.type === 'local');
    const wanted =
      typeof selector === 'string'
        ? local.filter(
            (e) =>
              e.streamid === selector ||
              (selector === 'screen' && e.isScreen) ||
              (selector === 'video' && e.isVideo && !e.isScreen) ||
              (selector === 'audio' && e.isAudio && !e.isVideo),
          )
        : local.filter((e) =>
            selector['screen']
              ? e.isScreen
              : selector['video']
                ? e.isVideo && !e.isScreen
                : selector['audio']
                  ? e.isAudio
                  : false,
          );
    for (const event of wanted) room.removeStream(event.streamid, remoteUserId);
  }

  /** Sends another track (a track, a stream's, or `{screen: true}`) without renegotiation. */
  replaceTrack(
    source: MediaStreamTrack | MediaStream | Record<string, unknown>,
    remoteUserId?: string,
  ): void {
    const room = this.#room;
    if (!room) return;
    void (async () => {
      if (source instanceof MediaStreamTrack || source instanceof MediaStream)
        return room.replaceTrack(source, remoteUserId);
      if (source['screen']) {
        room.configure({ screenConstraints: await this.#screenConstraints() });
        return room.replaceTrack({ screen: true }, remoteUserId);
      }
      const captured = await navigator.mediaDevices.getUserMedia(
        source['video']
          ? { video: modernTrackConstraints(source['video']) }
          : { audio: modernTrackConstraints(source['audio']) },
      );
      return room.replaceTrack(captured, remoteUserId);
    })().catch((e: unknown) => this.#fail(e));
  }

  /** Back to the replaced tracks: for some users (or all: `null`), video (`true`), audio (`false`) or both. */
  resetTrack(remoteUserIds?: string | string[] | null, isVideoTrack?: boolean): void {
    const kind: TrackKind | undefined =
      isVideoTrack === undefined ? undefined : isVideoTrack ? 'video' : 'audio';
    void this.#room
      ?.resetTrack(remoteUserIds ?? undefined, kind)
      .catch((e: unknown) => this.#fail(e));
  }

  /** Changes the live camera's constraints (`{video: {...}}` or the track constraints). */
  applyConstraints(constraints: Record<string, unknown>): void {
    const video = modernTrackConstraints(constraints['video'] ?? constraints);
    void this.#room
      ?.applyConstraints(typeof video === 'object' ? video : {})
      .catch((e: unknown) => this.#fail(e));
  }

  /** Takes a new user id (random when none is given); `callback()` once everyone knows it. */
  changeUserId(newUserId: string = token(), callback?: Callback): void {
    const room = this.#room;
    if (!room || room.state !== 'joined') {
      this.userid = newUserId;
      room?.configure({ userId: newUserId });
      return callback?.();
    }
    room.changeUserId(newUserId).then(
      () => {
        this.userid = newUserId;
        callback?.();
      },
      (e: unknown) => this.#fail(e),
    );
  }

  /** Sends `extra` to everyone (after changing it in place). */
  updateExtraData(): void {
    this.#room?.updateExtraData(this.extra);
  }

  /** A user's extra data: from the server with a callback, else what this page knows. */
  getExtraData(userid: string, callback?: Callback<[Extra]>): Extra | undefined {
    if (!callback)
      return (
        this.peers[userid]?.extra ??
        this.#room?.participants.find((p) => p.userId === userid)?.extra
      );
    const room = this.#room;
    if (room?.state === 'joined') room.getExtraData(userid).then(callback, () => callback({}));
    else callback({});
    return undefined;
  }

  /** Text, JSON or binary to everyone or one user; a File/Blob is a file transfer. */
  send(data: unknown, remoteUserId?: string): void {
    if (data instanceof Blob) return this.shareFile(data, remoteUserId);
    void this.#room?.send(data, remoteUserId).catch((e: unknown) => this.#fail(e));
  }

  /** Sends a file to everyone or one user (`onFileStart` / `onFileProgress` / `onFileEnd`). */
  shareFile(file: Blob, remoteUserId?: string): void {
    const room = this.#room;
    if (!room) return;
    try {
      // RTCMultiConnection pages in the room get the file in chunks of this page's chunkSize.
      room.files.legacyChunkSize = this.chunkSize;
      const id = room.sendFile(file, remoteUserId);
      const uuid = (file as { uuid?: unknown }).uuid;
      this.#fileIds.set(typeof uuid === 'string' ? uuid : id, id);
    } catch (error) {
      this.#fail(error);
    }
  }

  #cancelByUuid(uuid: string): void {
    const id = this.#fileIds.get(uuid) ?? uuid;
    this.#fileIds.delete(uuid);
    this.#room?.cancelFile(id);
  }

  /**
   * v3's file reader: `delete connection.fbr.chunks[file.uuid]`, `connection.fbr.chunks = {}`
   * or `connection.fbr = null` stop sending (one file, or all).
   */
  get fbr(): { chunks: Record<string, unknown>; users: Record<string, unknown> } {
    const cancel = (uuid: string) => this.#cancelByUuid(uuid);
    const chunks = new Proxy(
      {},
      {
        deleteProperty: (_, uuid) => (typeof uuid === 'string' && cancel(uuid), true),
        has: (_, uuid) => typeof uuid === 'string' && this.#fileIds.has(uuid),
        ownKeys: () => [...this.#fileIds.keys()],
        getOwnPropertyDescriptor: (_, uuid) =>
          typeof uuid === 'string' && this.#fileIds.has(uuid)
            ? { value: true, enumerable: true, configurable: true }
            : undefined,
      },
    );
    const cancelAll = () => [...this.#fileIds.keys()].forEach(cancel);
    return {
      get chunks() {
        return chunks;
      },
      set chunks(_value) {
        cancelAll();
      },
      users: {},
    };
  }
  set fbr(value: unknown) {
    if (!value) for (const uuid of [...this.#fileIds.keys()]) this.#cancelByUuid(uuid);
  }

  /** Opens the file picker; `callback(file)` with `this` the input. */
  invokeSelectFileDialog(callback: (this: HTMLInputElement, file: File) => void): void {
    selectFile(callback);
  }

  /** A random id. */
  token(): string {
    return token();
  }

  // ---------------------------------------------------------------- socket
  /** The signaling socket (one object for the page's life; usable at once, connects if needed). */
  get socket(): LegacySocket {
    return this.#socket;
  }

  /** Connects the signaling socket without joining; `callback(socket)` once connected. */
  connectSocket(callback?: Callback<[LegacySocket]>): void {
    const room = this.#ensureRoom(this.sessionid);
    room.connect().then(
      () => {
        this.#socket.bind(room.socket);
        callback?.(this.#socket);
      },
      (e: unknown) => this.#fail(e),
    );
  }

  /** The signaling socket, connecting it first when needed (`callback(socket)` once connected). */
  getSocket(callback?: Callback<[LegacySocket]>): LegacySocket {
    if (this.#socket.connected) callback?.(this.#socket);
    else this.connectSocket(callback);
    return this.#socket;
  }

  /**
   * Carries this connection's signaling over a v3 custom socket handler (Firebase, PubNub,
   * SignalR, XHR, SIP...): `handler(connection, connectCallback)` makes a socket.io-like object
   * and calls `connectCallback(socket)`. Takes effect at the next open/join/connectSocket.
   */
  setCustomSocketHandler(handler: SocketHandler): void {
    const scheme = `rtcmc-custom-${++customSchemes}`;
    registerTransport(scheme, (_url, options) => new HandlerTransport(handler, this, options));
    this.socketURL = `${scheme}:`;
  }

  /** Asks the server to rebroadcast another custom event name in the room. */
  setCustomSocketEvent(customEvent: string): void {
    this.#socket.emit('set-custom-socket-event-listener', customEvent);
  }

  // ---------------------------------------------------------------- moderation, broadcast
  /** Lets a user who asked to connect (`onNewParticipant`) in, with these preferences. */
  acceptParticipationRequest(participantId: string, userPreferences?: LegacyUserPreferences): void {
    const preferences = userPreferences ?? this.#defaultPreferences();
    this.#preferences.set(participantId, preferences);
    preferences.successCallback?.();
    this.onReadyForOffer(participantId, preferences);
  }
  /** The reference's spelling of {@link acceptParticipationRequest}. */
  addParticipationRequest(participantId: string, userPreferences?: LegacyUserPreferences): void {
    this.acceptParticipationRequest(participantId, userPreferences);
  }

  /** `callback(count)`: how many viewers a scalable broadcast has. */
  getNumberOfBroadcastViewers(broadcastId: string, callback: Callback<[number]>): void {
    const socketUrl = this.#socketUrl();
    const ask =
      this.#room?.socketUrl === socketUrl
        ? this.#room.getNumberOfBroadcastViewers(broadcastId)
        : engine.getNumberOfBroadcastViewers({ socketUrl, broadcastId });
    ask.then(callback, () => callback(0));
  }

  /** Sets the room's password (owner only); `callback(ok, roomid, error)`. */
  setPassword(password: string, callback?: Callback): void {
    this.password = password;
    const room = this.#room;
    if (room?.state !== 'joined') return callback?.(true, this.sessionid, undefined);
    room.setPassword(password).then(
      () => callback?.(true, this.sessionid, undefined),
      (e: unknown) =>
        callback?.(false, this.sessionid, e instanceof RtcError ? legacyError(e) : String(e)),
    );
  }

  /** Remote streams of a user (of the first peer by default). */
  getRemoteStreams(userid?: string): MediaStream[] {
    const id = userid ?? this.getAllParticipants()[0];
    return Object.values(this.streamEvents)
      .filter((e) => e.type === 'remote' && e.userid === id)
      .map((e) => e.stream);
  }

  /** The engine's room connection, for what v3 never had. */
  get roomConnection(): RoomConnection | undefined {
    return this.#room;
  }

  // ---------------------------------------------------------------- internals
  /**
   * The room a v3 scalable-broadcast page enters: it names the user it receives from (or itself),
   * and v3's server put every open and join of such a page in `extra.broadcastId`'s room.
   */
  #roomOf(roomId: string): string {
    const broadcastId = this.extra['broadcastId'];
    return this.enableScalableBroadcast && typeof broadcastId === 'string' && broadcastId
      ? broadcastId
      : roomId;
  }

  /**
   * The room connection whose socket asks `checkPresence(roomId)`: the page's current one (in a
   * room, or connected by `connectSocket()`), else one for the room asked about (so that opening
   * or joining it next keeps the socket). A page in a room on another server asks on a socket of
   * its own (undefined).
   */
  #presenceRoom(roomId: string): RoomConnection | undefined {
    const room = this.#room;
    const busy = room?.state === 'joined' || room?.state === 'connecting';
    if (room && (busy || room.socket?.connected))
      return room.socketUrl === this.#socketUrl() ? room : undefined;
    return this.#ensureRoom(roomId, false);
  }

  #socketUrl(): string {
    const base = (globalThis as { location?: Location }).location?.href;
    const url =
      this.socketURL.startsWith('/') || this.socketURL.startsWith('.')
        ? new URL(this.socketURL, base).href
        : this.socketURL;
    return url;
  }

  #defaultPreferences(): LegacyUserPreferences {
    const media = !!(this.session.audio || this.session.video || this.session.screen);
    // v3: only `oneway` makes a joiner receive-only; `broadcast` does not (see #options).
    const oneWay = !!this.session.oneway;
    return {
      localPeerSdpConstraints: { OfferToReceiveAudio: media, OfferToReceiveVideo: media },
      remotePeerSdpConstraints: { OfferToReceiveAudio: media, OfferToReceiveVideo: media },
      isOneWay: oneWay,
      isDataOnly: !media,
      dontGetRemoteStream: false,
      dontAttachLocalStream: false,
    };
  }

  /**
   * Getting the screen constraints from the (overridable) v3 callback. RTCMultiConnection 3.7.1
   * itself never calls it (it asks getDisplayMedia directly), so pages that still override it
   * with getScreenId.js code that is gone (a ReferenceError) or that fails (an error in the
   * callback) share their screen with the default constraints instead of not at all.
   */
  #screenConstraints(): Promise<DisplayMediaStreamOptions> {
    const display = (constraints: Record<string, unknown>): DisplayMediaStreamOptions => ({
      video: displayTrackConstraints(modernTrackConstraints(constraints['video'] ?? constraints)),
      audio: false,
    });
    const defaults = () =>
      new Promise<DisplayMediaStreamOptions>((resolve) =>
        RTCMultiConnection.prototype.getScreenConstraints.call(this, (_error, constraints) =>
          resolve(display(constraints)),
        ),
      );
    return new Promise<DisplayMediaStreamOptions | undefined>((resolve) => {
      try {
        // Pages' overrides may pass anything back.
        this.getScreenConstraints((error, constraints: unknown) =>
          resolve(
            error || typeof constraints !== 'object' || !constraints
              ? undefined
              : display(constraints as Record<string, unknown>),
          ),
        );
      } catch (error) {
        if (this.enableLogs)
          console.warn('getScreenConstraints failed; default constraints', error);
        resolve(undefined);
      }
    }).then((options) => options ?? defaults());
  }

  #options(roomId: string): RoomOptions {
    return {
      socketUrl: this.#socketUrl(),
      roomId,
      userId: this.userid,
      session: v3Session(this.session),
      extra: this.extra,
      password: this.password ?? undefined,
      // v3's maxParticipantsAllowed is the room's total, the opener included (its server admitted
      // N - 1 joiners; its one-to-one demo sets 2), with 1 also one-to-one (its documentation);
      // the engine's maxParticipants counts the others.
      maxParticipants: Math.max(1, this.maxParticipantsAllowed - 1),
      autoClose: this.autoCloseEntireSession,
      publicId: this.publicRoomIdentifier || undefined,
      messageEvent: this.socketMessageEvent,
      customEvent: this.socketCustomEvent,
      // rtcCompat: this page speaks RTCMultiConnection, whose pages message a room's lobby (the
      // sockets waiting at it) with custom events; rtc-elements' own custom events stay in rooms.
      query: { ...parseSocketParameters(this.socketCustomParameters), rtcCompat: '1' },
      iceServers: this.iceServers.length > 0 ? this.iceServers : undefined,
      iceTransportPolicy: this.iceTransportPolicy ?? undefined,
      bandwidth: {
        audio: this.bandwidth.audio || undefined,
        video: this.bandwidth.video || undefined,
        screen: this.bandwidth.screen || undefined,
      },
      codecs: {
        audio: (this.codecs.audio?.toLowerCase() as 'opus' | 'g722' | undefined) || undefined,
        video:
          (this.codecs.video?.toLowerCase() as 'vp8' | 'vp9' | 'h264' | 'av1' | undefined) ||
          undefined,
      },
      mediaConstraints: modernConstraints(this.mediaConstraints),
      dontCapture: !this.#captures(),
      scalableBroadcast: this.enableScalableBroadcast,
      // v3 sent `maxRelayLimitPerUser || 2` in its handshake.
      singleBroadcastAttendees: this.maxRelayLimitPerUser || 2,
      setUserPreferences: (_base, userId) => {
        const preferences = { ...(this.#preferences.get(userId) ?? this.#defaultPreferences()) };
        const chosen = this.setUserPreferences(preferences, userId) ?? preferences;
        return {
          dontAttachLocalStream: !!(chosen.dontAttachLocalStream || chosen.dontAttachStream),
          dontGetRemoteStream: chosen.dontGetRemoteStream,
        };
      },
      beforeAddingStream: (stream, userId) =>
        !!this.beforeAddingStream(stream, this.peers[userId] ?? { userid: userId }),
      processSdp: this.processSdp === keepSdp ? undefined : (sdp) => this.processSdp(sdp),
      admitPeer: (userId) =>
        new Promise<boolean>((resolve) => {
          this.#admissions.get(userId)?.(false);
          this.#admissions.set(userId, resolve);
          const preferences = this.#defaultPreferences();
          this.onNewParticipant(userId, preferences);
        }),
    };
  }

  #admit(userId: string, yes: boolean): void {
    const resolve = this.#admissions.get(userId);
    this.#admissions.delete(userId);
    resolve?.(yes);
  }

  /**
   * A v3 page keeps its captured streams in `attachStreams` from one room to the next (a page that
   * opens a room named after its user and then joins someone else's carries its camera over).
   * Leaving a room stops what it captured, so the next room gets copies of those tracks (same
   * camera, same microphone), in `attachStreams` as v3 has them.
   */
  #keepLocalStreams(): void {
    for (const event of Object.values(this.streamEvents)) {
      if (event.type !== 'local' || this.attachStreams.includes(event.stream)) continue;
      const live = event.stream.getTracks().some((t) => t.readyState === 'live');
      if (!live) continue;
      const copy = event.stream.clone();
      // A screen stays a screen in the next room (see givenAs).
      if (event.isScreen) Object.assign(copy, { isScreen: true });
      // Our own camera/microphone capture: the next room does not capture again.
      if (!event.isScreen && !this.#given.has(event.stream)) this.#carried.add(copy);
      this.attachStreams.push(copy);
    }
  }

  /**
   * The room connection for this room id (a new one when the id changed). `adopt`: the page now
   * names this room (`sessionid`, `channel`), as opening or joining it does.
   */
  #ensureRoom(roomId: string, adopt = true): RoomConnection {
    if (adopt) this.sessionid = this.channel = roomId;
    const options = this.#options(roomId);
    const handshake = handshakeOf(options);
    const room = this.#room;
    const idle = !!room && room.state !== 'joined' && room.state !== 'connecting';
    // The server reads a socket's handshake once: a socket connected ahead of the join (by
    // checkPresence or connectSocket) with other settings than the page has now is replaced.
    const stale = idle && !!room.socket?.connected && this.#handshake !== handshake;
    if (room && (room.roomId !== roomId || room.socketUrl !== options.socketUrl || stale)) {
      this.#keepLocalStreams();
      void room.leave();
      this.#unbind();
      this.#room = undefined;
    }
    if (!this.#room) {
      this.#room = new RoomConnection(options);
      this.#bind(this.#room);
      this.#handshake = handshake;
    } else if (idle) {
      this.#room.configure(options);
      if (!this.#room.socket?.connected) this.#handshake = handshake;
    }
    return this.#room;
  }

  async #enter(
    roomId: string,
    action: (room: RoomConnection) => Promise<{ opened: boolean }>,
    done: (result: { opened: boolean }) => void,
    callback: Callback | undefined,
  ): Promise<void> {
    try {
      const room = this.#ensureRoom(roomId);
      if (this.session.screen)
        room.configure({ screenConstraints: await this.#screenConstraints() });
      const streams = [...this.attachStreams];
      for (const stream of streams) if (!this.#carried.has(stream)) this.#given.add(stream);
      // The engine captures only while it has no stream of ours: when v3 would capture beside
      // the page's own streams, those are added once the engine has captured.
      const captures = this.#captures();
      const add = (stream: MediaStream) => room.addStream(stream, undefined, givenAs(stream));
      if (!captures) for (const stream of streams) await add(stream);
      const result = await action(room);
      if (captures) for (const stream of streams) await add(stream);
      this.isInitiator = result.opened;
      this.#socket.bind(room.socket);
      done(result);
    } catch (error) {
      const rtcError = RtcError.from(error, ErrorCode.INVALID_STATE);
      callback?.(false, roomId, legacyError(rtcError));
    }
  }

  /**
   * Whether opening or joining captures the camera and microphone: v3 captures unless
   * `dontCaptureUserMedia`, whatever `attachStreams` holds (pages put a canvas there and still
   * send their camera); it only never captured the same twice (its capture cache), so a camera
   * carried over from the last room is not captured again.
   */
  #captures(): boolean {
    return !this.dontCaptureUserMedia && !this.attachStreams.some((s) => this.#carried.has(s));
  }

  #fail(error: unknown, callback?: Callback): void {
    const rtcError = RtcError.from(error, ErrorCode.INVALID_STATE);
    if (this.enableLogs) console.error(rtcError);
    this.onerror(rtcError);
    callback?.(false, this.sessionid, legacyError(rtcError));
  }

  #extraOf(userId: string): Extra {
    if (userId === this.userid) return this.extra;
    return (
      this.#room?.participants.find((p) => p.userId === userId)?.extra ??
      this.peers[userId]?.extra ??
      {}
    );
  }

  /**
   * Who a remote stream comes from, as v3 pages see it: the user whose peer connection carries it.
   * That is its owner, except in a scalable broadcast, where a viewer below a relay gets the
   * broadcaster's stream from the relay (v3 knew only the relay; its broadcast demos forward what
   * they receive to every peer but `event.userid`, which must then be the relay).
   */
  #deliveredBy(info: StreamInfo): string {
    const room = this.#room;
    const tracks: MediaStreamTrack[] = info.stream.getTracks();
    const carries = (userId: string) =>
      !!room
        ?.peerConnection(userId)
        ?.getReceivers()
        .some((r) => tracks.includes(r.track));
    if (!room || tracks.length === 0 || carries(info.userId)) return info.userId;
    return room.connectedUserIds.find(carries) ?? info.userId;
  }

  /** Whose stream an event shows (its owner, also when a relay delivers it). */
  #ownerOf(event: StreamEvent): string {
    return this.#origins.get(event.streamid) ?? event.userid;
  }

  #streamEvent(info: StreamInfo): StreamEvent {
    const { stream } = info;
    const known = this.streamEvents[stream.id];
    if (known) return known;
    let element: HTMLMediaElement | Record<string, never> = {};
    if (this.autoCreateMediaElement && typeof document !== 'undefined') {
      element = mediaElement(stream, info.type === 'local');
      this.#elements.set(stream.id, element);
    }
    const userId = info.type === 'remote' ? this.#deliveredBy(info) : info.userId;
    if (userId !== info.userId) this.#origins.set(stream.id, info.userId);
    const event: StreamEvent = {
      stream,
      streamid: stream.id,
      type: info.type,
      userid: userId,
      extra: this.#extraOf(userId),
      mediaElement: element,
      isAudio: stream.getAudioTracks().length > 0 && stream.getVideoTracks().length === 0,
      isVideo: stream.getVideoTracks().length > 0 && !info.isScreen,
      isScreen: info.isScreen,
    };
    if (info.type === 'local') event.isAudioMuted = false;
    this.streamEvents[stream.id] = event;
    // v3 decorates the stream itself, and local streams mute and unmute.
    Object.assign(stream, {
      streamid: stream.id,
      type: info.type,
      isAudio: event.isAudio,
      isVideo: event.isVideo,
      isScreen: info.isScreen,
      ...(info.type === 'local'
        ? {
            mute: (kind?: 'audio' | 'video' | 'both') => void this.#room?.mute(kind ?? 'both'),
            unmute: (kind?: 'audio' | 'video' | 'both') => void this.#room?.unmute(kind ?? 'both'),
          }
        : {}),
    });
    return event;
  }

  #fileEvent(
    info: {
      fileId: string;
      name: string;
      size: number;
      userId: string;
      direction: string;
      /** A transfer with a v3 page counts in its records, as v3 does. */
      legacy?: { currentPosition: number; maxChunks: number };
    },
    bytes: number,
    url?: string,
    file?: File,
  ): LegacyFile {
    const uuid = [...this.#fileIds].find(([, id]) => id === info.fileId)?.[0] ?? info.fileId;
    const sending = info.direction === 'send';
    return {
      uuid,
      name: info.name,
      size: info.size,
      type: file?.type ?? '',
      maxChunks: info.legacy?.maxChunks ?? Math.max(1, Math.ceil(info.size / this.chunkSize)),
      currentPosition: info.legacy?.currentPosition ?? Math.floor(bytes / this.chunkSize),
      userid: sending ? this.userid : info.userId,
      remoteUserId: sending ? info.userId : this.userid,
      extra: this.#extraOf(sending ? this.userid : info.userId),
      ...(url ? { url } : {}),
      ...(file ? { file } : {}),
    };
  }

  /**
   * `onUserStatusChanged(online)`, once per arrival, when the user is both announced and in
   * `getAllParticipants()` (has a peer connection). v3 pages count participants in that callback;
   * v3 itself calls it again for every relayed negotiation message (its default
   * onExtraDataUpdated), by which time the peer counts. Users we never connect to (v3: never
   * `user-connected`) get no online status.
   */
  #statusOnline(userId: string): void {
    if (!this.#arrived.has(userId) || this.#online.has(userId)) return;
    this.#online.add(userId);
    this.onUserStatusChanged({ userid: userId, status: 'online', extra: this.#extraOf(userId) });
  }

  #unbind(): void {
    this.#arrived.clear();
    this.#online.clear();
    for (const off of this.#off) off();
    this.#off = [];
  }

  #bind(room: RoomConnection): void {
    const peer = (userid: string): LegacyPeer => {
      const existing = this.peers[userid];
      if (existing) return existing;
      const entry: LegacyPeer = {
        userid,
        extra: this.#extraOf(userid),
        get peer() {
          return room.peerConnection(userid);
        },
        get streams() {
          return room.streams.filter((s) => s.userId === userid).map((s) => s.stream);
        },
      };
      this.peers[userid] = entry;
      return entry;
    };
    const files = room.files;
    this.#off.push(
      room.on('stream', (info) => this.onstream(this.#streamEvent(info))),
      room.on('stream-ended', (info) => {
        const event = this.#streamEvent(info);
        Reflect.deleteProperty(this.streamEvents, info.stream.id);
        this.#origins.delete(info.stream.id);
        this.#elements.delete(info.stream.id);
        this.onstreamended(event);
        // Pages set `stream.onended` (MediaStream's own event is gone from browsers).
        const onended = (info.stream as { onended?: unknown }).onended;
        if (typeof onended === 'function') onended.call(info.stream, new Event('ended'));
      }),
      room.on('joined', () => this.#socket.bind(room.socket)),
      room.on('reconnected', () => this.#socket.bind(room.socket)),
      room.on('participant-joined', ({ userId, extra }) => {
        peer(userId).extra = extra;
        this.#arrived.add(userId);
        if (this.getAllParticipants().includes(userId)) this.#statusOnline(userId);
      }),
      room.on('participant-left', ({ userId, extra }) => {
        this.#arrived.delete(userId);
        this.#online.delete(userId);
        this.#admit(userId, false);
        this.#preferences.delete(userId);
        Reflect.deleteProperty(this.peers, userId);
        this.onleave({ userid: userId, extra });
        this.onUserStatusChanged({ userid: userId, status: 'offline', extra });
      }),
      room.on('participant-updated', ({ userId, extra }) => {
        peer(userId).extra = extra;
        this.onExtraDataUpdated({ userid: userId, extra });
      }),
      room.on('participant-renamed', ({ userId, previous }) => {
        for (const set of [this.#arrived, this.#online]) if (set.delete(previous)) set.add(userId);
        const entry = this.peers[previous];
        Reflect.deleteProperty(this.peers, previous);
        if (entry) Object.assign(peer(userId), { extra: entry.extra });
      }),
      room.on('user-id', ({ userId, previous }) => {
        this.userid = userId;
        if (this.#userIdTaken) this.onUserIdAlreadyTaken(previous, userId);
        this.#userIdTaken = false;
      }),
      room.on('owner-changed', ({ userId }) => (this.isInitiator = userId === this.userid)),
      room.on('mute', ({ userId, kind }) => {
        for (const event of Object.values(this.streamEvents).filter(
          (e) => this.#ownerOf(e) === userId && !e.isScreen,
        ))
          this.onmute({
            ...event,
            muteType: kind,
            session: { audio: kind !== 'video', video: kind !== 'audio' },
          });
      }),
      room.on('unmute', ({ userId, kind }) => {
        for (const event of Object.values(this.streamEvents).filter(
          (e) => this.#ownerOf(e) === userId && !e.isScreen,
        ))
          this.onunmute({
            ...event,
            unmuteType: kind,
            session: { audio: kind !== 'video', video: kind !== 'audio' },
          });
      }),
      room.on('message', ({ userId, data }) =>
        this.onmessage({ data, userid: userId, extra: this.#extraOf(userId), latency: 0 }),
      ),
      room.on('room-full', ({ roomId }) => this.onRoomFull(roomId)),
      room.on('session-closed', ({ roomId }) => {
        const owner = room.owner ?? '';
        this.onEntireSessionClosed({
          sessionid: roomId,
          userid: owner,
          extra: this.#extraOf(owner),
        });
      }),
      room.on('broadcast-viewers', ({ broadcastId, count }) =>
        this.onNumberOfBroadcastViewersUpdated({ broadcastId, numberOfBroadcastViewers: count }),
      ),
      room.on('channel-open', ({ userId }) =>
        this.onopen({ userid: userId, extra: this.#extraOf(userId) }),
      ),
      room.on('peer-closed', ({ userId }) =>
        this.onclose({ userid: userId, extra: this.#extraOf(userId) }),
      ),
      room.on('peer-connection', ({ userId, pc }) => {
        peer(userId);
        const state = () =>
          this.multiPeersHandler.onPeerStateChanged({
            iceConnectionState: pc.iceConnectionState,
            iceGatheringState: pc.iceGatheringState,
            signalingState: pc.signalingState,
            userid: userId,
            extra: this.#extraOf(userId),
          });
        pc.addEventListener('iceconnectionstatechange', state);
        this.#statusOnline(userId);
        pc.addEventListener('signalingstatechange', () => {
          state();
          if (
            pc.signalingState === 'have-local-offer' ||
            (pc.signalingState === 'stable' && pc.localDescription?.type === 'answer')
          )
            this.onSettingLocalDescription({
              userid: userId,
              peer: pc,
              extra: this.#extraOf(userId),
            });
        });
      }),
      room.on('error', (error) => {
        if (error.code === ErrorCode.USERID_TAKEN) this.#userIdTaken = true;
        if (MEDIA_CODES.includes(error.code)) this.onMediaError(error, this.mediaConstraints);
        else if (this.enableLogs) console.warn(error.message);
      }),
      room.on('reconnecting', ({ reason }) => this.onSocketDisconnect(reason)),
      files.on('file-start', (info) => this.onFileStart(this.#fileEvent(info, 0))),
      files.on('file-progress', (info) => this.onFileProgress(this.#fileEvent(info, info.bytes))),
      files.on('file-end', (info) => {
        if (info.relayed) return;
        const event = this.#fileEvent(info, info.size, info.url, info.file);
        // The receiver gets the file itself (a Blob with the fields), as v3 pages expect.
        const file = info.direction === 'receive' ? info.file : undefined;
        this.onFileEnd(file ? receivedBlob(file, event) : event);
      }),
    );
  }
}

interface PeersHelpers {
  getLength(): number;
  selectFirst(): LegacyPeer | undefined;
  getAllParticipants(exceptUserid?: string): string[];
  forEach(callback: (peer: LegacyPeer) => void): void;
  send(data: unknown, remoteUserId?: string): void;
}

/** `connection.peers`: entries by user id, plus v3's helper methods (not enumerable). */
function peersObject(connection: RTCMultiConnection): Record<string, LegacyPeer> & PeersHelpers {
  const peers = {} as Record<string, LegacyPeer> & PeersHelpers;
  const entries = () => Object.values(peers);
  Object.defineProperties(peers, {
    getLength: { value: () => entries().length },
    selectFirst: { value: () => entries()[0] },
    getAllParticipants: {
      value: (except?: string) => Object.keys(peers).filter((id) => id !== except),
    },
    forEach: { value: (callback: (peer: LegacyPeer) => void) => entries().forEach(callback) },
    send: { value: (data: unknown, userid?: string) => connection.send(data, userid) },
  });
  return peers;
}

interface StreamSelectors {
  selectFirst(filter?: string | Record<string, unknown>): StreamEvent | undefined;
  selectAll(filter?: string | Record<string, unknown>): StreamEvent[];
}

/** `connection.streamEvents`: stream events by stream id, plus `selectFirst` / `selectAll`. */
function streamEventsObject(): Record<string, StreamEvent> & StreamSelectors {
  const events = {} as Record<string, StreamEvent> & StreamSelectors;
  const matches = (e: StreamEvent, filter?: string | Record<string, unknown>): boolean => {
    if (!filter) return true;
    if (typeof filter === 'string') {
      return filter === 'local' || filter === 'remote'
        ? e.type === filter
        : filter === 'screen'
          ? e.isScreen
          : filter === 'audio'
            ? e.isAudio
            : filter === 'video'
              ? e.isVideo
              : e.userid === filter;
    }
    return (
      (filter['local'] === undefined || (e.type === 'local') === !!filter['local']) &&
      (filter['remote'] === undefined || (e.type === 'remote') === !!filter['remote']) &&
      (filter['isScreen'] === undefined || e.isScreen === !!filter['isScreen']) &&
      (filter['isAudio'] === undefined || e.isAudio === !!filter['isAudio']) &&
      (filter['isVideo'] === undefined || e.isVideo === !!filter['isVideo']) &&
      (filter['userid'] === undefined || e.userid === filter['userid'])
    );
  };
  Object.defineProperties(events, {
    selectAll: {
      value: (filter?: string | Record<string, unknown>) =>
        Object.values(events).filter((e) => matches(e, filter)),
    },
    selectFirst: {
      value: (filter?: string | Record<string, unknown>) =>
        Object.values(events).find((e) => matches(e, filter)),
    },
  });
  return events;
}
