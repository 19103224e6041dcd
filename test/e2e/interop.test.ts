import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { newPage } from '../support/browser.js';
import { useE2E } from './harness.js';
import {
  countEvents,
  elementPage,
  legacyPage,
  roundTrip,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForLegacyRemoteVideos,
  waitForRemoteVideos,
} from './pages.js';

/** Resolves when an element page's room has joined. */
const roomJoined = (page: Page) =>
  page.waitForFunction(() => document.querySelector('rtc-room')?.joined === true);
const legacyReady = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { ready: Promise<{ ok: boolean; error?: string }> }).ready,
  );

describe('interop with unmodified RTCMultiConnection 3.7 pages', { timeout: 120_000 }, () => {
  const env = useE2E();
  const pages = useApiPages(env);

  it('two RTCMultiConnection pages connect with video through our server', async () => {
    const roomId = 'legacy-pair';
    const a = await newPage(env.browser);
    const b = await newPage(env.browser);
    await a.page.goto(
      env.site.page(
        '/l1.html',
        legacyPage({ signalingUrl: env.signaling.url, roomId, userId: 'l1', open: true }),
      ),
    );
    assert.equal((await legacyReady(a.page)).ok, true);
    await b.page.goto(
      env.site.page(
        '/l2.html',
        legacyPage({ signalingUrl: env.signaling.url, roomId, userId: 'l2', open: false }),
      ),
    );
    assert.equal((await legacyReady(b.page)).ok, true);
    await Promise.all([waitForLegacyRemoteVideos(a.page, 1), waitForLegacyRemoteVideos(b.page, 1)]);
    await a.context.close();
    await b.context.close();
  });

  it('an RTCMultiConnection page opens, an <rtc-room> page joins: video and messages both ways', async () => {
    const roomId = 'legacy-opens';
    const legacy = await newPage(env.browser);
    const modern = await newPage(env.browser);
    await legacy.page.goto(
      env.site.page(
        '/l3.html',
        legacyPage({ signalingUrl: env.signaling.url, roomId, userId: 'legacy-owner', open: true }),
      ),
    );
    assert.equal((await legacyReady(legacy.page)).ok, true);
    await modern.page.goto(
      env.site.page(
        '/m3.html',
        elementPage({ signalingUrl: env.signaling.url, roomId, userId: 'modern-joiner' }),
      ),
    );
    const [ids] = await Promise.all([
      waitForRemoteVideos(modern.page, 1),
      waitForLegacyRemoteVideos(legacy.page, 1),
    ]);
    assert.deepEqual(ids, ['legacy-owner']);
    await checkMessages(modern.page, legacy.page, 'legacy-owner', 'modern-joiner');
    await legacy.context.close();
    await modern.context.close();
  });

  it('an <rtc-room> page opens, an RTCMultiConnection page joins: video and messages both ways', async () => {
    const roomId = 'modern-opens';
    const modern = await newPage(env.browser);
    const legacy = await newPage(env.browser);
    await modern.page.goto(
      env.site.page(
        '/m4.html',
        elementPage({ signalingUrl: env.signaling.url, roomId, userId: 'modern-owner' }),
      ),
    );
    await roomJoined(modern.page);
    await legacy.page.goto(
      env.site.page(
        '/l4.html',
        legacyPage({
          signalingUrl: env.signaling.url,
          roomId,
          userId: 'legacy-joiner',
          open: false,
        }),
      ),
    );
    assert.equal((await legacyReady(legacy.page)).ok, true);
    const [ids] = await Promise.all([
      waitForRemoteVideos(modern.page, 1),
      waitForLegacyRemoteVideos(legacy.page, 1),
    ]);
    assert.deepEqual(ids, ['legacy-joiner']);
    await checkMessages(modern.page, legacy.page, 'legacy-joiner', 'modern-owner');
    await modern.context.close();
    await legacy.context.close();
  });

  it('send() skips an RTCMultiConnection peer without a data channel, and says so when targeted', async () => {
    // A v3 room member whose session has no data offers no channel at all.
    const roomId = 'legacy-nodata';
    const legacy = await newPage(env.browser);
    const modern = await newPage(env.browser);
    await legacy.page.goto(
      env.site.page(
        '/l5.html',
        legacyPage({
          signalingUrl: env.signaling.url,
          roomId,
          userId: 'legacy-5',
          open: true,
          data: false,
        }),
      ),
    );
    assert.equal((await legacyReady(legacy.page)).ok, true);
    await modern.page.goto(
      env.site.page(
        '/m5.html',
        elementPage({ signalingUrl: env.signaling.url, roomId, userId: 'modern-5' }),
      ),
    );
    await Promise.all([
      waitForRemoteVideos(modern.page, 1),
      waitForLegacyRemoteVideos(legacy.page, 1),
    ]);
    const outcome = await modern.page.evaluate(async () => {
      const room = document.querySelector('rtc-room')!;
      await room.send('to everyone');
      try {
        await room.send('to legacy', 'legacy-5');
        return 'sent';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    assert.equal(outcome, 'SEND_FAILED');
    await modern.context.close();
    await legacy.context.close();
  });

  it('v3 checkPresence() sees a room opened by <rtc-room>, with its _room flags', async () => {
    const modern = await pages.open({
      roomId: 'v3-presence',
      userId: 'vp-owner',
      name: 'Mo',
      attributes: { password: 'room-pass', 'max-participants': 3 },
    });
    await succeeds(modern.page, 'open');
    const legacy = await pages.openLegacy({
      roomId: 'v3-presence',
      userId: 'vp-legacy',
      open: false,
      manual: true,
    });
    const check = (roomId: string) =>
      legacy.page.evaluate(
        (roomId) =>
          new Promise((resolve) => {
            (window as unknown as { connection: LegacyConnection }).connection.checkPresence(
              roomId,
              (exists, roomid, extra) => resolve({ exists, roomid, extra }),
            );
          }),
        roomId,
      );
    assert.deepEqual(await check('v3-presence'), {
      exists: true,
      roomid: 'v3-presence',
      extra: { name: 'Mo', _room: { isFull: false, isPasswordProtected: true } },
    });
    assert.deepEqual(await check('v3-missing'), {
      exists: false,
      roomid: 'v3-missing',
      extra: { _room: { isFull: false, isPasswordProtected: false } },
    });
    await pages.closeAll();
  });

  it('v3 pages join an <rtc-room> password room: the right password joins with video both ways, a wrong one gets "Invalid password"', async () => {
    const roomId = 'v3-password';
    const modern = await pages.open({
      roomId,
      userId: 'vw-owner',
      session: 'audio video',
      grid: true,
      attributes: { password: 'right-pass' },
    });
    await succeeds(modern.page, 'open');
    const wrong = await pages.openLegacy({
      roomId,
      userId: 'vw-wrong',
      open: false,
      password: 'wrong-pass',
    });
    assert.deepEqual(await legacyReady(wrong.page), { ok: false, error: 'Invalid password' });
    const right = await pages.openLegacy({
      roomId,
      userId: 'vw-right',
      open: false,
      password: 'right-pass',
    });
    assert.equal((await legacyReady(right.page)).ok, true);
    const [ids] = await Promise.all([
      waitForRemoteVideos(modern.page, 1),
      waitForLegacyRemoteVideos(right.page, 1),
    ]);
    assert.deepEqual(ids, ['vw-right']);
    assert.deepEqual(await succeeds(modern.page, 'getAllParticipants'), ['vw-right']);
    await pages.closeAll();
  });

  it('a v3 member: its updateExtraData() reaches <rtc-room> pages once; when the <rtc-room> owner leaves, it owns the room', async () => {
    const roomId = 'v3-owner';
    const owner = await pages.open({ roomId, userId: 'vo-owner', session: 'audio video' });
    await succeeds(owner.page, 'open');
    const legacy = await pages.openLegacy({
      roomId,
      userId: 'vo-legacy',
      open: false,
      extra: { name: 'Old name' },
    });
    assert.equal((await legacyReady(legacy.page)).ok, true);
    const member = await pages.open({ roomId, userId: 'vo-member', session: 'audio video' });
    await succeeds(member.page, 'join');
    for (const { page } of [owner, member]) {
      assert.deepEqual(
        (await waitForEvent(page, 'rtc-participant-joined', { userId: 'vo-legacy' })).detail,
        { userId: 'vo-legacy', extra: { name: 'Old name' } },
      );
    }

    await legacy.page.evaluate(() => {
      const connection = (window as unknown as { connection: LegacyConnection }).connection;
      connection.extra = { name: 'New name', role: 'v3' };
      connection.updateExtraData();
    });
    for (const { page } of [owner, member]) {
      assert.deepEqual((await waitForEvent(page, 'rtc-extra-updated')).detail, {
        userId: 'vo-legacy',
        extra: { name: 'New name', role: 'v3' },
      });
      await roundTrip(page);
      assert.equal(await countEvents(page, 'rtc-extra-updated'), 1);
    }
    assert.deepEqual(await succeeds(member.page, 'getExtraData', 'vo-legacy'), {
      name: 'New name',
      role: 'v3',
    });

    // The owner leaves: the longest-present participant, the v3 page, takes over.
    await succeeds(owner.page, 'leave');
    await legacy.page.waitForFunction(
      () => (window as unknown as { connection: LegacyConnection }).connection.isInitiator,
      undefined,
      { timeout: 10_000 },
    );
    assert.deepEqual((await waitForEvent(member.page, 'rtc-owner-changed')).detail, {
      userId: 'vo-legacy',
    });
    await roundTrip(member.page);
    assert.equal(await countEvents(member.page, 'rtc-owner-changed'), 1);
    assert.deepEqual(await succeeds(member.page, 'getAllParticipants'), ['vo-legacy']);
    await pages.closeAll();
  });
});

/** Text and JSON messages cross between the two libraries in both directions. */
async function checkMessages(
  modern: Page,
  legacy: Page,
  legacyId: string,
  modernId: string,
): Promise<void> {
  const received = modern.evaluate(
    () =>
      new Promise<{ userId: string; data: unknown }>((resolve) =>
        document
          .querySelector('rtc-room')!
          .addEventListener('rtc-message', (e) => resolve(e.detail), { once: true }),
      ),
  );
  // v3 sends only once its channel is open; retry until the element has received it.
  await legacy.waitForFunction(
    () => {
      const c = (
        window as unknown as {
          connection: { peers: { getLength(): number }; send(d: unknown): void };
        }
      ).connection;
      if (c.peers.getLength() === 0) return false;
      c.send({ from: 'legacy' });
      return true;
    },
    undefined,
    { polling: 200 },
  );
  assert.deepEqual(await received, { userId: legacyId, data: { from: 'legacy' } });
  await modern.evaluate(() => document.querySelector('rtc-room')!.send('from modern'));
  await legacy.waitForFunction(
    () => (window as unknown as { messages: unknown[] }).messages.length > 0,
  );
  const messages = await legacy.evaluate(
    () => (window as unknown as { messages: unknown[] }).messages,
  );
  assert.deepEqual(messages[0], { userid: modernId, data: 'from modern' });
}

/** The parts of an RTCMultiConnection 3.7 connection these tests use. */
interface LegacyConnection {
  extra: Record<string, unknown>;
  isInitiator: boolean;
  updateExtraData(): void;
  checkPresence(
    roomId: string,
    callback: (exists: boolean, roomid: string, extra: Record<string, unknown>) => void,
  ): void;
}
