/**
 * What a room says about itself when it connects and joins: its options checked before anything
 * is sent, the `open-room` / `join-room` request, and the participation request to the members.
 */
import { ErrorCode, RtcError } from '../errors.js';
import type { LocalStream } from '../media/capture.js';
import { isDataOnly, isOneWay, kindsToCapture } from '../media/session.js';
import {
  DEFAULT_CUSTOM_EVENT,
  DEFAULT_MESSAGE_EVENT,
  LIMITS,
  PROTOCOL_REVISION,
  isValidEventName,
  isValidId,
  type Extra,
  type RelayMessage,
  type RoomRequest,
  type Session,
} from '../../protocol/index.js';
import type { RoomOptions } from './types.js';

/** The room's custom event (v3 `socketCustomEvent`). */
export function customEventName(options: RoomOptions): string {
  return options.customEvent ?? DEFAULT_CUSTOM_EVENT;
}

/** Refuses options the server would refuse (or that cannot work), before connecting. */
export function validateRoom(
  roomId: string,
  userId: string,
  options: RoomOptions,
  extra: Extra,
): void {
  const invalid = (message: string) => new RtcError(ErrorCode.INVALID_REQUEST, message);
  if (!isValidId(roomId))
    throw invalid(`Invalid room id (1-${LIMITS.idLength} characters, no control characters)`);
  if (!isValidId(userId))
    throw invalid(`Invalid user id (1-${LIMITS.idLength} characters, no control characters)`);
  if (options.messageEvent !== undefined && !isValidEventName(options.messageEvent)) {
    throw invalid(`Invalid message event name ${JSON.stringify(options.messageEvent)}`);
  }
  if (options.customEvent !== undefined && !isValidEventName(options.customEvent)) {
    throw invalid(`Invalid custom event name ${JSON.stringify(options.customEvent)}`);
  }
  if (customEventName(options) === (options.messageEvent ?? DEFAULT_MESSAGE_EVENT)) {
    throw invalid('The custom event and the message event need different names');
  }
  let extraJson: string;
  try {
    extraJson = JSON.stringify(extra);
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

/** `open-room` / `join-room`'s payload. */
export function roomRequest(
  roomId: string,
  session: Session,
  options: RoomOptions,
  extra: Extra,
  streams: readonly LocalStream[],
  open: boolean,
): RoomRequest {
  const request: RoomRequest = {
    sessionid: roomId,
    session,
    extra,
    password: options.password ?? '',
    streams: streams.map((l) => ({
      streamid: l.stream.id,
      tracks: l.stream.getTracks().length,
    })),
  };
  if (open) {
    request.identifier = options.publicId ?? '';
    if (options.approveJoins) request.approveJoins = true;
    if (options.scalableBroadcast) request.relayLimit = options.singleBroadcastAttendees ?? 3;
  }
  return request;
}

/** What a joiner relays to the room: connect to me (RTCMultiConnection's shape). */
export function participationRequest(session: Session): RelayMessage {
  const media = !isDataOnly(session);
  const oneWay = isOneWay(session);
  const kinds = kindsToCapture(session, 'participant');
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

/** How long a join may wait for an approve-joins room's owner (the server's default is 60 s). */
const APPROVAL_WAIT_MS = 65_000;

/** How long `join-room` may take: approve-joins rooms make joiners wait for their owner. */
export function joinTimeout(options: RoomOptions): number {
  return Math.max(options.timeoutMs ?? 10_000, APPROVAL_WAIT_MS);
}
