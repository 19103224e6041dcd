// NAT traversal through a real coturn: the server hands out time-limited credentials, and
// <rtc-room ice-transport-policy="relay"> connects only through the relay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTurn, type RunningTurn } from '../support/turn.js';
import { useE2E } from './harness.js';
import { succeeds, useApiPages, waitForPeers, waitForRemoteVideos } from './pages.js';

describe('TURN relay (coturn, REST credentials)', { timeout: 120_000 }, () => {
  let turn: RunningTurn;
  const env = useE2E({
    signaling: async () => {
      turn = await startTurn();
      return { turn: { urls: [turn.url], secret: turn.secret, ttl: 600 } };
    },
    stop: () => turn.close(),
  });
  const pages = useApiPages(env);

  it('two pages with ice-transport-policy="relay" connect through coturn, with video', async () => {
    const attributes = { 'ice-transport-policy': 'relay' };
    const a = await pages.open({
      roomId: 'relay',
      userId: 'relay-a',
      session: 'audio video',
      attributes,
    });
    const b = await pages.open({
      roomId: 'relay',
      userId: 'relay-b',
      session: 'audio video',
      attributes,
      grid: true,
    });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForPeers(a.page, ['relay-b'], 30_000);
    await waitForRemoteVideos(b.page, 1, 30_000);
    for (const [page, other] of [
      [a.page, 'relay-b'],
      [b.page, 'relay-a'],
    ] as const) {
      const stats = (await succeeds(page, 'getStats', other)) as { candidateType: string };
      assert.equal(stats.candidateType, 'relay');
      // Only relay candidates were gathered, and the credentials came from the server.
      const config = await page.evaluate((other) => {
        const pc = document.querySelector('rtc-room')!.connection!.peerConnection(other)!;
        const { iceTransportPolicy, iceServers } = pc.getConfiguration();
        return { iceTransportPolicy, username: iceServers?.[0]?.username ?? '' };
      }, other);
      assert.equal(config.iceTransportPolicy, 'relay');
      assert.match(
        config.username,
        new RegExp(`^\\d+:${page === a.page ? 'relay-a' : 'relay-b'}$`),
      );
    }
  });
});
