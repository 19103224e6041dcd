/**
 * rtc-elements engine: framework-free WebRTC rooms over an RTCMultiConnection-compatible
 * socket.io signaling server. No DOM: it hands out MediaStreams and plain data.
 */
export { engine, Engine } from './engine.js';
export { RoomConnection } from './room/room-connection.js';
export { RoomState } from './room/types.js';
export type {
  AddStreamOptions,
  ConnectionState,
  JoinResult,
  MuteKind,
  MuteState,
  Participant,
  Presence,
  PublicRoomInfo,
  RoomEvents,
  RoomOptions,
  StreamInfo,
  UserPreferences,
} from './room/types.js';
export { ErrorCode, RtcError } from './errors.js';
export {
  parseSession,
  sessionToString,
  isDataOnly,
  isOneWay,
  SESSION_TOKENS,
} from './media/session.js';
export type { Bandwidth } from './media/bandwidth.js';
export { listDevices, type Device, type DeviceList } from './media/devices.js';
export {
  VIDEO_CODECS,
  AUDIO_CODECS,
  type CodecPreferences,
  type VideoCodec,
  type AudioCodec,
} from './media/codecs.js';
export type { TrackKind } from './media/local-media.js';
export { setBandwidth, preferCodec, setOpusParameters } from './media/sdp.js';
export type { PeerStats, FrameStats } from './peers/stats.js';
export type { Unsubscribe } from './util/emitter.js';
export type { Extra, Session, IceServer } from '../protocol/index.js';
export { registerTransport } from './signaling/registry.js';
export {
  BaseTransport,
  type SignalingTransport,
  type TransportFactory,
  type TransportListener,
  type TransportOptions,
} from './signaling/transport.js';
export { FileTransfers } from './files/file-transfers.js';
export type {
  FileEvents,
  FileOffer,
  FileTransferInfo,
  LegacyPosition,
  OfferAnswer,
} from './files/file-transfers.js';
