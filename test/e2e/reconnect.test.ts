// Calls that survive the network, end to end with independent pages: the signaling server is
// killed and restarted mid-call (video keeps flowing; both pages rebuild the room), one of two
// Redis-backed nodes dies (the page on it resumes on the other node, unseen), a TURN relay dies
// and comes back (ICE restarts on the same RTCPeerConnection), a tab reloads or closes (peers hear
// it at once), and 50 join/leave cycles leave nothing behind. Recovery times: median of 3 runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startNode } from '../support/nodes.js';
import { freeTcpPort, startRedis, type RunningRedis } from '../support/redis.js';
import { startSignaling } from '../support/servers.js';
import { startTurn, type RunningTurn } from '../support/turn.js';
import { useE2E } from './harness.js';
import { census, instrument } from './instrument.js';
import {
  countEvents,
  events,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForPeers,
  waitForRemoteVideos,
} from './pages.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Video frames this page has decoded from `from`. */
function framesFrom(page: Page, from: string): Promise<number> {
  return page.evaluate(async (from) => {
    const pc = document.querySelector('rtc-room')!.connection!.peerConnection(from);
    if (!pc) return -1;
    let frames = 0;
    (await pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
    });
    return frames;
  }, from);
}

/** Marks the page's RTCPeerConnection to `to`, to check later that it is still the same one. */
function markPeer(page: Page, to: string): Promise<void> {
  return page.evaluate((to) => {
    const pc = document.querySelector('rtc-room')!.connection!.peerConnection(to);
    (window as unknown as { marked?: RTCPeerConnection }).marked = pc;
  }, to);
}

function samePeer(page: Page, to: string): Promise<boolean> {
  return page.evaluate((to) => {
    const pc = document.querySelector('rtc-room')!.connection!.peerConnection(to);
    const marked = (window as unknown as { marked?: RTCPeerConnection }).marked;
    return !!pc && pc === marked && pc.connectionState === 'connected';
  }, to);
}

const connectionState = (page: Page) =>
  page.evaluate(() => document.querySelector('rtc-room')!.getAttribute('connection-state'));

async function waitForConnectionState(page: Page, state: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (state) => document.querySelector('rtc-room')?.getAttribute('connection-state') === state,
    state,
    { timeout },
  );
}

describe('calls that survive the network', { timeout: 300_000 }, () => {
  const env = useE2E();
  const pages = useApiPages(env);

  it('the signaling server is killed and restarted mid-call: video keeps flowing, both pages rebuild the room', async () => {
    const port = await freeTcpPort();
    const recoveries: number[] = [];
    for (let run = 1; run <= 3; run++) {
      let node = await startNode({}, port);
      const [aId, bId] = [`rs-a-${run}`, `rs-b-${run}`];
      const options = { roomId: `restart-${run}`, session: 'audio video', socketUrl: node.url };
      const a = await pages.open({ ...options, userId: aId });
      const b = await pages.open({ ...options, userId: bId, grid: true });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForPeers(a.page, [bId]);
      await waitForRemoteVideos(b.page, 1);
      await markPeer(a.page, bId);
      await markPeer(b.page, aId);
      assert.equal(await connectionState(b.page), 'connected');

      await node.kill('SIGKILL');
      for (const page of [a.page, b.page]) {
        await waitForConnectionState(page, 'reconnecting');
        await waitForEvent(page, 'rtc-reconnecting');
      }
      // The server is gone; the call is not.
      const before = await framesFrom(b.page, aId);
      await sleep(1500);
      const during = await framesFrom(b.page, aId);
      assert.ok(during - before > 15, `frames during the outage: ${before} -> ${during}`);

      node = await startNode({}, port);
      const restarted = Date.now();
      const back = await Promise.all(
        [a.page, b.page].map((page) =>
          waitForEvent(page, 'rtc-reconnected', {}, { timeout: 20_000 }),
        ),
      );
      for (const event of back)
        assert.equal(event.detail['resumed'], false, 'a fresh server rebuilds');
      for (const page of [a.page, b.page]) await waitForConnectionState(page, 'connected');
      recoveries.push(Math.max(...back.map((e) => e.at)) - restarted);
      // The same peer connections carried on, and the rebuilt room works.
      assert.equal(await samePeer(a.page, bId), true);
      assert.equal(await samePeer(b.page, aId), true);
      await succeeds(a.page, 'send', `after restart ${run}`);
      await waitForEvent(b.page, 'rtc-message', { data: `after restart ${run}` });
      const presence = (await succeeds(b.page, 'checkPresence')) as { exists: boolean };
      assert.equal(presence.exists, true);
      assert.equal(await countEvents(b.page, 'rtc-participant-left'), 0);
      await pages.closeAll();
      await node.kill('SIGKILL');
    }
    console.log(
      `# server restart: both pages back ${median(recoveries)} ms (median of ${recoveries.join(', ')}) after the server was up again`,
    );
  });

  it('a reconnect policy of the app decides when to try again and when to give up', async () => {
    const port = await freeTcpPort();
    const node = await startNode({}, port);
    const a = await pages.open({
      roomId: 'policy',
      session: 'data',
      socketUrl: node.url,
      userId: 'policy-a',
    });
    await succeeds(a.page, 'open');
    // Two more tries 100 ms apart, then give up; every context is kept.
    await a.page.evaluate(() => {
      const tries: unknown[] = [];
      (window as unknown as { tries: unknown[] }).tries = tries;
      document.querySelector('rtc-room')!.connection!.configure({
        reconnectPolicy: (context) => {
          tries.push({ ...context, lastError: context.lastError !== undefined });
          return context.attempt <= 3 ? 100 : null;
        },
      });
    });
    await node.kill('SIGKILL');
    await waitForEvent(a.page, 'rtc-reconnecting');
    // Given up: the error says why the last try failed (the server is gone), then the room ends.
    const lost = await waitForEvent(
      a.page,
      'rtc-error',
      { code: 'SIGNALING_UNREACHABLE' },
      { timeout: 10_000 },
    );
    await waitForEvent(a.page, 'rtc-left');
    const tries = (await a.page.evaluate(
      () => (window as unknown as { tries: unknown[] }).tries,
    )) as { attempt: number; elapsedMs: number; retryAfterMs: number; lastError: boolean }[];
    assert.deepEqual(
      tries.map((t) => [t.attempt, t.lastError]),
      [
        [1, false],
        [2, true],
        [3, true],
        [4, true],
      ],
    );
    assert.ok(tries[3]!.elapsedMs >= 300, `gave up after ${tries[3]!.elapsedMs} ms`);
    assert.ok(lost.at > 0);
    await pages.closeAll();
  });

  it('one of two Redis-backed nodes dies mid-call: the page on it resumes on the other node, unseen', async () => {
    const redis: RunningRedis = await startRedis();
    const env2 = { REDIS_URL: redis.url };
    const survivor = await startNode(env2);
    const downtimes: number[] = [];
    try {
      for (let run = 1; run <= 3; run++) {
        const doomed = await startNode(env2);
        const [aId, bId] = [`fo-a-${run}`, `fo-b-${run}`];
        // The page on the doomed node knows both nodes.
        const a = await pages.open({
          roomId: `failover-${run}`,
          userId: aId,
          session: 'audio video',
          socketUrl: `${doomed.url} ${survivor.url}`,
        });
        const b = await pages.open({
          roomId: `failover-${run}`,
          userId: bId,
          session: 'audio video',
          socketUrl: survivor.url,
          grid: true,
        });
        await succeeds(a.page, 'open');
        await succeeds(b.page, 'join');
        await waitForPeers(b.page, [aId]);
        await waitForRemoteVideos(b.page, 1);
        await markPeer(b.page, aId);
        await doomed.kill('SIGKILL');
        const back = await waitForEvent(a.page, 'rtc-reconnected', {}, { timeout: 20_000 });
        assert.equal(back.detail['resumed'], true, 'the other node kept its place');
        downtimes.push(Number(back.detail['downtimeMs']));
        await waitForConnectionState(a.page, 'connected');
        // Past the dead node's cleanup (6 s) and beyond: nobody saw the owner leave.
        await sleep(7000);
        assert.equal(await countEvents(b.page, 'rtc-participant-left'), 0);
        assert.equal(await countEvents(b.page, 'rtc-owner-changed'), 0);
        assert.equal(await samePeer(b.page, aId), true);
        const frames = await framesFrom(b.page, aId);
        await sleep(500);
        assert.ok((await framesFrom(b.page, aId)) > frames);
        // Signaling works through the surviving node: a message relayed by the server.
        await succeeds(b.page, 'sendCustom', { via: 'survivor' });
        await waitForEvent(a.page, 'rtc-custom-message', { data: { via: 'survivor' } });
        await pages.closeAll();
      }
    } finally {
      await survivor.kill('SIGKILL');
      await redis.close();
    }
    console.log(
      `# node failover: resumed after ${median(downtimes)} ms (median of ${downtimes.join(', ')})`,
    );
  });

  it('a TURN relay dies and comes back: ICE restarts on the same peer connection, the tile says so meanwhile', async () => {
    let turn: RunningTurn = await startTurn();
    const server = await startSignaling({
      turn: { urls: [turn.url], secret: turn.secret, ttl: 600 },
    });
    const recoveries: number[] = [];
    try {
      for (let run = 1; run <= 3; run++) {
        const [aId, bId] = [`ice-a-${run}`, `ice-b-${run}`];
        const options = {
          roomId: `ice-${run}`,
          session: 'audio video',
          socketUrl: server.url,
          attributes: { 'ice-transport-policy': 'relay' },
        };
        const a = await pages.open({ ...options, userId: aId });
        const b = await pages.open({ ...options, userId: bId, grid: true });
        await succeeds(a.page, 'open');
        await succeeds(b.page, 'join');
        await waitForPeers(b.page, [aId], 30_000);
        await waitForRemoteVideos(b.page, 1, 30_000);
        await markPeer(b.page, aId);
        const port = turn.port;
        await turn.close();
        // The relay is gone: the connection drops, and the tile says it is reconnecting.
        await b.page.waitForFunction(
          () =>
            !!document
              .querySelector('rtc-video-grid')
              ?.shadowRoot?.querySelector('figure[data-reconnecting] [part="reconnecting"]'),
          undefined,
          { timeout: 30_000 },
        );
        turn = await startTurn(turn.secret, port);
        const restarted = Date.now();
        await b.page.waitForFunction(
          (aId) =>
            document.querySelector('rtc-room')!.connection!.peerConnection(aId)?.connectionState ===
            'connected',
          aId,
          { timeout: 30_000 },
        );
        recoveries.push(Date.now() - restarted);
        assert.equal(await samePeer(b.page, aId), true, 'ICE restarted on the same connection');
        // Video resumes (after the bandwidth estimate and a key frame catch up).
        const frames = await framesFrom(b.page, aId);
        const deadline = Date.now() + 10_000;
        while ((await framesFrom(b.page, aId)) <= frames + 10 && Date.now() < deadline)
          await sleep(200);
        assert.ok((await framesFrom(b.page, aId)) > frames + 10, 'video flows again');
        await b.page.waitForFunction(
          () =>
            !document
              .querySelector('rtc-video-grid')
              ?.shadowRoot?.querySelector('figure[data-reconnecting]'),
        );
        assert.equal(await countEvents(b.page, 'rtc-participant-left'), 0);
        await pages.closeAll();
      }
    } finally {
      await server.close();
      await turn.close();
    }
    console.log(
      `# ICE restart: connected again ${median(recoveries)} ms (median of ${recoveries.join(', ')}) after the relay came back`,
    );
  });

  it('a reloaded tab tells its peers at once and rejoins as the same user; a closed tab too', async () => {
    const a = await pages.open({ roomId: 'reload', userId: 'rl-a', session: 'audio video' });
    const b = await pages.open({ roomId: 'reload', userId: 'rl-b', session: 'audio video' });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForPeers(a.page, ['rl-b']);
    let started = Date.now();
    await b.page.reload();
    await waitForEvent(a.page, 'rtc-participant-left', { userId: 'rl-b' }, { timeout: 3000 });
    const left = Date.now() - started;
    await b.page.evaluate(async () => {
      await customElements.whenDefined('rtc-room');
    });
    await succeeds(b.page, 'join');
    await waitForEvent(a.page, 'rtc-participant-joined', { userId: 'rl-b' }, { count: 2 });
    await waitForPeers(a.page, ['rl-b']);
    await waitForPeers(b.page, ['rl-a']);
    started = Date.now();
    await b.context.close();
    await waitForEvent(
      a.page,
      'rtc-participant-left',
      { userId: 'rl-b' },
      { count: 2, timeout: 3000 },
    );
    console.log(`# reload: peer told after ${left} ms; close: after ${Date.now() - started} ms`);
  });

  // Chromium in the test's network namespace (loopback only) always reports navigator.onLine
  // false and fires no offline/online events, so the page's events are dispatched by hand here;
  // what follows them is real.
  it('going offline and online again: offline drops the link at once, online retries at once', async () => {
    const port = await freeTcpPort();
    let node = await startNode({}, port);
    try {
      const options = { roomId: 'offline', session: 'audio video', socketUrl: node.url };
      const a = await pages.open({ ...options, userId: 'off-a' });
      const b = await pages.open({ ...options, userId: 'off-b' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await waitForPeers(b.page, ['off-a']);
      const signal = (page: Page, type: 'offline' | 'online') =>
        page.evaluate((type) => dispatchEvent(new Event(type)), type);
      // Offline: the room does not wait for heartbeats to time out; it resumes its place.
      await signal(b.page, 'offline');
      await waitForEvent(b.page, 'rtc-reconnecting', { reason: 'offline' }, { timeout: 2000 });
      const resumed = await waitForEvent(b.page, 'rtc-reconnected', {}, { timeout: 10_000 });
      assert.equal(resumed.detail['resumed'], true);
      assert.equal(await countEvents(a.page, 'rtc-participant-left'), 0);
      // With the server down, the retries back off (up to 5 s apart); online tries at once.
      await node.kill('SIGKILL');
      await waitForConnectionState(b.page, 'reconnecting');
      await sleep(8000);
      node = await startNode({}, port);
      const online = Date.now();
      await signal(b.page, 'online');
      await waitForEvent(b.page, 'rtc-reconnected', {}, { count: 2, timeout: 10_000 });
      const after = (await events(b.page, 'rtc-reconnected'))[1]!.at - online;
      console.log(`# back online: reconnected ${after} ms after the online event`);
      assert.ok(after < 1500, `${after} ms`);
      await pages.closeAll();
    } finally {
      await node.kill('SIGKILL');
    }
  });

  it('50 join/leave cycles in one page leave no peer connection, track, listener or heap behind', async () => {
    const host = await pages.open({ roomId: 'cycles', userId: 'cy-host', session: 'audio video' });
    await succeeds(host.page, 'open');
    const guest = await pages.open(
      { roomId: 'cycles', userId: 'cy-guest', session: 'audio video', grid: true },
      instrument,
    );
    const cdp = await guest.context.newCDPSession(guest.page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    // Listeners on the room's connection, counted while joined.
    let listeners = 0;
    const cycle = async () => {
      await succeeds(guest.page, 'join');
      await waitForPeers(guest.page, ['cy-host']);
      await waitForRemoteVideos(guest.page, 1);
      listeners = await guest.page.evaluate(() =>
        document.querySelector('rtc-room')!.connection!.listenerCount(),
      );
      assert.equal(await connectionState(guest.page), 'connected');
      await succeeds(guest.page, 'leave');
      assert.equal(await connectionState(guest.page), 'disconnected');
      // The test page records every event: forget them, so the heap shows the library alone.
      await guest.page.evaluate(() => {
        (window as unknown as { events: unknown[] }).events.length = 0;
      });
    };
    // 10 cycles warm up (compiled code, caches); the heap must not grow over the next 40.
    for (let i = 0; i < 10; i++) await cycle();
    const baseline = { heap: await heap(), listeners };
    for (let i = 0; i < 40; i++) await cycle();
    const after = { heap: await heap(), listeners, ...(await census(guest.page)) };
    console.log(
      `# 50 cycles: ${after.peerConnections} peer connections made, ${after.openPeerConnections} open, ` +
        `${after.liveTracks} live tracks, listeners ${baseline.listeners} -> ${after.listeners}, ` +
        `heap ${(baseline.heap / 1e6).toFixed(1)} -> ${(after.heap / 1e6).toFixed(1)} MB`,
    );
    assert.ok(after.peerConnections >= 50, `${after.peerConnections} made`);
    assert.equal(after.openPeerConnections, 0);
    assert.equal(after.liveTracks, 0);
    assert.equal(after.listeners, baseline.listeners);
    assert.ok(after.heap - baseline.heap < 1e6, `heap grew ${after.heap - baseline.heap} bytes`);
    assert.equal(await events(host.page, 'rtc-error').then((e) => e.length), 0);
  });
});
