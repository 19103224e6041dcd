import type { Page } from 'playwright-core';

/**
 * Test instrumentation injected before any page script: records every RTCPeerConnection and every
 * captured track, so a test can check that nothing is left open after leave().
 */
export async function instrument(page: Page): Promise<void> {
  // A string, not a function: the TypeScript loader would add helpers the page does not have.
  await page.addInitScript(INIT_SCRIPT);
}

const INIT_SCRIPT = `(() => {
  // Weak references: the census must not keep closed connections or stopped tracks alive.
  const peers = [];
  let made = 0;
  const tracks = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      made++;
      peers.push(new WeakRef(this));
    }
  };
  const devices = navigator.mediaDevices;
  const gum = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    for (const track of stream.getTracks()) tracks.push(new WeakRef(track));
    return stream;
  };
  window.__rtc = {
    openPeerConnections: () =>
      peers.filter((ref) => { const pc = ref.deref(); return pc && pc.connectionState !== 'closed'; }).length,
    peerConnections: () => made,
    // A live capture track is kept alive by the browser, so a collected one was not live.
    liveTracks: () => tracks.filter((ref) => ref.deref()?.readyState === 'live').length,
    capturedTracks: () => tracks.length,
  };
})();`;

export interface Census {
  openPeerConnections: number;
  peerConnections: number;
  liveTracks: number;
  capturedTracks: number;
}

export function census(page: Page): Promise<Census> {
  return page.evaluate(() => {
    const rtc = (window as unknown as { __rtc: Record<keyof Census, () => number> }).__rtc;
    return {
      openPeerConnections: rtc.openPeerConnections(),
      peerConnections: rtc.peerConnections(),
      liveTracks: rtc.liveTracks(),
      capturedTracks: rtc.capturedTracks(),
    };
  });
}
