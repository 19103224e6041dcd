// Measurements taken inside a page straight from its RTCPeerConnections' own getStats()
// (independent of the library's summary), and what its <rtc-video-grid> shows.
import type { Page } from 'playwright-core';

/** Totals of one RTCPeerConnection's RTP streams of one kind and direction, at one moment. */
interface Counter {
  at: number;
  bytes: number;
}

/**
 * The bitrate, in kbps, of the video a page sends to (`out`) or receives from (`in`) a user,
 * measured over `ms` milliseconds from the RTP counters (payload bytes, retransmissions included).
 */
export function videoKbps(
  page: Page,
  userId: string,
  direction: 'in' | 'out',
  ms: number,
): Promise<number> {
  return page.evaluate(
    async ({ userId, direction, ms }) => {
      const pc = document.querySelector('rtc-room')!.connection!.peerConnection(userId)!;
      const read = async (): Promise<Counter> => {
        const report = await pc.getStats();
        let bytes = 0;
        let at = 0;
        report.forEach((s: Record<string, unknown>) => {
          const type = direction === 'in' ? 'inbound-rtp' : 'outbound-rtp';
          if (s['type'] !== type || s['kind'] !== 'video') return;
          bytes += Number(s[direction === 'in' ? 'bytesReceived' : 'bytesSent'] ?? 0);
          at = Math.max(at, Number(s['timestamp']));
        });
        return { at: at || performance.timeOrigin + performance.now(), bytes };
      };
      const first = await read();
      await new Promise((resolve) => setTimeout(resolve, ms));
      const last = await read();
      return ((last.bytes - first.bytes) * 8) / (last.at - first.at);
    },
    { userId, direction, ms },
  );
}

/** The codecs (`video/VP9`, `audio/opus`, ...) a page's connection to a user sends and receives. */
export function codecsInUse(
  page: Page,
  userId: string,
): Promise<{ outVideo?: string; inVideo?: string; outAudio?: string; inAudio?: string }> {
  return page.evaluate(async (userId) => {
    const pc = document.querySelector('rtc-room')!.connection!.peerConnection(userId)!;
    const report = await pc.getStats();
    const mime = (id: unknown) =>
      (report.get(String(id)) as { mimeType?: string } | undefined)?.mimeType;
    const out: Record<string, string | undefined> = {};
    report.forEach((s: Record<string, unknown>) => {
      if (s['type'] !== 'outbound-rtp' && s['type'] !== 'inbound-rtp') return;
      if (!s['codecId']) return;
      const key =
        (s['type'] === 'outbound-rtp' ? 'out' : 'in') + (s['kind'] === 'video' ? 'Video' : 'Audio');
      out[key] = mime(s['codecId']);
    });
    return out;
  }, userId);
}

/** Waits until the camera video from a user, as shown, has this aspect ratio (±3%). */
export async function waitForShape(
  page: Page,
  userId: string,
  ratio: number,
  timeout = 15_000,
): Promise<void> {
  await page.waitForFunction(
    ({ userId, ratio }) => {
      const grid = document.querySelector('rtc-video-grid')!;
      const tile = [...grid.shadowRoot!.querySelectorAll('figure[data-user-id]')].find(
        (t) => (t as HTMLElement).dataset['userId'] === userId && !t.hasAttribute('data-screen'),
      );
      const video = tile?.querySelector('video');
      if (!video?.videoHeight) return false;
      return Math.abs(video.videoWidth / video.videoHeight / ratio - 1) < 0.03;
    },
    { userId, ratio },
    { timeout },
  );
}

/** The grid's tiles: whose, screen or camera, whether the camera is shown as off, and the order. */
export function tiles(
  page: Page,
): Promise<{ userId: string; screen: boolean; videoOff: boolean; type: string }[]> {
  return page.evaluate(() =>
    [...document.querySelector('rtc-video-grid')!.shadowRoot!.querySelectorAll('figure')].map(
      (t) => ({
        userId: t.dataset['userId'] ?? '',
        screen: t.hasAttribute('data-screen'),
        videoOff: t.hasAttribute('data-video-off'),
        type: t.querySelector('video')?.dataset['streamType'] ?? '',
      }),
    ),
  );
}

export const CAMERA = 4 / 3;
export const SCREEN = 16 / 9;
