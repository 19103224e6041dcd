/**
 * The signaling wire protocol, typed once and shared by the engine, the server and the local hub.
 *
 * It is RTCMultiConnection v3's socket.io protocol (handshake query, room events, the relay
 * envelope and its message variants), so RTCMultiConnection 3.7 pages and rtc-elements share
 * rooms on one server. Additions are backwards compatible: extra trailing arguments, extra
 * fields that v3 clients ignore, and one new server event (`ice-servers`). See docs/protocol.md.
 */
export * from './constants.js';
export * from './errors.js';
export * from './types.js';
export * from './relay.js';
export * from './events.js';
export * from './checks.js';
export * from './parse.js';
export * from './rules.js';
