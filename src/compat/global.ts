/**
 * The classic-script build (`dist/rtcmulticonnection.js`): loading it is the opt-in to one global,
 * `window.RTCMultiConnection`, as RTCMultiConnection.js defined. Nothing else is global.
 */
import { RTCMultiConnection } from './index.js';

(globalThis as { RTCMultiConnection?: unknown }).RTCMultiConnection = RTCMultiConnection;
