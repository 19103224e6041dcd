/**
 * `rtc-elements/compat`: RTCMultiConnection 3.x's API over the rtc-elements engine, for pages
 * that keep their RTCMultiConnection code (see docs/migrating-from-rtcmulticonnection.md).
 */
export { RTCMultiConnection, type LegacyPeer, type StreamEvent } from './rtcmulticonnection.js';
export type { LegacyFile } from './dom.js';
export type { LegacyUserPreferences } from './legacy.js';
export { DetectRTC, createDetectRTC } from './detect-rtc.js';
export { BandwidthHandler, CodecsHandler } from './sdp-handlers.js';
export { getStats, getStatsOnce, type GetStatsResult } from './stats.js';
