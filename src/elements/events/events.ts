import type { ErrorCode, Extra, RtcError } from '../../engine/index.js';

/** `detail` of every event the elements fire. */
export interface RtcEventDetails {
  'rtc-joined': { roomId: string; userId: string; opened: boolean };
  'rtc-left': { roomId: string };
  'rtc-participant-joined': { userId: string; extra: Extra };
  'rtc-participant-left': { userId: string; extra: Extra };
  'rtc-participant-updated': { userId: string; extra: Extra };
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
  'rtc-error': { code: ErrorCode; message: string; error: RtcError };
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
    'rtc-participant-updated': RtcEvent<'rtc-participant-updated'>;
    'rtc-stream': RtcEvent<'rtc-stream'>;
    'rtc-stream-ended': RtcEvent<'rtc-stream-ended'>;
    'rtc-message': RtcEvent<'rtc-message'>;
    'rtc-room-full': RtcEvent<'rtc-room-full'>;
    'rtc-session-closed': RtcEvent<'rtc-session-closed'>;
    'rtc-error': RtcEvent<'rtc-error'>;
  }
}
