/**
 * Every socket event in both directions with its arguments and ack, and the names nobody may
 * use for a relay or custom event (derived from these maps).
 */
import type {
  Extra,
  IceServer,
  JoinBroadcastRequest,
  PresenceExtra,
  PublicRoom,
  RoomInfo,
  RoomRequest,
  Session,
  SessionInfo,
} from './types.js';

export type Ack<A extends unknown[]> = (...args: A) => void;

/** Events a client emits. The relay event has a per-socket name and is typed by `RelayEnvelope` (relay.ts). */
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
