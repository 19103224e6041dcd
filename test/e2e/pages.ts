import type { Page } from 'playwright-core';

export interface ElementPageOptions {
  signalingUrl: string;
  roomId: string;
  userId?: string;
  /** Omit socket-url (the element defaults to the bundle's origin). */
  defaultSocketUrl?: boolean;
  session?: string;
  name?: string;
}

/** A page that uses only the public bundle and two tags of markup, from another origin. */
export function elementPage(o: ElementPageOptions): string {
  const attrs = [
    `room-id="${o.roomId}"`,
    o.defaultSocketUrl ? '' : `socket-url="${o.signalingUrl}"`,
    o.userId ? `user-id="${o.userId}"` : '',
    o.session ? `session="${o.session}"` : '',
    o.name ? `extra='${JSON.stringify({ name: o.name })}'` : '',
  ].join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>room</title>
<script type="module" src="${o.signalingUrl}/dist/rtc-elements.js"></script></head>
<body><rtc-room ${attrs}><rtc-video-grid></rtc-video-grid></rtc-room></body></html>`;
}

/** A page running unmodified RTCMultiConnection 3.7 against our server. */
export function legacyPage(o: {
  signalingUrl: string;
  roomId: string;
  userId: string;
  open: boolean;
  /** Include `data` in the session (default true). */
  data?: boolean;
}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rtcmc</title>
<script src="${o.signalingUrl}/socket.io/socket.io.js"></script>
<script src="/vendor/RTCMultiConnection.js"></script></head>
<body><div id="videos"></div><script>
  const connection = new RTCMultiConnection();
  connection.socketURL = ${JSON.stringify(o.signalingUrl + '/')};
  connection.userid = ${JSON.stringify(o.userId)};
  connection.session = { audio: true, video: true, data: ${o.data ?? true} };
  connection.sdpConstraints.mandatory = { OfferToReceiveAudio: true, OfferToReceiveVideo: true };
  connection.iceServers = [];
  connection.enableLogs = false;
  connection.videosContainer = document.getElementById('videos');
  window.remoteStreams = [];
  window.messages = [];
  connection.onstream = (event) => {
    const video = document.createElement('video');
    video.muted = true; video.autoplay = true; video.playsInline = true;
    video.srcObject = event.stream;
    video.dataset.type = event.type;
    video.dataset.userid = event.userid;
    document.getElementById('videos').appendChild(video);
    if (event.type === 'remote') window.remoteStreams.push(event.userid);
  };
  connection.onmessage = (event) => window.messages.push({ userid: event.userid, data: event.data });
  window.connection = connection;
  window.ready = new Promise((resolve) => {
    connection.${o.open ? 'open' : 'join'}(${JSON.stringify(o.roomId)}, (ok, roomid, error) => resolve({ ok, error }));
  });
</script></body></html>`;
}

/** Waits until the page's grid shows `count` remote videos that decode frames; returns their user ids. */
export async function waitForRemoteVideos(
  page: Page,
  count: number,
  timeout = 20_000,
): Promise<string[]> {
  await page.waitForFunction(
    (n) => {
      const grid = document.querySelector('rtc-video-grid');
      const videos = [
        ...(grid?.shadowRoot?.querySelectorAll('video[data-stream-type="remote"]') ?? []),
      ];
      return videos.filter((v) => (v as HTMLVideoElement).videoWidth > 0).length >= n;
    },
    count,
    { timeout },
  );
  return page.evaluate(() =>
    [
      ...(document
        .querySelector('rtc-video-grid')
        ?.shadowRoot?.querySelectorAll('video[data-stream-type="remote"]') ?? []),
    ]
      .filter((v) => (v as HTMLVideoElement).videoWidth > 0)
      .map((v) => (v as HTMLElement).dataset['userId'] ?? ''),
  );
}

/** Waits until a legacy page's remote <video> elements decode frames. */
export async function waitForLegacyRemoteVideos(
  page: Page,
  count: number,
  timeout = 20_000,
): Promise<void> {
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll('#videos video[data-type="remote"]')].filter(
        (v) => (v as HTMLVideoElement).videoWidth > 0,
      ).length >= n,
    count,
    { timeout },
  );
}
