// Several signaling nodes on one Redis (a real redis-server): pages connected to different nodes
// share a room and a video call, chat crosses the nodes, and when the owner's node dies the other
// page sees the owner leave and becomes the owner (rtc-participant-left, rtc-owner-changed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startNode, type NodeProcess } from '../support/nodes.js';
import { startRedis, type RunningRedis } from '../support/redis.js';
import { useE2E } from './harness.js';
import { succeeds, useApiPages, waitForEvent, waitForPeers, waitForRemoteVideos } from './pages.js';

describe('several nodes on Redis', { timeout: 120_000 }, () => {
  let redis: RunningRedis;
  let other: NodeProcess;
  // Node A in this process (it also serves the bundle), node B in its own process. No grace
  // period: a dead node's users leave at once (resuming elsewhere is in reconnect.test.ts).
  const env = useE2E({
    signaling: async () => {
      redis = await startRedis();
      other = await startNode({ REDIS_URL: redis.url, RECONNECT_GRACE_MS: '0' });
      return { redisUrl: redis.url, reconnectGraceMs: 0 };
    },
    stop: async () => {
      await other.kill('SIGKILL');
      await redis.close();
    },
  });
  const pages = useApiPages(env);

  it('pages on two nodes share a call; when the owner’s node dies the other page takes over within 15 s', async () => {
    // The owner's page talks to node B; the guest's page to node A.
    const owner = await pages.open({
      roomId: 'nodes',
      userId: 'node-owner',
      session: 'audio video',
      socketUrl: other.url,
    });
    const guest = await pages.open({
      roomId: 'nodes',
      userId: 'node-guest',
      session: 'audio video',
      grid: true,
    });
    await succeeds(owner.page, 'open');
    await succeeds(guest.page, 'join');
    await waitForPeers(owner.page, ['node-guest']);
    await waitForPeers(guest.page, ['node-owner']);
    await waitForRemoteVideos(guest.page, 1);
    assert.equal(
      await guest.page.evaluate(() => document.querySelector('rtc-room')!.connection!.owner),
      'node-owner',
    );
    // Presence agrees on both nodes.
    for (const page of [owner.page, guest.page]) {
      const presence = (await succeeds(page, 'checkPresence', 'nodes')) as { exists: boolean };
      assert.equal(presence.exists, true);
    }
    // Data crosses the nodes (over the peer connection, after signaling crossed them).
    await succeeds(owner.page, 'send', 'across nodes');
    await waitForEvent(guest.page, 'rtc-message', { userId: 'node-owner', data: 'across nodes' });

    const killed = Date.now();
    await other.kill('SIGKILL');
    await waitForEvent(
      guest.page,
      'rtc-participant-left',
      { userId: 'node-owner' },
      { timeout: 15_000 },
    );
    await waitForEvent(
      guest.page,
      'rtc-owner-changed',
      { userId: 'node-guest' },
      { timeout: 5000 },
    );
    const elapsed = Date.now() - killed;
    assert.ok(elapsed < 15_000, `owner's node cleaned up after ${elapsed} ms`);
    console.log(`# dead node: participant-left and owner-changed after ${elapsed} ms`);
  });
});
