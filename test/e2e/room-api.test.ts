import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startSignaling } from '../support/servers.js';
import { useE2E } from './harness.js';
import {
  countEvents,
  digest,
  events,
  fails,
  isJoined,
  receivedMessages,
  roundTrip,
  setRoom,
  succeeds,
  useApiPages,
  waitForEvent,
  waitForPeers,
} from './pages.js';

describe(
  'room API across independent pages (public bundle, another origin)',
  { timeout: 120_000 },
  () => {
    const env = useE2E();
    const pages = useApiPages(env);

    it('checkPresence() and getPublicRooms() answer a page that has joined nothing', async () => {
      const secret = 'pub-secret-7f3a';
      const aliceExtra = { name: 'Alice', topic: 'maths' };
      const a = await pages.open({
        roomId: 'pub-a',
        userId: 'pub-alice',
        extra: aliceExtra,
        attributes: { 'public-id': 'lobby-1', password: secret, 'max-participants': 1 },
      });
      const b = await pages.open({ roomId: 'plain-b', userId: 'pub-bob', name: 'Bob' });
      const probe = await pages.open({ roomId: 'probe-room', userId: 'pub-probe' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'open');

      assert.deepEqual(await succeeds(probe.page, 'checkPresence', 'pub-a'), {
        exists: true,
        isFull: false,
        isPasswordProtected: true,
        extra: aliceExtra,
      });
      assert.deepEqual(await succeeds(probe.page, 'checkPresence', 'plain-b'), {
        exists: true,
        isFull: false,
        isPasswordProtected: false,
        extra: { name: 'Bob' },
      });
      assert.deepEqual(await succeeds(probe.page, 'checkPresence', 'no-such-room'), {
        exists: false,
        isFull: false,
        isPasswordProtected: false,
        extra: {},
      });

      const listed = await succeeds(probe.page, 'getPublicRooms', 'lobby-1');
      assert.deepEqual(listed, [
        {
          roomId: 'pub-a',
          owner: 'pub-alice',
          participantCount: 1,
          maxParticipants: 1,
          extra: aliceExtra,
          isFull: false,
          isPasswordProtected: true,
        },
      ]);
      assert.deepEqual(await succeeds(probe.page, 'getPublicRooms', 'lobby-elsewhere'), []);
      assertNoPassword(listed, secret);
      // Asking joined nothing.
      assert.equal(await isJoined(probe.page), false);
      assert.equal(await countEvents(probe.page, 'rtc-joined'), 0);

      // Once someone joins, the one-to-one room is full, in both answers.
      await setRoom(probe.page, { roomId: 'pub-a', password: secret });
      await succeeds(probe.page, 'join');
      const full = await succeeds(b.page, 'getPublicRooms', 'lobby-1');
      assert.deepEqual(
        (full as { participantCount: number; isFull: boolean }[]).map((r) => [
          r.participantCount,
          r.isFull,
        ]),
        [[2, true]],
      );
      assertNoPassword(full, secret);
      assert.deepEqual(await succeeds(b.page, 'checkPresence', 'pub-a'), {
        exists: true,
        isFull: true,
        isPasswordProtected: true,
        extra: aliceExtra,
      });
      await pages.closeAll();
    });

    it('max-participants="1": the second joiner gets ROOM_FULL and rtc-room-full', async () => {
      const roomId = 'full-room';
      const a = await pages.open({
        roomId,
        userId: 'full-a',
        attributes: { 'max-participants': 1 },
      });
      const b = await pages.open({ roomId, userId: 'full-b' });
      const c = await pages.open({ roomId, userId: 'full-c' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      assert.equal(await fails(c.page, 'join'), 'ROOM_FULL');
      assert.deepEqual((await waitForEvent(c.page, 'rtc-room-full')).detail, { roomId });
      assert.equal(await countEvents(c.page, 'rtc-room-full'), 1);
      assert.equal(await isJoined(c.page), false);
      assert.deepEqual(
        (await events(c.page, 'rtc-error')).map((e) => e.detail['code']),
        ['ROOM_FULL'],
      );
      // The room is unchanged: the owner still sees exactly the first joiner.
      await roundTrip(a.page);
      assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['full-b']);
      await pages.closeAll();
    });

    it('a wrong password is refused with INVALID_PASSWORD; corrected, the same page joins', async () => {
      const roomId = 'pw-retry';
      const a = await pages.open({ roomId, userId: 'pwr-a', attributes: { password: 'old-pass' } });
      const b = await pages.open({
        roomId,
        userId: 'pwr-b',
        attributes: { password: 'wrong-pass' },
      });
      await succeeds(a.page, 'open');
      assert.equal(await fails(b.page, 'join'), 'INVALID_PASSWORD');
      assert.equal(await isJoined(b.page), false);
      // The user corrects the password (the property, as the docs advise) and tries again.
      await setRoom(b.page, { password: 'old-pass' });
      assert.deepEqual(await succeeds(b.page, 'join'), { roomId, userId: 'pwr-b', opened: false });
      assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['pwr-b']);
      await pages.closeAll();
    });

    it('the right password joins; setPassword() is the owner’s and replaces the old one', async () => {
      const roomId = 'pw-set';
      const a = await pages.open({ roomId, userId: 'pws-a', attributes: { password: 'old-pass' } });
      const b = await pages.open({ roomId, userId: 'pws-b', attributes: { password: 'old-pass' } });
      const c = await pages.open({ roomId, userId: 'pws-c', attributes: { password: 'old-pass' } });
      await succeeds(a.page, 'open');
      assert.deepEqual(await succeeds(b.page, 'join'), { roomId, userId: 'pws-b', opened: false });

      await succeeds(a.page, 'setPassword', 'new-pass');
      // A non-owner cannot change it (C's joins below show it is still the owner's).
      assert.equal(await fails(b.page, 'setPassword', 'mine-now'), 'NOT_OWNER');
      assert.equal(await fails(c.page, 'join'), 'INVALID_PASSWORD');
      // A fresh attempt with the new password (leave() drops the failed attempt's settings).
      await succeeds(c.page, 'leave');
      await setRoom(c.page, { password: 'new-pass' });
      await succeeds(c.page, 'join');
      assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['pws-b', 'pws-c']);
      await pages.closeAll();
    });

    it('when the owner leaves, the longest-present participant owns the room, announced once on every page', async () => {
      const roomId = 'owner-moves';
      const a = await pages.open({ roomId, userId: 'om-a' });
      const b = await pages.open({ roomId, userId: 'om-b' });
      const c = await pages.open({ roomId, userId: 'om-c' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await waitForEvent(b.page, 'rtc-participant-joined', { userId: 'om-c' });
      await succeeds(a.page, 'leave');
      for (const { page } of [b, c]) {
        const event = await waitForEvent(page, 'rtc-owner-changed');
        assert.deepEqual(event.detail, { userId: 'om-b' });
        await waitForEvent(page, 'rtc-participant-left', { userId: 'om-a' });
        // Everything the server sent before this answer has arrived: the count is final.
        await roundTrip(page);
        assert.equal(await countEvents(page, 'rtc-owner-changed'), 1);
      }
      assert.deepEqual(await succeeds(b.page, 'getAllParticipants'), ['om-c']);
      assert.deepEqual(await succeeds(c.page, 'getAllParticipants'), ['om-b']);
      // The new owner has the owner's powers; the other participant still has none.
      assert.equal(await fails(c.page, 'setPassword', 'c-pass'), 'NOT_OWNER');
      await succeeds(b.page, 'setPassword', 'b-pass');
      assert.equal(
        ((await succeeds(c.page, 'checkPresence')) as { isPasswordProtected: boolean })
          .isPasswordProtected,
        true,
      );
      await pages.closeAll();
    });

    it('an auto-close room closes for everyone when its owner leaves', async () => {
      const roomId = 'auto-close';
      const a = await pages.open({ roomId, userId: 'ac-a', attributes: { 'auto-close': true } });
      const b = await pages.open({ roomId, userId: 'ac-b' });
      const c = await pages.open({ roomId, userId: 'ac-c' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await succeeds(a.page, 'leave');
      for (const { page } of [b, c]) {
        assert.deepEqual((await waitForEvent(page, 'rtc-session-closed')).detail, { roomId });
        await waitForEvent(page, 'rtc-left');
        assert.equal(await isJoined(page), false);
        assert.equal(await countEvents(page, 'rtc-session-closed'), 1);
        assert.equal(await countEvents(page, 'rtc-owner-changed'), 0);
      }
      assert.equal(
        ((await succeeds(b.page, 'checkPresence')) as { exists: boolean }).exists,
        false,
      );
      await pages.closeAll();
    });

    it('closeEntireSession(): refused to a non-owner; by the owner it ends the room for every page', async () => {
      const roomId = 'close-all';
      const a = await pages.open({ roomId, userId: 'ca-a' });
      const b = await pages.open({ roomId, userId: 'ca-b' });
      const c = await pages.open({ roomId, userId: 'ca-c' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await waitForEvent(b.page, 'rtc-participant-joined', { userId: 'ca-c' });

      assert.equal(await fails(b.page, 'closeEntireSession'), 'NOT_OWNER');
      for (const { page } of [a, b, c]) {
        await roundTrip(page);
        assert.equal(await isJoined(page), true);
        assert.equal(await countEvents(page, 'rtc-session-closed'), 0);
        assert.equal(await countEvents(page, 'rtc-participant-left'), 0);
      }
      assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['ca-b', 'ca-c']);

      assert.equal(await succeeds(a.page, 'closeEntireSession'), undefined);
      for (const { page } of [b, c]) {
        assert.deepEqual((await waitForEvent(page, 'rtc-session-closed')).detail, { roomId });
        await waitForEvent(page, 'rtc-left');
        assert.equal(await isJoined(page), false);
        assert.equal(await countEvents(page, 'rtc-session-closed'), 1);
      }
      assert.equal(await isJoined(a.page), false);
      assert.equal(
        ((await succeeds(b.page, 'checkPresence')) as { exists: boolean }).exists,
        false,
      );
      await pages.closeAll();
    });

    it('a taken user-id gives rtc-error USERID_TAKEN, then the page joins with a fresh id', async () => {
      const roomId = 'uid-taken';
      const a = await pages.open({ roomId, userId: 'same-id' });
      const b = await pages.open({ roomId, userId: 'same-id' });
      await succeeds(a.page, 'open');
      const result = (await succeeds(b.page, 'join')) as { userId: string };
      assert.notEqual(result.userId, 'same-id');
      const recorded = await events(b.page, 'rtc-error');
      assert.deepEqual(
        recorded.map((e) => e.detail['code']),
        ['USERID_TAKEN'],
      );
      const joined = await waitForEvent(b.page, 'rtc-joined');
      assert.deepEqual(joined.detail, { roomId, userId: result.userId, opened: false });
      assert.deepEqual((await waitForEvent(b.page, 'rtc-user-id-changed')).detail, {
        userId: result.userId,
        previousUserId: 'same-id',
      });
      // The error came first, then the join with the new id.
      const order = await b.page.evaluate(() =>
        (window as unknown as { events: { type: string }[] }).events
          .map((e) => e.type)
          .filter((t) => t === 'rtc-error' || t === 'rtc-joined'),
      );
      assert.deepEqual(order, ['rtc-error', 'rtc-joined']);
      await waitForEvent(a.page, 'rtc-participant-joined', { userId: result.userId });
      assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), [result.userId]);
      await pages.closeAll();
    });

    it('changeUserId(): taken ids are refused, a free one renames the user for everyone, nobody gets the owner’s powers', async () => {
      const roomId = 'rename';
      const a = await pages.open({ roomId, userId: 'rn-a' });
      const b = await pages.open({ roomId, userId: 'rn-b' });
      const c = await pages.open({ roomId, userId: 'rn-c' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await waitForEvent(b.page, 'rtc-participant-joined', { userId: 'rn-c' });

      assert.equal(await fails(b.page, 'changeUserId', 'rn-c'), 'USERID_TAKEN');
      // Not even the owner's id, and its powers stay out of reach.
      assert.equal(await fails(b.page, 'changeUserId', 'rn-a'), 'USERID_TAKEN');
      assert.equal(await fails(b.page, 'setPassword', 'x'), 'NOT_OWNER');
      assert.equal(await fails(b.page, 'kick', 'rn-c'), 'NOT_OWNER');
      assert.equal(await fails(b.page, 'closeEntireSession'), 'NOT_OWNER');

      await succeeds(b.page, 'changeUserId', 'rn-b2');
      for (const { page } of [a, c]) {
        const renamed = await waitForEvent(page, 'rtc-participant-renamed');
        assert.deepEqual(renamed.detail, { userId: 'rn-b2', previousUserId: 'rn-b' });
        await roundTrip(page);
        assert.equal(await countEvents(page, 'rtc-participant-renamed'), 1);
        assert.equal(await countEvents(page, 'rtc-participant-left'), 0);
      }
      assert.deepEqual((await waitForEvent(b.page, 'rtc-user-id-changed')).detail, {
        userId: 'rn-b2',
        previousUserId: 'rn-b',
      });
      assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['rn-b2', 'rn-c']);
      assert.deepEqual(await succeeds(c.page, 'getAllParticipants'), ['rn-a', 'rn-b2']);

      // The owner renames; its old id is then free, but taking it gives no power over the room.
      await succeeds(a.page, 'changeUserId', 'rn-a2');
      await waitForEvent(b.page, 'rtc-participant-renamed', { userId: 'rn-a2' });
      await succeeds(b.page, 'changeUserId', 'rn-a');
      await waitForEvent(a.page, 'rtc-participant-renamed', { userId: 'rn-a' });
      assert.equal(await fails(b.page, 'setPassword', 'x'), 'NOT_OWNER');
      assert.equal(await fails(b.page, 'kick', 'rn-c'), 'NOT_OWNER');
      await succeeds(a.page, 'setPassword', 'owner-pass');
      await pages.closeAll();
    });

    it('extra: a change reaches every other page once, getExtraData() has it, <rtc-user-status> shows it', async () => {
      const roomId = 'extra';
      const a = await pages.open({ roomId, userId: 'ex-a', name: 'Alice', userStatus: true });
      const b = await pages.open({ roomId, userId: 'ex-b', name: 'Bob' });
      const c = await pages.open({ roomId, userId: 'ex-c', name: 'Carol', userStatus: true });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await waitForEvent(a.page, 'rtc-participant-joined', { userId: 'ex-c' });
      await waitForEvent(c.page, 'rtc-participant-joined', { userId: 'ex-b' });
      assert.equal(await nameShown(a.page, 'ex-b'), 'Bob');

      // Setting the property.
      await setRoom(b.page, { extra: { name: 'Bobby', color: 'teal' } });
      const first = { userId: 'ex-b', extra: { name: 'Bobby', color: 'teal' } };
      for (const { page } of [a, c]) {
        assert.deepEqual((await waitForEvent(page, 'rtc-extra-updated')).detail, first);
        await roundTrip(page);
        assert.equal(await countEvents(page, 'rtc-extra-updated'), 1);
      }
      assert.deepEqual(await succeeds(a.page, 'getExtraData', 'ex-b'), first.extra);
      await waitForName(a.page, 'ex-b', 'Bobby');
      await waitForName(c.page, 'ex-b', 'Bobby');

      // v3's habit: a new object, then updateExtraData(); still one event each.
      await b.page.evaluate(async () => {
        const room = document.querySelector('rtc-room')!;
        room.extra = { name: 'Rob', color: 'teal' };
        await room.updateExtraData();
        await room.updateComplete;
      });
      const second = { userId: 'ex-b', extra: { name: 'Rob', color: 'teal' } };
      for (const { page } of [a, c]) {
        await waitForEvent(page, 'rtc-extra-updated', second);
        await roundTrip(page);
        assert.equal(await countEvents(page, 'rtc-extra-updated'), 2);
      }
      await waitForName(a.page, 'ex-b', 'Rob');

      // Changed in place, then updateExtraData(), as its documentation says.
      await b.page.evaluate(() => {
        document.querySelector('rtc-room')!.extra['name'] = 'Robert';
      });
      await succeeds(b.page, 'updateExtraData');
      const third = { userId: 'ex-b', extra: { name: 'Robert', color: 'teal' } };
      for (const { page } of [a, c]) {
        await waitForEvent(page, 'rtc-extra-updated', third, { timeout: 5_000 });
        await roundTrip(page);
        assert.equal(await countEvents(page, 'rtc-extra-updated'), 3);
      }
      assert.deepEqual(await succeeds(c.page, 'getExtraData', 'ex-b'), third.extra);
      await waitForName(a.page, 'ex-b', 'Robert');
      await pages.closeAll();
    });

    it('presence: rtc-user-status online once per join and offline once per leave; getAllParticipants()', async () => {
      const roomId = 'presence';
      const a = await pages.open({ roomId, userId: 'ps-a', name: 'Alice' });
      const b = await pages.open({ roomId, userId: 'ps-b', name: 'Bob' });
      const c = await pages.open({ roomId, userId: 'ps-c', name: 'Carol' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      const everyone = [
        { opened: a, id: 'ps-a', name: 'Alice' },
        { opened: b, id: 'ps-b', name: 'Bob' },
        { opened: c, id: 'ps-c', name: 'Carol' },
      ];
      for (const me of everyone) {
        const others = everyone.filter((o) => o !== me);
        for (const other of others) {
          const online = await waitForEvent(me.opened.page, 'rtc-user-status', {
            userId: other.id,
            status: 'online',
          });
          assert.deepEqual(online.detail['extra'], { name: other.name });
        }
        await roundTrip(me.opened.page);
        for (const other of others) {
          assert.equal(
            await countEvents(me.opened.page, 'rtc-user-status', { userId: other.id }),
            1,
          );
        }
        assert.equal(await countEvents(me.opened.page, 'rtc-user-status'), 2);
        assert.deepEqual(
          ((await succeeds(me.opened.page, 'getAllParticipants')) as string[]).sort(),
          others.map((o) => o.id).sort(),
        );
      }

      await succeeds(c.page, 'leave');
      for (const { page } of [a, b]) {
        await waitForEvent(page, 'rtc-user-status', { userId: 'ps-c', status: 'offline' });
        await roundTrip(page);
        assert.equal(
          await countEvents(page, 'rtc-user-status', { userId: 'ps-c', status: 'offline' }),
          1,
        );
        assert.equal(
          await countEvents(page, 'rtc-user-status', { userId: 'ps-c', status: 'online' }),
          1,
        );
      }
      assert.deepEqual(await succeeds(a.page, 'getAllParticipants'), ['ps-b']);
      assert.deepEqual(await succeeds(b.page, 'getAllParticipants'), ['ps-a']);

      // Back again: one more 'online' each.
      await succeeds(c.page, 'join');
      for (const { page } of [a, b]) {
        await waitForEvent(
          page,
          'rtc-user-status',
          { userId: 'ps-c', status: 'online' },
          { count: 2 },
        );
        await roundTrip(page);
        assert.equal(await countEvents(page, 'rtc-user-status', { userId: 'ps-c' }), 3);
      }
      await pages.closeAll();
    });

    it('send(): a 1 MB string and a large JSON object arrive intact and once; 50 quick messages once each, in order', async () => {
      const roomId = 'messages';
      const a = await pages.open({ roomId, userId: 'mg-a' });
      const b = await pages.open({ roomId, userId: 'mg-b' });
      const c = await pages.open({ roomId, userId: 'mg-c' });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'join');
      await waitForPeers(a.page, ['mg-b', 'mg-c']);

      const sent = await a.page.evaluate(async () => {
        const room = document.querySelector('rtc-room')!;
        const api = (window as unknown as { api: { hash(v: unknown): string } }).api;
        // JSON's special characters, accents and a non-BMP character, in 1 MB of varying text.
        const text = Array.from({ length: 40_000 }, (_, i) => `${i}:"é€😀\\n\n{}`)
          .join('|')
          .padEnd(1024 * 1024, '.');
        const object = {
          items: Array.from({ length: 20_000 }, (_, i) => ({
            id: i,
            label: `item ${i} "é"`,
            nested: { even: i % 2 === 0, list: [i, i * 2, null] },
          })),
        };
        await room.send(text);
        await room.send(object);
        await Promise.all(Array.from({ length: 50 }, (_, i) => room.send(`quick ${i}`)));
        await room.send('only for B', 'mg-b');
        await room.send('end');
        return { text: api.hash(text), object: api.hash(object), length: text.length };
      });
      assert.ok(sent.length >= 1024 * 1024);
      const quick = await Promise.all(
        Array.from({ length: 50 }, (_, i) => digest(a.page, `quick ${i}`)),
      );
      const onlyB = await digest(a.page, 'only for B');
      const end = await digest(a.page, 'end');
      const fromA = (kind: string, value: string) => ({ userId: 'mg-a', kind, digest: value });
      for (const { page } of [b, c]) {
        // Everything sent before 'end' on the ordered channel has arrived once it has.
        await waitForEvent(page, 'rtc-message', { data: 'end' });
        assert.deepEqual(await receivedMessages(page), [
          fromA('string', sent.text),
          fromA('object', sent.object),
          ...quick.map((q) => fromA('string', q)),
          ...(page === b.page ? [fromA('string', onlyB)] : []),
          fromA('string', end),
        ]);
      }
      await pages.closeAll();
    });

    it('custom-event: sendCustom() and getSocket() reach the other pages of the room, never another room', async () => {
      const attributes = { 'custom-event': 'app-event' };
      const a = await pages.open({ roomId: 'custom-x', userId: 'ce-a', attributes });
      const b = await pages.open({ roomId: 'custom-x', userId: 'ce-b', attributes });
      const c = await pages.open({ roomId: 'custom-y', userId: 'ce-c', attributes });
      await succeeds(a.page, 'open');
      await succeeds(b.page, 'join');
      await succeeds(c.page, 'open');

      await succeeds(a.page, 'sendCustom', { hello: 'room', n: 1 });
      assert.deepEqual((await waitForEvent(b.page, 'rtc-custom-message')).detail, {
        data: { hello: 'room', n: 1 },
      });
      // v3 style: emit the event on the room's socket.
      await a.page.evaluate(() => {
        document.querySelector('rtc-room')!.getSocket()!.emit('app-event', { via: 'socket' });
      });
      await waitForEvent(b.page, 'rtc-custom-message', { data: { via: 'socket' } });
      // From the other room: its sender's next request is answered after the event was handled,
      // and A's and B's requests after that are answered after anything it could have sent them.
      await succeeds(c.page, 'sendCustom', { from: 'custom-y' });
      await roundTrip(c.page);
      for (const { page } of [a, b]) await roundTrip(page);
      assert.equal(await countEvents(a.page, 'rtc-custom-message'), 0);
      assert.equal(await countEvents(b.page, 'rtc-custom-message'), 2);
      assert.equal(await countEvents(c.page, 'rtc-custom-message'), 0);
      await pages.closeAll();
    });

    it('socket-query values reach the server’s connection hook', async () => {
      const server = await startSignaling();
      const queries: Record<string, unknown>[] = [];
      server.io.on('connection', (socket) => {
        queries.push({ ...socket.handshake.query });
      });
      try {
        const a = await pages.open({
          roomId: 'query',
          userId: 'sq-a',
          socketUrl: server.url,
          attributes: { 'socket-query': JSON.stringify({ token: 't-123', tenant: 'acme' }) },
        });
        await succeeds(a.page, 'open');
        const mine = queries.filter((q) => q['userid'] === 'sq-a');
        assert.equal(mine.length, 1);
        assert.equal(mine[0]!['token'], 't-123');
        assert.equal(mine[0]!['tenant'], 'acme');
        assert.equal(mine[0]!['sessionid'], 'query');
        await pages.closeAll();
      } finally {
        await server.close();
      }
    });
  },
);

/** No password, and no field named like one but `isPasswordProtected`, anywhere in a value. */
function assertNoPassword(value: unknown, secret: string): void {
  const json = JSON.stringify(value);
  assert.ok(!json.includes(secret), 'the password is not in the answer');
  const keys = [...json.matchAll(/"([^"]+)":/g)].map((m) => m[1]!);
  assert.deepEqual(
    keys.filter((k) => /pass|hash|salt/i.test(k) && k !== 'isPasswordProtected'),
    [],
  );
}

/** The name <rtc-user-status> shows for a user. */
function nameShown(page: Page, userId: string): Promise<string | undefined> {
  return page.evaluate(
    (userId) =>
      document
        .querySelector('rtc-user-status')!
        .shadowRoot!.querySelector(`[data-user-id="${CSS.escape(userId)}"] [part="name"]`)
        ?.textContent.trim(),
    userId,
  );
}

/** Waits until <rtc-user-status> shows that name for the user. */
async function waitForName(page: Page, userId: string, name: string): Promise<void> {
  await page
    .waitForFunction(
      ({ userId, name }) =>
        document
          .querySelector('rtc-user-status')!
          .shadowRoot!.querySelector(`[data-user-id="${CSS.escape(userId)}"] [part="name"]`)
          ?.textContent.trim() === name,
      { userId, name },
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  assert.equal(await nameShown(page, userId), name);
}
