/**
 * The relay envelope and the messages peers send each other through it (RTCMultiConnection v3's
 * shapes), with the guards that tell them apart (the wire has no discriminant field).
 */
import { isRecord, isValidId } from './checks.js';
import type { Extra, SdpConstraints, Session } from './types.js';

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
