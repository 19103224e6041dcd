/**
 * The classic-script build (`dist/rtcmulticonnection.js`): loading it is the opt-in to the globals
 * RTCMultiConnection.js defined that pages use: `window.RTCMultiConnection`, and
 * `window.DetectRTC` (the same object as `connection.DetectRTC`; v3 bundled DetectRTC as a global
 * and its demos call it directly). Nothing else is global: no `io`, no `getStats`, no patched
 * prototypes.
 */
import { DetectRTC, RTCMultiConnection } from './index.js';

Object.assign(globalThis, { RTCMultiConnection, DetectRTC });
