// Helpers for tests that run in the browser (web-test-runner).
import { waitUntil } from '@open-wc/testing';
import {
  RoomConnection,
  type RoomEvents,
  type RoomOptions,
  type RtcError,
} from '../../src/engine/index.js';

/** URL of the signaling server that web-test-runner.config.mjs started for this run. */
const virtualModule = '/__signaling.js';
export const { signalingUrl } = (await import(virtualModule)) as { signalingUrl: string };

let counter = 0;
/** A room id unique to this test run. */
export function uniqueRoom(prefix = 'room'): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A second participant in the same page, straight from the engine (not the registry). */
export function peerConnection(options: Partial<RoomOptions> & { roomId: string }): RoomConnection {
  return new RoomConnection({ socketUrl: signalingUrl, ...options });
}

/** Waits for a <video> to decode frames. */
export async function decodes(
  video: HTMLVideoElement,
  message = 'video decodes frames',
): Promise<void> {
  await waitUntil(() => video.videoWidth > 0, message, { timeout: 15000 });
}

/** The next event of that name, typed by GlobalEventHandlersEventMap (rtc-* events included). */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  name: K,
): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => {
    target.addEventListener(name, (event) => resolve(event as GlobalEventHandlersEventMap[K]), {
      once: true,
    });
  });
}

/** Resolves with the next payload of an engine event. */
export function next<K extends keyof RoomEvents>(
  room: RoomConnection,
  event: K,
): Promise<RoomEvents[K]> {
  return new Promise((resolve) => {
    const off = room.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<RtcError> {
  try {
    await promise;
  } catch (error) {
    return error as RtcError;
  }
  throw new Error('expected a rejection');
}
