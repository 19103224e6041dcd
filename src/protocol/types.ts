/** Payload shapes of the room events (the relay's messages are in relay.ts). */

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
