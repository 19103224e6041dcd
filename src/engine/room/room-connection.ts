import { ErrorCode, RtcError } from '../errors.js';
import { captureMedia, stopStream, type LocalStream } from '../media/capture.js';
import { isDataOnly, isOneWay, kindsToCapture, parseSession } from '../media/session.js';
import { Mesh } from '../peers/mesh.js';
import { warmUpWebRtc } from '../peers/warm-up.js';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  LEGACY_ERRORS,
  LIMITS,
  PROTOCOL_REVISION,
  isRecord,
  isValidEventName,
  isValidId,
  type Extra,
  type HandshakeQuery,
  type RelayMessage,
  type RoomRequest,
  type Session,
} from '../signaling/protocol.js';
import { SignalingClient } from '../signaling/socket-client.js';
import { Emitter, type Unsubscribe } from '../util/emitter.js';
import { randomId } from '../util/id.js';
import {
  RoomState,
  type JoinResult,
  type Participant,
  type RoomEvents,
  type RoomOptions,
  type StreamInfo,
} from './types.js';

type Mode = 'open' | 'join' | 'openOrJoin';
const MAX_USERID_RETRIES = 3;

/**
 * A connection to one room on one signaling server: signaling socket, local media, and the mesh
 * of peer connections. Free of DOM: it hands out MediaStreams and plain data through typed events.
 */
export class RoomConnection extends Emitter<RoomEvents> {
  readonly roomId: string;
  readonly socketUrl: string;
  #options: RoomOptions;
  #session: Session;
  #userId: string;
  #state: RoomState = RoomState.IDLE;
  #opened = false;
  #isOwner = false;
  #signaling: SignalingClient | undefined;
  #mesh: Mesh | undefined;
  #localStreams: LocalStream[] = [];
  #participants = new Map<string, Participant>();
  #streams = new Map<string, StreamInfo>();
  #iceServers: RTCIceServer[] = [];
  #entering: Promise<JoinResult> | undefined;
  /** Settles when this attempt's capture has finished (successfully or not). */
  #mediaReady: Promise<void> = Promise.resolve();
  #attempt = 0;
  #subscriptions: Unsubscribe[] = [];

  constructor(options: RoomOptions) {
    super();
    if (!options.roomId) throw new RtcError(ErrorCode.INVALID_STATE, 'A room id is required');
    if (!options.socketUrl) throw new RtcError(ErrorCode.INVALID_STATE, 'A socket URL is required');
    this.roomId = options.roomId;
    this.socketUrl = options.socketUrl;
    this.#options = { ...options };
    this.#session = parseSession(options.session);
    this.#userId = options.userId || randomId();
  }

  get userId(): string {
    return this.#userId;
  }
  get state(): RoomState {
    return this.#state;
  }
  /** True once joined when this page created the room. */
  get opened(): boolean {
    return this.#opened;
  }
  /** True while this page owns the room (it opened it, or ownership moved to it). */
  get isOwner(): boolean {
    return this.#isOwner;
  }
  get session(): Readonly<Session> {
    return this.#session;
  }
  get extra(): Extra {
    return this.#options.extra ?? {};
  }
  /** Other users in the room, in arrival order. */
  get participants(): Participant[] {
    return [...this.#participants.values()];
  }
  /** Local and remote streams, local first. */
  get streams(): StreamInfo[] {
    const all = [...this.#streams.values()];
    return [...all.filter((s) => s.type === 'local'), ...all.filter((s) => s.type === 'remote')];
  }
  /** User ids with a peer connection (RTCMultiConnection's `getAllParticipants()`). */
  get connectedUserIds(): string[] {
    return [...(this.#mesh?.peers.keys() ?? [])];
  }
  /** The RTCPeerConnection to a user, for stats and diagnostics. */
  peerConnection(userId: string): RTCPeerConnection | undefined {
    return this.#mesh?.peers.get(userId)?.pc;
  }

  /** Updates options that take effect on the next join (or now, for bandwidth and extra). */
  configure(options: Partial<Omit<RoomOptions, 'roomId' | 'socketUrl'>>): void {
    const extraBefore = JSON.stringify(this.extra);
    Object.assign(this.#options, options);
    if ('session' in options) this.#session = parseSession(options.session);
    if (
      options.userId &&
      this.#state !== RoomState.JOINED &&
      this.#state !== RoomState.CONNECTING
    ) {
      this.#userId = options.userId;
    }
    if ('bandwidth' in options) void this.#mesh?.applyBandwidth();
    if ('extra' in options && JSON.stringify(this.extra) !== extraBefore) {
      if (this.#state === RoomState.JOINED)
        this.#signaling?.notify('extra-data-updated', this.extra);
      this.emit('extra-updated', { userId: this.#userId, extra: this.extra });
    }
  }

  /** Creates the room; rejects with ROOM_EXISTS when it exists. */
  open(): Promise<JoinResult> {
    return this.#enter('open');
  }
  /** Joins an existing room; rejects with ROOM_NOT_FOUND, ROOM_FULL or INVALID_PASSWORD. */
  join(): Promise<JoinResult> {
    return this.#enter('join');
  }
  /** Joins the room, or creates it when it does not exist. */
  openOrJoin(): Promise<JoinResult> {
    return this.#enter('openOrJoin');
  }

  /** Sends text, a JSON-able value or binary data to everyone connected, or to one user. */
  async send(data: unknown, userId?: string): Promise<void> {
    if (this.#state !== RoomState.JOINED || !this.#mesh) {
      throw new RtcError(ErrorCode.INVALID_STATE, 'Join the room before sending');
    }
    try {
      await this.#mesh.send(data, userId);
    } catch (error) {
      throw RtcError.from(error, ErrorCode.SEND_FAILED);
    }
  }

  /** Leaves the room: closes every peer connection, stops captured tracks, closes the socket. */
  async leave(): Promise<void> {
    if (this.#state === RoomState.IDLE || this.#state === RoomState.LEFT) return;
    this.#end();
    await Promise.resolve();
  }

  #enter(mode: Mode): Promise<JoinResult> {
    if (this.#entering) return this.#entering;
    if (this.#state === RoomState.JOINED) {
      return Promise.resolve({ roomId: this.roomId, userId: this.#userId, opened: this.#opened });
    }
    const attempt = ++this.#attempt;
    const entering = this.#run(mode, attempt)
      .catch((error: unknown) => {
        const rtcError = RtcError.from(error, ErrorCode.SIGNALING_UNREACHABLE);
        if (attempt === this.#attempt) {
          this.#teardown();
          this.#setState(RoomState.IDLE);
        }
        if (rtcError.code === ErrorCode.ROOM_FULL) this.emit('room-full', { roomId: this.roomId });
        if (rtcError.code !== ErrorCode.ABORTED) this.emit('error', rtcError);
        throw rtcError;
      })
      .finally(() => {
        if (this.#entering === entering) this.#entering = undefined;
      });
    this.#entering = entering;
    return entering;
  }

  async #run(mode: Mode, attempt: number): Promise<JoinResult> {
    this.#setState(RoomState.CONNECTING);
    this.#validate();
    const check = () => {
      if (attempt !== this.#attempt) throw new RtcError(ErrorCode.ABORTED, 'The room was left');
    };
    // Media does not depend on the role unless the session is one-way: capture while connecting
    // and joining. Peers wait for it before their first offer or answer.
    let capture: Promise<void> | undefined;
    let roleKnown: () => void = () => undefined;
    this.#mediaReady = new Promise<void>((resolve) => (roleKnown = resolve)).then(() => capture);
    if (!isOneWay(this.#session)) {
      capture = this.#capture('participant');
      roleKnown();
    }
    // Start the WebRTC stack once capture is done: starting both at once slows capture down
    // (measured: camera+mic 12 ms alone, 50-70 ms beside a first RTCPeerConnection).
    void this.#mediaReady.then(warmUpWebRtc);
    let retries = 0;
    for (;;) {
      const signaling = this.#connectSignaling();
      try {
        await signaling.connect();
        check();
        let wantsOpen = mode === 'open';
        if (mode === 'openOrJoin') {
          const [exists] = await signaling.request('check-presence', this.roomId);
          check();
          wantsOpen = !exists;
        }
        if (!capture) {
          capture = this.#capture(wantsOpen ? 'owner' : 'participant');
          roleKnown();
        }
        let opened = false;
        if (wantsOpen) {
          const [ok, error] = await signaling.request('open-room', this.#roomRequest(true));
          check();
          if (ok) opened = true;
          else if (mode !== 'openOrJoin' || error !== LEGACY_ERRORS.ROOM_NOT_AVAILABLE) {
            throw roomError(error, 'open');
          } else if (isOneWay(this.#session)) {
            // Lost the race to open a one-way room: join as a viewer, with a viewer's media.
            await capture;
            this.#dropLocalStreams();
            capture = this.#capture('participant');
            this.#mediaReady = capture;
          }
        }
        if (!opened) {
          const joining = signaling.request('join-room', this.#roomRequest(false));
          // Sent right behind the join, not after its acknowledgement: the server handles one
          // socket's events in order, and drops the request if the join is refused.
          this.#relay(this.roomId, this.#participationRequest());
          const [ok, error] = await joining;
          check();
          if (!ok) throw roomError(error, 'join');
        }
        await capture;
        check();
        this.#opened = opened;
        this.#isOwner = opened;
        this.#setState(RoomState.JOINED);
        const result: JoinResult = { roomId: this.roomId, userId: this.#userId, opened };
        this.emit('joined', result);
        return result;
      } catch (error) {
        const takenRetry =
          error instanceof RtcError &&
          error.code === ErrorCode.USERID_TAKEN &&
          this.#options.retryWithFreshUserId !== false &&
          retries < MAX_USERID_RETRIES;
        if (!takenRetry) throw error;
        retries++;
        this.emit('error', error);
        this.#closeSignaling();
        const previous = this.#userId;
        this.#userId = randomId();
        this.emit('user-id', { userId: this.#userId, previous });
        check();
      }
    }
  }

  /** Refuses what the server would silently replace or drop, with a clear error instead. */
  #validate(): void {
    const options = this.#options;
    const invalid = (message: string) => new RtcError(ErrorCode.INVALID_REQUEST, message);
    if (!isValidId(this.roomId))
      throw invalid(`Invalid room id (1-${LIMITS.idLength} characters, no control characters)`);
    if (!isValidId(this.#userId))
      throw invalid(`Invalid user id (1-${LIMITS.idLength} characters, no control characters)`);
    if (options.messageEvent !== undefined && !isValidEventName(options.messageEvent)) {
      throw invalid(`Invalid message event name ${JSON.stringify(options.messageEvent)}`);
    }
    let extraJson: string;
    try {
      extraJson = JSON.stringify(this.extra);
    } catch (error) {
      throw new RtcError(ErrorCode.INVALID_REQUEST, 'extra is not JSON-serialisable', {
        cause: error,
      });
    }
    if (new TextEncoder().encode(extraJson).length > LIMITS.extraBytes) {
      throw invalid(`extra is larger than ${LIMITS.extraBytes} bytes of JSON`);
    }
    if ((options.password ?? '').length > LIMITS.passwordLength) throw invalid('Password too long');
  }

  #connectSignaling(): SignalingClient {
    this.#closeSignaling();
    const options = this.#options;
    const query: HandshakeQuery & Record<string, string> = {
      ...options.query,
      userid: this.#userId,
      sessionid: this.roomId,
      msgEvent: options.messageEvent ?? DEFAULT_MESSAGE_EVENT,
      socketCustomEvent: DEFAULT_CUSTOM_EVENT,
      autoCloseEntireSession: options.autoClose ? 'true' : 'false',
      maxParticipantsAllowed: String(options.maxParticipants ?? 1000),
      extra: JSON.stringify(this.extra),
      rtcElements: String(PROTOCOL_REVISION),
    };
    if (this.#session.broadcast) query.oneToMany = 'true';
    const signaling = new SignalingClient({
      url: this.socketUrl,
      query,
      messageEvent: query.msgEvent,
      timeoutMs: options.timeoutMs,
    });
    this.#signaling = signaling;
    this.#iceServers = [];
    const mesh = new Mesh({
      localUserId: () => this.#userId,
      iceServers: () => this.#options.iceServers ?? this.#iceServers,
      localStreams: () => this.#localStreams,
      mediaReady: () => this.#mediaReady,
      media: () => !isDataOnly(this.#session),
      bandwidth: () => this.#options.bandwidth ?? {},
      extra: () => this.extra,
      relay: (remoteUserId, message) => this.#relay(remoteUserId, message),
    });
    this.#mesh = mesh;
    this.#subscriptions.push(
      signaling.on('relay', (envelope) => {
        if (isRecord(envelope) && envelope.remoteUserId === this.#userId) mesh.handle(envelope);
      }),
      signaling.on('lost', ({ reason }) => {
        if (this.#state !== RoomState.JOINED) return;
        // The server has dropped us from the room and the others close their side: end cleanly.
        this.emit(
          'error',
          new RtcError(ErrorCode.SIGNALING_LOST, `Signaling connection lost (${reason})`),
        );
        this.#end();
      }),
      signaling.onServer('ice-servers', (servers) => {
        if (Array.isArray(servers)) this.#iceServers = servers;
      }),
      signaling.onServer('user-connected', (userId, extra) => {
        this.#addParticipant(userId, isRecord(extra) ? extra : undefined);
      }),
      signaling.onServer('user-disconnected', (userId) => this.#removeParticipant(userId)),
      signaling.onServer('extra-data-updated', (userId, extra) => {
        if (isRecord(extra)) this.#updateParticipant(userId, extra);
      }),
      signaling.onServer('set-isInitiator-true', (roomId) => {
        if (roomId === this.roomId) this.#isOwner = true;
      }),
      signaling.onServer('closed-entire-session', (roomId) => {
        // Also while still connecting: the server has already taken us out of the room.
        if (roomId !== this.roomId || this.#state === RoomState.LEFT) return;
        this.emit('session-closed', { roomId });
        this.#end();
      }),
      mesh.on('participation-request', ({ userId, extra }) => this.#addParticipant(userId, extra)),
      mesh.on('user-left', ({ userId }) => this.#removeParticipant(userId)),
      mesh.on('extra', ({ userId, extra }) => this.#updateParticipant(userId, extra)),
      mesh.on('stream', ({ userId, stream, isScreen }) =>
        this.#addStream({ userId, stream, isScreen, type: 'remote' }),
      ),
      mesh.on('stream-ended', ({ userId, stream }) => this.#removeStream('remote', userId, stream)),
      mesh.on('message', (message) => this.emit('message', message)),
      mesh.on('peer-state', (event) => this.emit('peer-state', event)),
      mesh.on('error', (error) => this.emit('error', error)),
    );
    return signaling;
  }

  async #capture(role: 'owner' | 'participant'): Promise<void> {
    if (this.#localStreams.length > 0) return;
    const kinds = kindsToCapture(this.#session, role);
    if (!kinds.audio && !kinds.video && !kinds.screen) return;
    try {
      const captured = await captureMedia({
        ...kinds,
        constraints: this.#options.mediaConstraints,
      });
      if (this.#state !== RoomState.CONNECTING) {
        for (const local of captured) stopStream(local.stream);
        return;
      }
      this.#localStreams.push(...captured);
      for (const local of captured) {
        this.#addStream({
          userId: this.#userId,
          stream: local.stream,
          isScreen: local.isScreen,
          type: 'local',
        });
      }
      this.#mesh?.attachLocalStreams();
    } catch (error) {
      // The user stays in the room and receives; the app learns why nothing is sent.
      this.emit('error', RtcError.from(error, ErrorCode.MEDIA_ERROR));
    }
  }

  #roomRequest(open: boolean): RoomRequest {
    const request: RoomRequest = {
      sessionid: this.roomId,
      session: this.#session,
      extra: this.extra,
      password: this.#options.password ?? '',
      streams: this.#localStreams.map((l) => ({
        streamid: l.stream.id,
        tracks: l.stream.getTracks().length,
      })),
    };
    if (open) request.identifier = '';
    return request;
  }

  #participationRequest(): RelayMessage {
    const media = !isDataOnly(this.#session);
    const oneWay = isOneWay(this.#session);
    const kinds = kindsToCapture(this.#session, 'participant');
    return {
      newParticipationRequest: true,
      isOneWay: oneWay,
      isDataOnly: !media,
      localPeerSdpConstraints: {
        OfferToReceiveAudio: oneWay ? kinds.audio : media,
        OfferToReceiveVideo: oneWay ? kinds.video || kinds.screen : media,
      },
      remotePeerSdpConstraints: { OfferToReceiveAudio: media, OfferToReceiveVideo: media },
      rtcElements: PROTOCOL_REVISION,
    };
  }

  #relay(remoteUserId: string, message: RelayMessage): void {
    this.#signaling?.relay({ remoteUserId, sender: this.#userId, message });
  }

  #addParticipant(userId: string, extra: Extra | undefined): void {
    if (!userId || userId === this.#userId) return;
    const known = this.#participants.get(userId);
    if (known) {
      if (extra) this.#updateParticipant(userId, extra);
      return;
    }
    const participant: Participant = { userId, extra: extra ?? {} };
    this.#participants.set(userId, participant);
    this.emit('participant-joined', participant);
  }

  #updateParticipant(userId: string, extra: Extra): void {
    const participant = this.#participants.get(userId);
    if (!participant || JSON.stringify(participant.extra) === JSON.stringify(extra)) return;
    participant.extra = extra;
    this.emit('participant-updated', participant);
  }

  #removeParticipant(userId: string): void {
    this.#mesh?.closePeer(userId);
    const participant = this.#participants.get(userId);
    if (!participant) return;
    this.#participants.delete(userId);
    this.emit('participant-left', participant);
  }

  #addStream(info: StreamInfo): void {
    const key = `${info.type}:${info.userId}:${info.stream.id}`;
    if (this.#streams.has(key)) return;
    this.#streams.set(key, info);
    this.emit('stream', info);
  }

  #removeStream(type: StreamInfo['type'], userId: string, stream: MediaStream): void {
    const key = `${type}:${userId}:${stream.id}`;
    const info = this.#streams.get(key);
    if (!info) return;
    this.#streams.delete(key);
    this.emit('stream-ended', info);
  }

  #closeSignaling(): void {
    for (const unsubscribe of this.#subscriptions) unsubscribe();
    this.#subscriptions = [];
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#signaling?.close();
    this.#signaling = undefined;
  }

  /** Leaves for good: aborts a join in progress, tears everything down, reports `left`. */
  #end(): void {
    this.#attempt++;
    this.#teardown();
    this.#setState(RoomState.LEFT);
    this.emit('left', { roomId: this.roomId });
  }

  #dropLocalStreams(): void {
    for (const local of this.#localStreams) {
      if (local.owned) stopStream(local.stream);
      this.#removeStream('local', this.#userId, local.stream);
    }
    this.#localStreams = [];
  }

  #teardown(): void {
    // Close peers first (remote streams end), then our own media, then the socket.
    this.#mesh?.close();
    for (const info of [...this.#streams.values()]) {
      this.#removeStream(info.type, info.userId, info.stream);
    }
    this.#dropLocalStreams();
    this.#closeSignaling();
    for (const participant of [...this.#participants.values()]) {
      this.#participants.delete(participant.userId);
      this.emit('participant-left', participant);
    }
    this.#opened = false;
    this.#isOwner = false;
  }

  #setState(state: RoomState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', { state });
  }
}

function roomError(error: string | undefined, action: 'open' | 'join'): RtcError {
  switch (error) {
    case LEGACY_ERRORS.ROOM_FULL:
      return new RtcError(ErrorCode.ROOM_FULL, 'The room is full');
    case LEGACY_ERRORS.INVALID_PASSWORD:
      return new RtcError(ErrorCode.INVALID_PASSWORD, 'Wrong room password');
    case LEGACY_ERRORS.ROOM_NOT_AVAILABLE:
      return action === 'open'
        ? new RtcError(ErrorCode.ROOM_EXISTS, 'The room already exists')
        : new RtcError(ErrorCode.ROOM_NOT_FOUND, 'The room does not exist');
    default:
      return new RtcError(
        ErrorCode.INVALID_REQUEST,
        `The server refused to ${action} the room: ${error ?? 'no reason given'}`,
      );
  }
}
