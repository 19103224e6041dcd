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
  const peers = [];
  const tracks = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      peers.push(this);
    }
  };
  const devices = navigator.mediaDevices;
  const gum = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  window.__rtc = {
    openPeerConnections: () => peers.filter((pc) => pc.connectionState !== 'closed').length,
    peerConnections: () => peers.length,
    liveTracks: () => tracks.filter((t) => t.readyState === 'live').length,
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
