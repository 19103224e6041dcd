import type {
  ErrorCode,
  Extra,
  FileTransferInfo,
  LegacyPosition,
  MuteKind,
  OfferAnswer,
  RtcError,
} from '../../engine/index.js';

/** `detail` of every event the elements fire. */
export interface RtcEventDetails {
  /** Joined or opened the room. */
  'rtc-joined': { roomId: string; userId: string; opened: boolean };
  /** Left the room. */
  'rtc-left': { roomId: string };
  /** A user is in the room. */
  'rtc-participant-joined': { userId: string; extra: Extra };
  /** A user left the room. */
  'rtc-participant-left': { userId: string; extra: Extra };
  /** A user's extra data changed (once per change). */
  'rtc-extra-updated': { userId: string; extra: Extra };
  /** A user came online or went offline (once per change). */
  'rtc-user-status': { userId: string; status: 'online' | 'offline'; extra: Extra };
  /** The room has a new owner (once per change). */
  'rtc-owner-changed': { userId: string };
  /** Someone asks to join this page's `approve-joins` room; cancelable: `preventDefault()` rejects, else call `accept(userId)` or `reject(userId)`. */
  'rtc-participation-request': { userId: string; extra: Extra };
  /** The owner removed you from the room. */
  'rtc-kicked': { roomId: string; by: string };
  /** The signaling connection dropped; the room reconnects (peer connections keep flowing). */
  'rtc-reconnecting': { reason: string };
  /** Back: `resumed` when the server kept our place, otherwise the room was rebuilt. */
  'rtc-reconnected': { resumed: boolean; attempts: number; downtimeMs: number };
  /** A user took a new id. */
  'rtc-participant-renamed': { userId: string; previousUserId: string };
  /** Your user id changed. */
  'rtc-user-id-changed': { userId: string; previousUserId: string };
  /** A user (you included) muted. */
  'rtc-mute': { userId: string; kind: MuteKind };
  /** A user (you included) unmuted. */
  'rtc-unmute': { userId: string; kind: MuteKind };
  /** A message of the room's custom socket event. */
  'rtc-custom-message': { data: unknown };
  /** A local or remote stream started. */
  'rtc-stream': {
    userId: string;
    stream: MediaStream;
    type: 'local' | 'remote';
    isScreen: boolean;
  };
  /** A stream ended. */
  'rtc-stream-ended': {
    userId: string;
    stream: MediaStream;
    type: 'local' | 'remote';
    isScreen: boolean;
  };
  /** A message arrived on the data channel. */
  'rtc-message': { userId: string; data: unknown };
  /** The room is full. */
  'rtc-room-full': { roomId: string };
  /** The room was closed for everyone. */
  'rtc-session-closed': { roomId: string };
  /** To a scalable broadcast's broadcaster: its viewer count (the whole tree). */
  'rtc-broadcast-viewers': { broadcastId: string; count: number };
  /** To a scalable broadcast's viewers: the broadcaster left. */
  'rtc-broadcast-ended': { broadcastId: string };
  /** Something failed (`transfer`: which file transfer, for file-transfer errors). */
  'rtc-error': {
    code: ErrorCode;
    message: string;
    error: RtcError;
    /** For file-transfer errors: which transfer. */
    transfer?: FileTransferInfo;
  };
  /**
   * A user offers a file. Cancelable: `preventDefault()` declines it; `respondWith(promise)`
   * decides later (e.g. after asking the user). No bytes flow before the answer.
   */
  'rtc-file-offer': FileTransferInfo & {
    mime: string;
    respondWith(answer: OfferAnswer | Promise<OfferAnswer>): void;
  };
  /**
   * A file transfer started, either way (`legacy`: a transfer with an RTCMultiConnection page,
   * counted in its records).
   */
  'rtc-file-start': FileTransferInfo & LegacyPosition;
  /** Bytes of a file transfer sent or received so far. */
  'rtc-file-progress': FileTransferInfo & { bytes: number } & LegacyPosition;
  /** Done and verified; on the receiving side with `file` and an object `url` for it. */
  'rtc-file-end': FileTransferInfo & { file?: File; url?: string } & LegacyPosition;
  /** A file transfer was cancelled, here or by the other side. */
  'rtc-file-cancel': FileTransferInfo & { by: 'local' | 'remote' };
}

export type RtcEventName = keyof RtcEventDetails;
export type RtcEvent<K extends RtcEventName> = CustomEvent<RtcEventDetails[K]>;

/** Fires a bubbling, composed, typed event from an element. */
export function fire<K extends RtcEventName>(
  target: EventTarget,
  name: K,
  detail: RtcEventDetails[K],
  init: { cancelable?: boolean } = {},
): boolean {
  return target.dispatchEvent(
    new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: !!init.cancelable }),
  );
}

/**
 * The events each element fires: with the details above, the one declaration the manifest's
 * events (with their types and descriptions), `GlobalEventHandlersEventMap` and the tests follow.
 */
export interface ElementEvents {
  'rtc-room':
    | 'rtc-joined'
    | 'rtc-left'
    | 'rtc-participant-joined'
    | 'rtc-participant-left'
    | 'rtc-user-status'
    | 'rtc-extra-updated'
    | 'rtc-owner-changed'
    | 'rtc-participation-request'
    | 'rtc-kicked'
    | 'rtc-reconnecting'
    | 'rtc-reconnected'
    | 'rtc-participant-renamed'
    | 'rtc-user-id-changed'
    | 'rtc-mute'
    | 'rtc-unmute'
    | 'rtc-custom-message'
    | 'rtc-stream'
    | 'rtc-stream-ended'
    | 'rtc-message'
    | 'rtc-room-full'
    | 'rtc-session-closed'
    | 'rtc-broadcast-viewers'
    | 'rtc-broadcast-ended'
    | 'rtc-file-offer'
    | 'rtc-file-start'
    | 'rtc-file-progress'
    | 'rtc-file-end'
    | 'rtc-file-cancel'
    | 'rtc-error';
  'rtc-chat': 'rtc-error';
  'rtc-file-share': 'rtc-error';
  'rtc-media-controls': 'rtc-error';
  'rtc-screen-button': 'rtc-error';
}

/** Every element event, as `addEventListener` and framework templates see it. */
export type RtcEventMap = { [K in RtcEventName]: RtcEvent<K> };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged into the DOM's map
  interface GlobalEventHandlersEventMap extends RtcEventMap {}
}
