/** Names and limits both sides of the wire agree on. */

/** Default relay event name (RTCMultiConnection's `socketMessageEvent`). */
export const DEFAULT_MESSAGE_EVENT = 'RTCMultiConnection-Message';
/** Default custom event name (RTCMultiConnection's `socketCustomEvent`). */
export const DEFAULT_CUSTOM_EVENT = 'RTCMultiConnection-Custom-Message';
/** Marker that rtc-elements peers put in the relay messages they send (protocol revision). */
export const PROTOCOL_REVISION = 1;

/** Limits shared by the server (enforced) and the engine (checked before connecting). */
export const LIMITS = {
  idLength: 256,
  eventNameLength: 128,
  extraBytes: 8 * 1024,
  passwordLength: 256,
  relayBytes: 64 * 1024,
  maxHttpBufferSize: 128 * 1024,
  /**
   * How deep any payload may nest (objects and arrays), as Jackson and Python bound JSON: real
   * messages stay under 10; past about 1,700 levels serialisers exhaust the stack.
   */
  jsonDepth: 1024,
} as const;
