/**
 * The signaling wire protocol, typed once and shared by the engine and the server.
 *
 * It is RTCMultiConnection v3's socket.io protocol (handshake query, room events, the relay
 * envelope and its message variants), so RTCMultiConnection 3.7 pages and rtc-elements share
 * rooms on one server. Additions are backwards compatible: extra trailing arguments, extra
 * fields that v3 clients ignore, and one new server event (`ice-servers`). See docs/protocol.md.
 */

/** Default relay event name (RTCMultiConnection's `socketMessageEvent`). */
export const DEFAULT_MESSAGE_EVENT = 'RTCMultiConnection-Message';
/** Default custom event name (RTCMultiConnection's `socketCustomEvent`). */
export const DEFAULT_CUSTOM_EVENT = 'RTCMultiConnection-Custom-Message';
/** Marker that rtc-elements peers put in the relay messages they send (protocol revision). */
export const PROTOCOL_REVISION = 1;

/** Limits shared by the server (enforced) and the engine (checked before connecting). */
export const LIMITS = {
  idLength: 256,
  eventNameLength: 128,
  extraBytes: 8 * 1024,
  passwordLength: 256,
  relayBytes: 64 * 1024,
  maxHttpBufferSize: 128 * 1024,
  /**
   * How deep any payload may nest (objects and arrays), as Jackson and Python bound JSON: real
   * messages stay under 10; past about 1,700 levels serialisers exhaust the stack.
   */
  jsonDepth: 1024,
} as const;

/** The error strings RTCMultiConnection clients compare against (`connection.errors`). */
export const LEGACY_ERRORS = {
  ROOM_NOT_AVAILABLE: 'Room not available',
  INVALID_PASSWORD: 'Invalid password',
  USERID_NOT_AVAILABLE: 'User ID does not exist',
  ROOM_PERMISSION_DENIED: 'Room permission denied',
  ROOM_FULL: 'Room full',
  DID_NOT_JOIN_ANY_ROOM: 'Did not join any room yet',
  INVALID_SOCKET: 'Invalid socket',
  PUBLIC_IDENTIFIER_MISSING: 'publicRoomIdentifier is required',
  INVALID_ADMIN_CREDENTIAL: 'Invalid username or password attempted',
} as const;

/** Error strings of rtc-elements additions (v3 clients never see them for v3 requests). */
export const ROOM_ERRORS = {
  USERID_TAKEN: 'User ID already taken',
  JOIN_REJECTED: 'Join rejected',
  TOO_MANY_ATTEMPTS: 'Too many attempts',
  /** The server requires a room token (`AUTH_SECRET`) and this one is missing or does not allow it. */
  UNAUTHORIZED: 'Unauthorized',
  /** The socket sends faster than the server's limit (or queued too much); the event was dropped. */
  RATE_LIMITED: 'Rate limited',
  /** Expensive work (password hashing) is queued past its bound: try again in a moment. */
  BUSY: 'Server busy',
} as const;
export type LegacyError = (typeof LEGACY_ERRORS)[keyof typeof LEGACY_ERRORS];

/** Error string the server acks with when a payload fails validation (not in v3). */
export const INVALID_PAYLOAD = 'Invalid payload';

/** Free-form user metadata (RTCMultiConnection's `extra`). Always a JSON object on our side. */
export type Extra = Record<string, unknown>;

/** RTCMultiConnection's `session` object. `'two-way'` makes one kind bidirectional in a one-way session. */
export interface Session {
  audio?: boolean | 'two-way';
  video?: boolean | 'two-way';
  screen?: boolean | 'two-way';
  data?: boolean;
  oneway?: boolean;
  broadcast?: boolean;
}

/** Legacy capitalised offer options RTCMultiConnection passes around. */
export interface SdpConstraints {
  OfferToReceiveAudio?: boolean;
  OfferToReceiveVideo?: boolean;
}

/** The socket.io handshake query (all values are strings on the wire). */
export interface HandshakeQuery {
  userid: string;
  sessionid: string;
  msgEvent: string;
  socketCustomEvent: string;
  autoCloseEntireSession: 'true' | 'false';
  maxParticipantsAllowed: string;
  /** JSON of the user's extra. */
  extra: string;
  oneToMany?: 'true';
  enableScalableBroadcast?: 'true';
  maxRelayLimitPerUser?: string;
  /** Set by rtc-elements clients; absent for RTCMultiConnection pages. */
  rtcElements?: string;
}

/** Payload of `open-room` and `join-room`. */
export interface RoomRequest {
  sessionid: string;
  session?: Session;
  mediaConstraints?: unknown;
  sdpConstraints?: unknown;
  streams?: { streamid: string; tracks: number }[];
  extra?: Extra;
  /** Public room identifier (`open-room` only). */
  identifier?: string;
  password?: string;
  /** `open-room` only, rtc-elements addition: every join waits for the owner's decision. */
  approveJoins?: boolean;
  /**
   * `open-room` only, rtc-elements addition: a scalable broadcast where each member forwards
   * what it receives to at most this many others (1-100); the server places viewers in a tree.
   */
  relayLimit?: number;
}

/** Sent to an rtc-elements joiner right before its `join-room` ack. */
export interface RoomInfo {
  owner: string;
}

/** One room of `get-public-rooms` (v3 shape plus `participantCount`; never the password). */
export interface PublicRoom {
  sessionid: string;
  owner: string;
  participants: string[];
  participantCount: number;
  extra: Extra;
  session: Session;
  maxParticipantsAllowed: number;
  isRoomFull: boolean;
  isPasswordProtected: boolean;
}

/** Extra returned by `check-presence`, with the room flags under `_room`. */
export type PresenceExtra = Extra & { _room: { isFull: boolean; isPasswordProtected: boolean } };

/** Stream labels sent along with descriptions: stream id -> what it carries. */
export type StreamsToShare = Record<
  string,
  { isAudio: boolean; isVideo: boolean; isScreen: boolean }
>;

/** What a joiner asks for and the room member mirrors (RTCMultiConnection's `userPreferences`). */
export interface UserPreferences {
  extra?: Extra;
  localPeerSdpConstraints?: SdpConstraints | false;
  remotePeerSdpConstraints?: SdpConstraints | false;
  isOneWay?: boolean;
  isDataOnly?: boolean;
  dontGetRemoteStream?: boolean;
  dontAttachLocalStream?: boolean;
  connectionDescription?: unknown;
  streamsToShare?: StreamsToShare;
  session?: Session;
}

/** A joiner asks the room (envelope `remoteUserId` = room id) to connect to it. */
export interface ParticipationRequest {
  newParticipationRequest: true;
  isOneWay: boolean;
  isDataOnly: boolean;
  localPeerSdpConstraints: SdpConstraints | false;
  remotePeerSdpConstraints: SdpConstraints | false;
  rtcElements?: number;
}

/** v3 handshake step: "get your media ready". */
export interface EnableMediaMessage {
  enableMedia: true;
  userPreferences: UserPreferences;
}

/** v3 handshake step: "my media is ready, send me an offer". */
export interface ReadyForOfferMessage {
  readyForOffer: true;
  userPreferences: UserPreferences;
}

/** An SDP offer or answer. */
export interface DescriptionMessage {
  type: 'offer' | 'answer';
  sdp: string;
  remotePeerSdpConstraints?: SdpConstraints | false;
  /** True for every offer after the first on a connection (v3 builds a new peer otherwise). */
  renegotiatingPeer?: boolean;
  connectionDescription?: unknown;
  dontGetRemoteStream?: boolean;
  extra?: Extra;
  streamsToShare?: StreamsToShare;
  rtcElements?: number;
}

/** A trickled ICE candidate. */
export interface CandidateMessage {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}

/** The sender closed its side of the connection. */
export interface UserLeftMessage {
  userLeft: true;
}

export type StreamSyncAction = 'mute' | 'unmute' | 'ended' | 'inactive' | 'stream-removed';

/** Mute/unmute/ended notices for a stream. */
export interface StreamSyncMessage {
  streamSyncNeeded: true;
  streamid: string;
  action: StreamSyncAction;
  type?: 'audio' | 'video' | 'both';
}

/** The server's notice that a user took a new id (v3's own message shape). */
export interface ChangedUuidMessage {
  changedUUID: true;
  oldUUID: string;
  newUUID: string;
}

export type RelayMessage =
  | ParticipationRequest
  | EnableMediaMessage
  | ReadyForOfferMessage
  | DescriptionMessage
  | CandidateMessage
  | UserLeftMessage
  | StreamSyncMessage
  | ChangedUuidMessage
  /** Ends the peer connection with the sender (`disconnect-with`, v3's legacy string). */
  | 'dropPeerConnection';

/**
 * The relay envelope, emitted on the socket's relay event (`msgEvent`). The server overwrites
 * `sender` with the socket's own user id and adds `extra` (the sender's stored extra).
 */
export interface RelayEnvelope<M = RelayMessage> {
  remoteUserId: string;
  sender: string;
  message: M;
  extra?: Extra;
}

export type Ack<A extends unknown[]> = (...args: A) => void;

/** Events a client emits. The relay event has a per-socket name and is typed by {@link RelayEnvelope}. */
export interface ClientToServerEvents {
  'open-room': (request: RoomRequest, ack: Ack<[ok: boolean, error?: string]>) => void;
  /** v3's request: the viewers of a broadcast (0 when there is none). */
  'get-number-of-users-in-specific-broadcast': (
    broadcastId: string,
    ack: Ack<[count: number]>,
  ) => void;
  'join-room': (request: RoomRequest, ack: Ack<[ok: boolean, error?: string]>) => void;
  /** v3's scalable broadcast: whether a broadcast with that id has its broadcaster. */
  'check-broadcast-presence': (broadcastId: string, ack: Ack<[exists: boolean]>) => void;
  /**
   * v3's scalable broadcast: asks where to receive a broadcast from (`join-broadcaster`), or to
   * start it (`start-broadcasting`). The `userid` is the page's: the broadcaster's page names
   * itself after the broadcast (the server renames the socket, as `changed-uuid` would).
   */
  'join-broadcast': (request: JoinBroadcastRequest) => void;
  /** v3: this viewer can forward the broadcast now (accepted; placement does not wait for it). */
  'can-relay-broadcast': () => void;
  'can-not-relay-broadcast': () => void;
  /** v3's scalable-broadcast demos' own signaling message: to the sender's room (§4.15). */
  'scalable-broadcast-message': (message: unknown) => void;
  'check-presence': (
    roomid: string,
    ack: Ack<[exists: boolean, roomid: string, extra: PresenceExtra]>,
  ) => void;
  'extra-data-updated': (extra: Extra) => void;
  /** v3 shape: the extra, or an error string, first; rtc-elements adds the user id and the error. */
  'get-remote-user-extra-data': (
    userid: string,
    ack: Ack<[extraOrError: Extra | string, userid?: string, error?: string]>,
  ) => void;
  /** Owner only. An empty password removes it. */
  'set-password': (
    password: string,
    ack: Ack<[ok: boolean | null, roomid: string | null, error: string | null]>,
  ) => void;
  /** Checks a password without joining (limited like joins). */
  'is-valid-password': (
    password: string,
    roomid: string,
    ack: Ack<[valid: boolean, roomid: string, error: string | false]>,
  ) => void;
  'get-public-rooms': (
    identifier: string,
    ack: Ack<[rooms: PublicRoom[] | null, error?: string]>,
  ) => void;
  /** Owner only: closes the room for everyone. */
  'close-entire-session': (ack: Ack<[ok: boolean, error?: string]>) => void;
  /** Renames the caller; refused when the id is taken (the ack's second argument says why). */
  'changed-uuid': (newUserId: string, ack: Ack<[ok?: boolean, error?: string]>) => void;
  /** Drops the peer connection with a user (both sides); nobody leaves the room. */
  'disconnect-with': (userid: string, ack: Ack<[]>) => void;
  /** rtc-elements addition, owner only: removes a user from the room. */
  'kick-user': (userid: string, ack: Ack<[ok: boolean, error?: string]>) => void;
  /** rtc-elements addition, owner only: the answer to `participation-request`. */
  'participation-decision': (userid: string, accepted: boolean) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  /** A user of the room changed its extra. */
  'extra-data-updated': (userid: string, extra: Extra) => void;
  /** A user is now in the room with you. The `extra` argument is an rtc-elements addition. */
  'user-connected': (userid: string, extra?: Extra) => void;
  /** A user left the room (socket closed or left). */
  'user-disconnected': (userid: string) => void;
  /** The handshake's user id belongs to another socket; the server closes this one. */
  'userid-already-taken': (takenId: string, suggestedId: string) => void;
  /** You are now the room's owner. */
  'set-isInitiator-true': (roomid: string) => void;
  /** The owner left a room that closes with its owner: everyone is out of the room. */
  'closed-entire-session': (roomid: string, extra: Extra) => void;
  /** A relay target is not in the sender's room. */
  'user-not-found': (userid: string) => void;
  /** ICE servers the server hands out (rtc-elements addition, sent on connection). */
  'ice-servers': (servers: IceServer[]) => void;
  /** rtc-elements addition, to an rtc-elements joiner before its join ack: who owns the room. */
  'room-info': (roomid: string, info: RoomInfo) => void;
  /** rtc-elements addition, to everyone in the room: the room has a new owner. */
  'owner-changed': (roomid: string, userid: string) => void;
  /** rtc-elements addition, to the owner of an `approveJoins` room: a user asks to join. */
  'participation-request': (userid: string, extra: Extra) => void;
  /** rtc-elements addition, to a removed user (v3 clients get `closed-entire-session`). */
  kicked: (roomid: string, by: string) => void;
  /**
   * rtc-elements addition, to every client of a node that is shutting down: the connection closes
   * next; reconnect (to another node, after `retryAfterMs`).
   */
  'reconnect-elsewhere': (info: { retryAfterMs: number }) => void;
  /**
   * rtc-elements addition, first thing after the handshake: whether this connection resumed a
   * session (`resume` in the handshake: same id, still in `roomId`, nobody saw it leave), and the
   * secret that resumes this one (kept by the client, sent again after a drop).
   */
  session: (info: SessionInfo) => void;
  /**
   * rtc-elements addition, in a scalable broadcast: receive the broadcast from this member
   * (connect to it). Sent when joining and again when the parent left (the tree healed).
   */
  'broadcast-parent': (roomid: string, parent: string) => void;
  /** v3's event, to the broadcaster: how many viewers the broadcast has (the whole tree). */
  'number-of-broadcast-viewers-updated': (info: {
    broadcastId: string;
    numberOfBroadcastViewers: number;
  }) => void;
  /** v3's scalable broadcast: receive it from `userid` (join that user's room). */
  'join-broadcaster': (hints: {
    userid: string;
    broadcastId: string;
    typeOfStreams: Session;
  }) => void;
  /** v3's scalable broadcast: there is none yet; you start it (open the room). */
  'start-broadcasting': (typeOfStreams: Session) => void;
  /** v3's scalable broadcast: your parent is gone (or the broadcast is not ready): ask again. */
  'rejoin-broadcast': (broadcastId: string) => void;
  /** v3's scalable broadcast: the broadcaster left. */
  'broadcast-stopped': (broadcastId: string) => void;
  /** v3's scalable-broadcast demos' own signaling message. */
  'scalable-broadcast-message': (message: unknown) => void;
}

/** `join-broadcast`'s argument (v3). */
export interface JoinBroadcastRequest {
  broadcastId: string;
  userid: string;
  typeOfStreams?: Session;
}

/** The `session` event's argument. */
export interface SessionInfo {
  resumeToken: string;
  resumed: boolean;
  /** The room the resumed session is still in ('' for none). */
  roomId: string;
  /** How long the server keeps a dropped user's room for a resume (0: not at all). */
  graceMs: number;
}

/** An ICE server as RTCIceServer, without DOM types so the server can use it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/**
 * Every event of the protocol, in either direction. Typed as a record of both maps' names, so the
 * compiler refuses it when an event is missing (or misspelled): a new event is reserved at once.
 */
const PROTOCOL_EVENTS: Record<keyof ClientToServerEvents | keyof ServerToClientEvents, true> = {
  'open-room': true,
  'join-room': true,
  'check-presence': true,
  'extra-data-updated': true,
  'get-remote-user-extra-data': true,
  'set-password': true,
  'is-valid-password': true,
  'get-public-rooms': true,
  'close-entire-session': true,
  'changed-uuid': true,
  'disconnect-with': true,
  'kick-user': true,
  'participation-decision': true,
  'get-number-of-users-in-specific-broadcast': true,
  'user-connected': true,
  'user-disconnected': true,
  'userid-already-taken': true,
  'set-isInitiator-true': true,
  'closed-entire-session': true,
  'user-not-found': true,
  'ice-servers': true,
  'room-info': true,
  'owner-changed': true,
  'participation-request': true,
  kicked: true,
  'reconnect-elsewhere': true,
  session: true,
  'broadcast-parent': true,
  'number-of-broadcast-viewers-updated': true,
  'check-broadcast-presence': true,
  'join-broadcast': true,
  'can-relay-broadcast': true,
  'can-not-relay-broadcast': true,
  'scalable-broadcast-message': true,
  'join-broadcaster': true,
  'start-broadcasting': true,
  'rejoin-broadcast': true,
  'broadcast-stopped': true,
};

/** Event names the relay and custom events may not take. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set<string>([
  ...Object.keys(PROTOCOL_EVENTS),
  // v3's own socket events that are not in the maps (handled outside them, or refused).
  'set-custom-socket-event-listener',
  'admin',
  // socket.io's and EventEmitter's reserved names.
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
]);

/** Narrowing helpers for relay messages (the wire has no discriminant field). */
export const isParticipationRequest = (m: unknown): m is ParticipationRequest =>
  isRecord(m) && m['newParticipationRequest'] === true;
export const isEnableMedia = (m: unknown): m is EnableMediaMessage =>
  isRecord(m) && m['enableMedia'] === true;
export const isReadyForOffer = (m: unknown): m is ReadyForOfferMessage =>
  isRecord(m) && m['readyForOffer'] === true;
export const isDescription = (m: unknown): m is DescriptionMessage =>
  isRecord(m) && (m['type'] === 'offer' || m['type'] === 'answer') && typeof m['sdp'] === 'string';
export const isCandidate = (m: unknown): m is CandidateMessage =>
  isRecord(m) && typeof m['candidate'] === 'string';
export const isUserLeft = (m: unknown): m is UserLeftMessage =>
  isRecord(m) && m['userLeft'] === true;
export const isChangedUuid = (m: unknown): m is ChangedUuidMessage =>
  isRecord(m) &&
  m['changedUUID'] === true &&
  typeof m['oldUUID'] === 'string' &&
  typeof m['newUUID'] === 'string';
export const isStreamSync = (m: unknown): m is StreamSyncMessage =>
  isRecord(m) && m['streamSyncNeeded'] === true && typeof m['streamid'] === 'string';

/**
 * Characters no id may hold: C0 and C1 controls, and the invisible ones that change how the text
 * around them is shown (bidi overrides and isolates, zero-width characters, line and paragraph
 * separators, the byte-order mark). An id is shown to other people and written to logs.
 */
const HIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** A user or room id the server accepts: 1-256 characters, no control or invisible characters. */
export function isValidId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= LIMITS.idLength &&
    !HIDDEN_CHARACTERS.test(value)
  );
}

/** A relay or custom event name the server accepts (not one of the protocol's own events). */
export function isValidEventName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= LIMITS.eventNameLength &&
    !HIDDEN_CHARACTERS.test(value) &&
    !RESERVED_EVENTS.has(value)
  );
}

/**
 * A relay envelope as a client accepts it from the server (which checked its depth and size):
 * valid `remoteUserId` and `sender` ids, a message that is an object or a string, and an optional
 * object `extra`. Undefined for anything else (dropped unread).
 */
export function parseRelayEnvelope(value: unknown): RelayEnvelope<unknown> | undefined {
  if (!isRecord(value) || !isValidId(value['remoteUserId']) || !isValidId(value['sender']))
    return undefined;
  const { message, extra } = value;
  if (!isRecord(message) && typeof message !== 'string') return undefined;
  if (extra !== undefined && !isRecord(extra)) return undefined;
  return value as unknown as RelayEnvelope<unknown>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
