import type { ReconnectPolicy } from './reconnect-policy.js';
import type { RtcError } from '../errors.js';
import type { Bandwidth } from '../media/bandwidth.js';
import type { CodecPreferences } from '../media/codecs.js';
import type { Extra, Session } from '../../protocol/index.js';

/** How to reach and enter a room. Only `socketUrl` and `roomId` are required. */
export interface RoomOptions {
  /** socket.io server URL, e.g. `https://signal.example.com`. */
  socketUrl: string;
  roomId: string;
  /** Your user id (random when unset). Must be unique on the server. */
  userId?: string | undefined;
  /** Session tokens (`"audio video"`, `"data"`, `"screen oneway"`) or a v3 session object. */
  session?: string | Session | undefined;
  /** How many others may join the opener (`1` = one-to-one). Applies when this page opens the room. */
  maxParticipants?: number | undefined;
  password?: string | undefined;
  extra?: Extra | undefined;
  /** ICE servers; when unset, those the signaling server hands out (none by default). */
  iceServers?: RTCIceServer[] | undefined;
  /** A room token (HS256 JWT from your backend) for servers that require them; its `sub` is your user id. */
  token?: string | undefined;
  /** `relay`: connect only through TURN (hides your addresses; needs a TURN server). */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  /** Bitrate caps in kbps. */
  bandwidth?: Bandwidth | undefined;
  /** getUserMedia constraints for camera and microphone. */
  mediaConstraints?: MediaStreamConstraints | undefined;
  /** Relay event name (v3 `socketMessageEvent`); rooms only meet pages using the same one. */
  messageEvent?: string | undefined;
  /** Extra handshake query parameters (v3 `socketCustomParameters`), for server hooks. */
  query?: Record<string, string> | undefined;
  /** Close the room for everyone when its owner leaves (v3 `autoCloseEntireSession`). */
  autoClose?: boolean | undefined;
  /** When this page opens the room: list it under this public identifier (v3 `publicRoomIdentifier`). */
  publicId?: string | undefined;
  /** When this page opens the room: every join waits for the owner's `accept()` / `reject()`. */
  approveJoins?: boolean | undefined;
  /** Name of the room-scoped custom socket event (v3 `socketCustomEvent`). */
  customEvent?: string | undefined;
  /** Capture nothing: the app adds its own streams with `addStream()` (v3 `dontCaptureUserMedia`). */
  dontCapture?: boolean | undefined;
  /** Send our streams to nobody (v3 `dontAttachStream`). */
  dontAttachStream?: boolean | undefined;
  /** Receive nobody's streams (v3 `dontGetRemoteStream`). */
  dontGetRemoteStream?: boolean | undefined;
  /** Preferred codecs, applied with setCodecPreferences. */
  codecs?: CodecPreferences | undefined;
  /** Rewrites every local SDP before it is set (v3 `processSdp`); see the helpers in media/sdp. */
  processSdp?: ((sdp: string) => string) | undefined;
  /** Per-peer preferences (v3 `setUserPreferences`): return what to do with this user. */
  setUserPreferences?:
    ((preferences: UserPreferences, userId: string) => UserPreferences) | undefined;
  /** Per-peer stream filter (v3 `beforeAddingStream`): false keeps a stream from a user. */
  beforeAddingStream?: ((stream: MediaStream, userId: string) => boolean) | undefined;
  /** On `USERID_TAKEN`, retry with a fresh random id (default true, as v3 does). */
  retryWithFreshUserId?: boolean | undefined;
  /** Milliseconds to wait for the server to connect or answer (default 10000). */
  timeoutMs?: number | undefined;
  /**
   * When the signaling connection drops, reconnect (with backoff, through every URL of
   * `socketUrl` in turn) and resume or rebuild the room, while peer connections keep flowing.
   * Default true; false leaves the room as soon as the connection drops.
   */
  reconnect?: boolean | undefined;
  /** How long to keep trying before leaving the room (default 300000 ms). */
  reconnectTimeoutMs?: number | undefined;
  /**
   * When to try again, and when to give up: a function of the try's number, the time since the
   * connection dropped and the last error, to a wait in ms or null (see reconnect-policy.ts).
   * Replaces the default backoff and `reconnectTimeoutMs`.
   */
  reconnectPolicy?: ReconnectPolicy | undefined;
  /**
   * A scalable broadcast (v3 `enableScalableBroadcast`): the page that opens the room
   * broadcasts; each viewer receives it from one parent in a relay tree the server keeps and
   * forwards it to at most `singleBroadcastAttendees` viewers below it. Implies `broadcast`.
   */
  scalableBroadcast?: boolean | undefined;
  /** In a scalable broadcast: how many viewers each member forwards to (default 3, 1-100). */
  singleBroadcastAttendees?: number | undefined;
  /** getDisplayMedia options for screen sharing (default `{video: true}`). */
  screenConstraints?: DisplayMediaStreamOptions | undefined;
  /**
   * Whether to connect to a user who asks to (RTCMultiConnection's `onNewParticipant` /
   * `acceptParticipationRequest`); default: everyone in the room.
   */
  admitPeer?: ((userId: string) => boolean | Promise<boolean>) | undefined;
}

/** The room's link to its signaling server, as `<rtc-room connection-state>` reflects it. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export const RoomState = {
  IDLE: 'idle',
  CONNECTING: 'connecting',
  JOINED: 'joined',
  LEFT: 'left',
} as const;
export type RoomState = (typeof RoomState)[keyof typeof RoomState];

export interface Participant {
  userId: string;
  extra: Extra;
}

/** What to send to and take from one user (v3 `userPreferences`). */
export interface UserPreferences {
  dontAttachLocalStream: boolean;
  dontGetRemoteStream: boolean;
}

/** What `addStream()` captures when it is not given a stream. */
export interface AddStreamOptions {
  audio?: boolean;
  video?: boolean;
  screen?: boolean;
}

/** What `mute()` / `unmute()` take: one kind of the camera stream, or both. */
export type MuteKind = 'audio' | 'video' | 'both';

/** Whether a user's microphone and camera are muted. */
export interface MuteState {
  audio: boolean;
  video: boolean;
}

/** The answer of `checkPresence()`. */
export interface Presence {
  exists: boolean;
  isFull: boolean;
  isPasswordProtected: boolean;
  /** The owner's extra data (empty when the room does not exist). */
  extra: Extra;
}

/** One room of `getPublicRooms()`. Never carries the password. */
export interface PublicRoomInfo {
  roomId: string;
  owner: string;
  participantCount: number;
  /** How many others may join the opener. */
  maxParticipants: number;
  extra: Extra;
  isFull: boolean;
  isPasswordProtected: boolean;
}

/** A stream shown in the room: ours (`local`) or a remote user's. */
export interface StreamInfo {
  userId: string;
  stream: MediaStream;
  type: 'local' | 'remote';
  isScreen: boolean;
}

export interface JoinResult {
  roomId: string;
  userId: string;
  /** True when this page opened (created) the room, false when it joined an existing one. */
  opened: boolean;
}

/** Events of a room connection; each payload is a plain object. */
export interface RoomEvents {
  joined: JoinResult;
  'participant-joined': Participant;
  'participant-left': Participant;
  /** A user's extra data changed (once per change). */
  'participant-updated': Participant;
  /** A user took a new id (`changeUserId`). */
  'participant-renamed': { userId: string; previous: string };
  /** The room's owner changed (once per change, on every page). */
  'owner-changed': { userId: string };
  /** Someone asks to join a room this page owns with `approveJoins`: `accept()` or `reject()`. */
  'participation-request': Participant;
  /** The owner removed this page from the room. */
  kicked: { roomId: string; by: string };
  /** A user muted its microphone and/or camera (`kind` as given to `mute()`). */
  mute: { userId: string; kind: MuteKind };
  unmute: { userId: string; kind: MuteKind };
  /** The chosen audio output device changed (`setOutputDevice`). */
  'output-device': { deviceId: string };
  /** A message of the room-scoped custom socket event. */
  'custom-message': { data: unknown };
  /** Your own extra changed (`configure({extra})`). */
  'extra-updated': Participant;
  stream: StreamInfo;
  'stream-ended': StreamInfo;
  message: { userId: string; data: unknown };
  'room-full': { roomId: string };
  /** To a scalable broadcast's broadcaster: how many viewers it has (the whole tree), on every change. */
  'broadcast-viewers': { broadcastId: string; count: number };
  /** To its viewers: the scalable broadcast ended (its broadcaster left); `session-closed` follows. */
  'broadcast-ended': { broadcastId: string };
  /** The room was closed for everyone (its owner left a room that closes with its owner). */
  'session-closed': { roomId: string };
  'peer-state': { userId: string; state: RTCPeerConnectionState };
  /** A peer connection to a user was created (for diagnostics and RTCMultiConnection's hooks). */
  'peer-connection': { userId: string; pc: RTCPeerConnection };
  /** The text channel to a user opened (RTCMultiConnection's `onopen`). */
  'channel-open': { userId: string };
  /** The peer connection to a user was closed (RTCMultiConnection's `onclose`). */
  'peer-closed': { userId: string };
  /** The user id changed (after `USERID_TAKEN` with a retry). */
  'user-id': { userId: string; previous: string };
  state: { state: RoomState };
  /** The signaling connection dropped while joined: reconnecting (peers keep flowing). */
  reconnecting: { reason: string };
  /**
   * Back in the room: `resumed` when the server kept our place (nobody saw us go); otherwise
   * the room was rebuilt (e.g. on a restarted server). `attempts` connections were tried.
   */
  reconnected: { resumed: boolean; attempts: number; downtimeMs: number };
  error: RtcError;
  left: { roomId: string };
}
