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
  'rtc-joined': { roomId: string; userId: string; opened: boolean };
  'rtc-left': { roomId: string };
  'rtc-participant-joined': { userId: string; extra: Extra };
  'rtc-participant-left': { userId: string; extra: Extra };
  'rtc-extra-updated': { userId: string; extra: Extra };
  'rtc-user-status': { userId: string; status: 'online' | 'offline'; extra: Extra };
  'rtc-owner-changed': { userId: string };
  'rtc-participation-request': { userId: string; extra: Extra };
  'rtc-kicked': { roomId: string; by: string };
  /** The signaling connection dropped; the room reconnects (peer connections keep flowing). */
  'rtc-reconnecting': { reason: string };
  /** Back: `resumed` when the server kept our place, otherwise the room was rebuilt. */
  'rtc-reconnected': { resumed: boolean; attempts: number; downtimeMs: number };
  'rtc-participant-renamed': { userId: string; previousUserId: string };
  'rtc-user-id-changed': { userId: string; previousUserId: string };
  'rtc-mute': { userId: string; kind: MuteKind };
  'rtc-unmute': { userId: string; kind: MuteKind };
  'rtc-custom-message': { data: unknown };
  'rtc-stream': {
    userId: string;
    stream: MediaStream;
    type: 'local' | 'remote';
    isScreen: boolean;
  };
  'rtc-stream-ended': {
    userId: string;
    stream: MediaStream;
    type: 'local' | 'remote';
    isScreen: boolean;
  };
  'rtc-message': { userId: string; data: unknown };
  'rtc-room-full': { roomId: string };
  'rtc-session-closed': { roomId: string };
  /** To a scalable broadcast's broadcaster: its viewer count (the whole tree). */
  'rtc-broadcast-viewers': { broadcastId: string; count: number };
  /** To a scalable broadcast's viewers: the broadcaster left. */
  'rtc-broadcast-ended': { broadcastId: string };
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
  /** (`legacy`: a transfer with an RTCMultiConnection page, counted in its records.) */
  'rtc-file-start': FileTransferInfo & LegacyPosition;
  'rtc-file-progress': FileTransferInfo & { bytes: number } & LegacyPosition;
  /** Done and verified; on the receiving side with `file` and an object `url` for it. */
  'rtc-file-end': FileTransferInfo & { file?: File; url?: string } & LegacyPosition;
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

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-joined': RtcEvent<'rtc-joined'>;
    'rtc-left': RtcEvent<'rtc-left'>;
    'rtc-participant-joined': RtcEvent<'rtc-participant-joined'>;
    'rtc-participant-left': RtcEvent<'rtc-participant-left'>;
    'rtc-extra-updated': RtcEvent<'rtc-extra-updated'>;
    'rtc-user-status': RtcEvent<'rtc-user-status'>;
    'rtc-owner-changed': RtcEvent<'rtc-owner-changed'>;
    'rtc-participation-request': RtcEvent<'rtc-participation-request'>;
    'rtc-kicked': RtcEvent<'rtc-kicked'>;
    'rtc-reconnecting': RtcEvent<'rtc-reconnecting'>;
    'rtc-reconnected': RtcEvent<'rtc-reconnected'>;
    'rtc-participant-renamed': RtcEvent<'rtc-participant-renamed'>;
    'rtc-user-id-changed': RtcEvent<'rtc-user-id-changed'>;
    'rtc-mute': RtcEvent<'rtc-mute'>;
    'rtc-unmute': RtcEvent<'rtc-unmute'>;
    'rtc-custom-message': RtcEvent<'rtc-custom-message'>;
    'rtc-stream': RtcEvent<'rtc-stream'>;
    'rtc-stream-ended': RtcEvent<'rtc-stream-ended'>;
    'rtc-message': RtcEvent<'rtc-message'>;
    'rtc-room-full': RtcEvent<'rtc-room-full'>;
    'rtc-session-closed': RtcEvent<'rtc-session-closed'>;
    'rtc-broadcast-viewers': RtcEvent<'rtc-broadcast-viewers'>;
    'rtc-broadcast-ended': RtcEvent<'rtc-broadcast-ended'>;
    'rtc-error': RtcEvent<'rtc-error'>;
    'rtc-file-offer': RtcEvent<'rtc-file-offer'>;
    'rtc-file-start': RtcEvent<'rtc-file-start'>;
    'rtc-file-progress': RtcEvent<'rtc-file-progress'>;
    'rtc-file-end': RtcEvent<'rtc-file-end'>;
    'rtc-file-cancel': RtcEvent<'rtc-file-cancel'>;
  }
}
