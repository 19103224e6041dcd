import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { useE2E } from './harness.js';
import { census, instrument } from './instrument.js';
import {
  begin,
  countEvents,
  events,
  fails,
  isJoined,
  isPending,
  roundTrip,
  settled,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForPeers,
  waitForRemoteVideos,
} from './pages.js';

describe('join approval and moderation across independent pages', { timeout: 120_000 }, () => {
  const env = useE2E();
  const pages = useApiPages(env);

  it('approve-joins: a join waits for the owner; accept() lets it in with video, preventDefault() turns one away', async () => {
    const roomId = 'approve';
    const a = await pages.open({
      roomId,
      userId: 'ap-a',
      session: 'audio video',
      grid: true,
      attributes: { 'approve-joins': true },
    });
    const b = await pages.open({
      roomId,
      userId: 'ap-b',
      name: 'Bob',
      session: 'audio video',
      grid: true,
    });
    const c = await pages.open({ roomId, userId: 'ap-c', name: 'Carol' });
    await succeeds(a.page, 'open');
    await a.page.evaluate(() => {
      (window as unknown as ApprovalWindow).handlers['rtc-participation-request'] = (event) => {
        if (event.detail.userId === 'ap-c') event.preventDefault();
      };
    });

    await begin(b.page, 'join', 'join');
    const request = await waitForEvent(a.page, 'rtc-participation-request', { userId: 'ap-b' });
    assert.deepEqual(request.detail, { userId: 'ap-b', extra: { name: 'Bob' } });
    assert.equal(request.cancelable, true);
    assert.equal(request.defaultPrevented, false);
    // Nobody decided yet: B waits, outside the room.
    assert.equal(await isPending(b.page, 'join'), true);
    assert.equal(await isJoined(b.page), false);
    assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), []);

    await succeeds(a.page, 'accept', 'ap-b');
    assert.deepEqual(await settled(b.page, 'join'), {
      value: { roomId, userId: 'ap-b', opened: false },
    });
    const [fromA, fromB] = await Promise.all([
      waitForRemoteVideos(a.page, 1),
      waitForRemoteVideos(b.page, 1),
    ]);
    assert.deepEqual([fromA, fromB], [['ap-b'], ['ap-a']]);
    await succeeds(b.page, 'send', 'hello owner');
    assert.deepEqual((await waitForEvent(a.page, 'rtc-message')).detail, {
      userId: 'ap-b',
      data: 'hello owner',
    });

    // The owner's page cancels C's request.
    assert.equal(await fails(c.page, 'join'), 'JOIN_REJECTED');
    const cancelled = await waitForEvent(a.page, 'rtc-participation-request', { userId: 'ap-c' });
    assert.equal(cancelled.defaultPrevented, true);
    assert.equal(await isJoined(c.page), false);
    await roundTrip(a.page);
    assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['ap-b']);
    assert.equal(await countEvents(b.page, 'rtc-participant-joined', { userId: 'ap-c' }), 0);
    await pages.closeAll();
  });

  it('approve-joins: reject(userId) turns a joiner away with JOIN_REJECTED', async () => {
    const roomId = 'approve-reject';
    const a = await pages.open({ roomId, userId: 'ar-a', attributes: { 'approve-joins': true } });
    const d = await pages.open({ roomId, userId: 'ar-d', name: 'Dan' });
    await succeeds(a.page, 'open');
    await begin(d.page, 'join', 'join');
    assert.deepEqual(
      (await waitForEvent(a.page, 'rtc-participation-request', { userId: 'ar-d' })).detail,
      { userId: 'ar-d', extra: { name: 'Dan' } },
    );
    assert.equal(await isPending(d.page, 'join'), true);
    await succeeds(a.page, 'reject', 'ar-d');
    const outcome = await settled(d.page, 'join');
    assert.equal(outcome.code, 'JOIN_REJECTED');
    assert.equal(await isJoined(d.page), false);
    assert.deepEqual(
      (await events(d.page, 'rtc-error')).map((e) => e.detail['code']),
      ['JOIN_REJECTED'],
    );
    assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), []);
    assert.equal(await countEvents(a.page, 'rtc-participant-joined'), 0);
    await pages.closeAll();
  });

  it('a room without approve-joins lets joiners in and never asks its owner', async () => {
    const roomId = 'no-approval';
    const a = await pages.open({ roomId, userId: 'na-a' });
    const b = await pages.open({ roomId, userId: 'na-b' });
    const c = await pages.open({ roomId, userId: 'na-c' });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await succeeds(c.page, 'join');
    await waitForEvent(a.page, 'rtc-participant-joined', { userId: 'na-c' });
    await roundTrip(a.page);
    assert.equal(await countEvents(a.page, 'rtc-participation-request'), 0);
    assert.equal(await countEvents(b.page, 'rtc-participation-request'), 0);
    assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['na-b', 'na-c']);
    await pages.closeAll();
  });

  it('disconnectWith() drops the peer connection on both sides; both stay in the room', async () => {
    const roomId = 'disconnect-with';
    const a = await pages.open({ roomId, userId: 'dw-a' }, instrument);
    const b = await pages.open({ roomId, userId: 'dw-b' }, instrument);
    const c = await pages.open({ roomId, userId: 'dw-c' }, instrument);
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await succeeds(c.page, 'join');
    await waitForPeers(a.page, ['dw-b', 'dw-c']);
    await waitForPeers(b.page, ['dw-a', 'dw-c']);
    await waitForPeers(c.page, ['dw-a', 'dw-b']);
    assert.deepEqual((await connectedUserIds(a.page)).sort(), ['dw-b', 'dw-c']);

    await succeeds(a.page, 'disconnectWith', 'dw-b');
    await waitForOpenPeerConnections(a.page, 1);
    await waitForOpenPeerConnections(b.page, 1);
    assert.deepEqual(await connectedUserIds(a.page), ['dw-c']);
    assert.deepEqual(await connectedUserIds(b.page), ['dw-c']);
    assert.equal((await census(c.page)).openPeerConnections, 2);
    // Both are still in the room, for everyone.
    for (const { page } of [a, b, c]) {
      await roundTrip(page);
      assert.equal(await isJoined(page), true);
      assert.equal(await countEvents(page, 'rtc-participant-left'), 0);
      assert.equal(await countEvents(page, 'rtc-user-status', { status: 'offline' }), 0);
    }
    assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['dw-b', 'dw-c']);
    assert.deepEqual(await succeeds(b.page, 'getAllParticipants'), ['dw-a', 'dw-c']);
    // Nothing reconnects behind the owner's back.
    assert.equal((await census(a.page)).openPeerConnections, 1);
    assert.equal((await census(b.page)).openPeerConnections, 1);
    await pages.closeAll();
  });

  it('kick(): the owner removes a user for everyone; a non-owner is refused with NOT_OWNER', async () => {
    const roomId = 'kick';
    const a = await pages.open({ roomId, userId: 'kk-a' });
    const b = await pages.open({ roomId, userId: 'kk-b', name: 'Bob' });
    const c = await pages.open({ roomId, userId: 'kk-c' });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await succeeds(c.page, 'join');
    await waitForEvent(b.page, 'rtc-participant-joined', { userId: 'kk-c' });

    assert.equal(await fails(c.page, 'kick', 'kk-b'), 'NOT_OWNER');
    assert.equal(await fails(c.page, 'kick', 'kk-a'), 'NOT_OWNER');
    // The owner can only remove someone who is in the room.
    assert.equal(await fails(a.page, 'kick', 'nobody-here'), 'PEER_NOT_FOUND');
    await roundTrip(b.page);
    assert.equal(await isJoined(b.page), true);
    assert.equal(await countEvents(b.page, 'rtc-kicked'), 0);
    assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['kk-b', 'kk-c']);

    assert.equal(await succeeds(a.page, 'kick', 'kk-b'), undefined);
    assert.deepEqual((await waitForEvent(b.page, 'rtc-kicked')).detail, { roomId, by: 'kk-a' });
    await waitForEvent(b.page, 'rtc-left');
    assert.equal(await isJoined(b.page), false);
    for (const { page } of [a, c]) {
      assert.deepEqual(
        (await waitForEvent(page, 'rtc-participant-left', { userId: 'kk-b' })).detail,
        {
          userId: 'kk-b',
          extra: { name: 'Bob' },
        },
      );
      await waitForEvent(page, 'rtc-user-status', { userId: 'kk-b', status: 'offline' });
      await roundTrip(page);
      assert.equal(await countEvents(page, 'rtc-participant-left', { userId: 'kk-b' }), 1);
      assert.equal(
        await countEvents(page, 'rtc-user-status', { userId: 'kk-b', status: 'offline' }),
        1,
      );
    }
    assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['kk-c']);
    assert.deepEqual(await succeeds(c.page, 'getAllParticipants'), ['kk-a']);
    await pages.closeAll();
  });
});

interface ApprovalWindow {
  handlers: Record<string, (event: CustomEvent<{ userId: string }>) => void>;
}

/** User ids the page's room has a peer connection with. */
function connectedUserIds(page: Page): Promise<string[]> {
  return page.evaluate(() => document.querySelector('rtc-room')!.connection!.connectedUserIds);
}

/** Waits until the page has exactly `count` RTCPeerConnections that are not closed. */
async function waitForOpenPeerConnections(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (count) =>
      (
        window as unknown as { __rtc: { openPeerConnections(): number } }
      ).__rtc.openPeerConnections() === count,
    count,
    { timeout: 10_000 },
  );
}
