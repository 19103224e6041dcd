/**
 * Several nodes on one Redis, each its own process (`rtc-elements-server` with REDIS_URL): a room
 * spans nodes; presence, room-full, passwords, public lists, ids and moderation agree on every
 * node; a node killed without a word is cleaned up within 15 s; a node stopped with SIGTERM tells
 * its clients to reconnect elsewhere and its users leave at once.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { LEGACY_ERRORS, ROOM_ERRORS } from '../../src/protocol/index.js';
import { startNode, type NodeProcess } from '../support/nodes.js';
import { startRedis, type RunningRedis } from '../support/redis.js';
import { cleanup, publicRoom, uid, user, waitUntil, type Client } from './helpers.js';

let redis: RunningRedis;
/** Every node: the shared Redis, and a short grace period for dropped rtc-elements users. */
const GRACE_MS = 3000;
const ENV = () => ({ REDIS_URL: redis.url, RECONNECT_GRACE_MS: String(GRACE_MS) });
let nodes: NodeProcess[] = [];
let a: NodeProcess, b: NodeProcess, c: NodeProcess;

before(async () => {
  redis = await startRedis();
  nodes = await Promise.all([1, 2, 3].map(() => startNode(ENV())));
  [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
});

after(async () => {
  await cleanup();
  await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
  await redis.close();
});

/** The user id a test client connected with. */
const idOf = (client: Client) =>
  String((client.socket.io.opts.query as Record<string, string>)['userid']);

describe('a room across three nodes', () => {
  afterEach(cleanup);

  it('members on different nodes see each other, relay, and agree on presence and lists', async () => {
    const identifier = uid('lobby');
    const roomid = uid('span');
    const owner = await user(a, uid('owner'), { name: 'O' });
    const onB = await user(b, uid('b'), { name: 'B' }, { rtcElements: '1' });
    const onC = await user(c, uid('c'), { name: 'C' });
    assert.deepEqual(await owner.openRoom(roomid, { identifier, password: 'pw' }), [true]);
    assert.deepEqual(await onB.joinRoom(roomid, { password: 'pw' }), [true]);
    assert.deepEqual(await onC.joinRoom(roomid, { password: 'pw' }), [true]);

    // Everyone learns about everyone, with extras, whatever node they are on.
    await owner.waitFor('user-connected', (id) => id === idOf(onC));
    assert.deepEqual(await onB.waitFor('user-connected', (id) => id === idOf(owner)), [
      idOf(owner),
      { name: 'O' },
    ]);
    assert.deepEqual(await onC.waitFor('user-connected', (id) => id === idOf(onB)), [
      idOf(onB),
      { name: 'B' },
    ]);
    assert.deepEqual(await onB.waitFor('room-info'), [roomid, { owner: idOf(owner) }]);

    // Relays cross nodes, with the sender the server knows.
    owner.relay(idOf(onB), { hop: 'a->b' });
    onB.relay(idOf(onC), { hop: 'b->c' });
    onC.relay(idOf(owner), { hop: 'c->a' });
    assert.equal((await onB.waitForRelay()).sender, idOf(owner));
    assert.equal((await onC.waitForRelay()).sender, idOf(onB));
    assert.equal((await owner.waitForRelay()).sender, idOf(onC));

    // Presence, extras and the public list read the same on every node.
    for (const client of [owner, onB, onC]) {
      assert.deepEqual(await client.checkPresence(roomid), [
        true,
        roomid,
        { name: 'O', _room: { isFull: false, isPasswordProtected: true } },
      ]);
      const listed = await publicRoom(client, identifier, roomid);
      assert.deepEqual(listed?.participants, [idOf(owner), idOf(onB), idOf(onC)]);
    }
    assert.deepEqual(await onC.request('get-remote-user-extra-data', idOf(onB)), [
      { name: 'B' },
      idOf(onB),
    ]);
    onB.emit('extra-data-updated', { name: 'B2' });
    assert.deepEqual(await onC.waitFor('extra-data-updated'), [idOf(onB), { name: 'B2' }]);
    assert.deepEqual(await owner.request('get-remote-user-extra-data', idOf(onB)), [
      { name: 'B2' },
      idOf(onB),
    ]);
    // v3's presence probe sees members on other nodes.
    const probe = await owner.request(owner.messageEvent, {
      remoteUserId: 'system',
      sender: idOf(owner),
      message: { detectPresence: true, userid: idOf(onC) },
    });
    assert.deepEqual(probe, [true, idOf(onC)]);

    // Passwords are checked on every node against the one hash.
    const wrong = await user(c, uid('wrong'));
    assert.deepEqual(await wrong.joinRoom(roomid, { password: 'nope' }), [
      false,
      LEGACY_ERRORS.INVALID_PASSWORD,
    ]);
    assert.deepEqual(await wrong.request('is-valid-password', 'pw', roomid), [true, roomid, false]);
  });

  it('never over-fills a room when nine users on three nodes join at once', async () => {
    const roomid = uid('race');
    const owner = await user(a, uid('owner'));
    assert.deepEqual(await owner.openRoom(roomid, {}), [true]);
    const joiners = await Promise.all(
      Array.from({ length: 9 }, (_, i) => user([a, b, c][i % 3]!, uid('joiner'), undefined, {})),
    );
    // maxParticipantsAllowed is the opener's: reopen with a limit of 2 others.
    assert.deepEqual(await owner.request('close-entire-session'), [true]);
    const limited = await user(b, uid('owner2'), undefined, {
      maxParticipantsAllowed: '2',
      rtcElements: '1',
    });
    assert.deepEqual(await limited.openRoom(roomid, {}), [true]);
    const acks = await Promise.all(joiners.map((j) => j.joinRoom(roomid)));
    assert.equal(acks.filter(([ok]) => ok === true).length, 2);
    assert.equal(
      acks.filter(([ok, error]) => ok === false && error === LEGACY_ERRORS.ROOM_FULL).length,
      7,
    );
    for (const node of [a, b, c]) {
      const probe = await user(node, uid('probe'));
      assert.deepEqual((await probe.checkPresence(roomid))[2], {
        _room: { isFull: true, isPasswordProtected: false },
      });
    }
  });

  it('keeps user ids unique across nodes (connect and changed-uuid)', async () => {
    const id = uid('unique');
    // Connected is not yet registered: the id is claimed in the store after the handshake, so
    // the first holder's round trip makes sure it holds the id before its twin asks for it.
    await (await user(a, id)).barrier();
    const twin = await user(b, id);
    assert.equal((await twin.waitFor('userid-already-taken'))[0], id);
    const other = await user(c, uid('other'));
    assert.deepEqual(await other.request('changed-uuid', id), [false, ROOM_ERRORS.USERID_TAKEN]);
    // Renaming on one node frees the old id on every node and reaches peers elsewhere.
    const roomid = uid('rename');
    const peer = await user(a, uid('peer'));
    assert.deepEqual(await other.openRoom(roomid, {}), [true]);
    assert.deepEqual(await peer.joinRoom(roomid), [true]);
    const renamed = uid('renamed');
    const oldId = idOf(other);
    assert.deepEqual(await other.request('changed-uuid', renamed), [true]);
    const notice = await peer.waitForRelay();
    assert.deepEqual(notice.message, { changedUUID: true, oldUUID: oldId, newUUID: renamed });
    const again = await user(b, oldId);
    await again.barrier();
    assert.equal(again.count('userid-already-taken'), 0);
    // A relay to the old id still arrives (the alias is shared).
    peer.relay(oldId, { late: true });
    assert.deepEqual((await other.waitForRelay((e) => e.sender === idOf(peer))).message, {
      late: true,
    });
  });

  it('moderates across nodes: approval, kick, owner moving on, closing the room', async () => {
    const roomid = uid('mod');
    const owner = await user(a, uid('owner'), { name: 'O' }, { rtcElements: '1' });
    const asker = await user(b, uid('asker'), undefined, { rtcElements: '1' });
    const third = await user(c, uid('third'), undefined, { rtcElements: '1' });
    assert.deepEqual(await owner.openRoom(roomid, { approveJoins: true }), [true]);
    const asking = asker.joinRoom(roomid);
    const [requester] = await owner.waitFor('participation-request');
    assert.equal(requester, idOf(asker));
    owner.emit('participation-decision', idOf(asker), true);
    assert.deepEqual(await asking, [true]);
    const thirdAsking = third.joinRoom(roomid);
    await owner.waitFor('participation-request', (id) => id === idOf(third));
    owner.emit('participation-decision', idOf(third), true);
    assert.deepEqual(await thirdAsking, [true]);

    // Kick a user on another node: it learns why, the others see it go.
    assert.deepEqual(await owner.request('kick-user', idOf(asker)), [true]);
    assert.deepEqual(await asker.waitFor('kicked'), [roomid, idOf(owner)]);
    await third.waitFor('user-disconnected', (id) => id === idOf(asker));
    assert.deepEqual(await asker.request('check-presence', roomid), [
      true,
      roomid,
      { name: 'O', _room: { isFull: false, isPasswordProtected: false } },
    ]);

    // The owner leaves: ownership moves to the user on node C, and everyone hears it.
    owner.close();
    assert.deepEqual(await third.waitFor('owner-changed'), [roomid, idOf(third)]);
    assert.deepEqual(await third.waitFor('set-isInitiator-true'), [roomid]);

    // The new owner closes the room: the member on another node is out.
    const late = await user(a, uid('late'), undefined, { rtcElements: '1' });
    const lateAsking = late.joinRoom(roomid);
    await third.waitFor('participation-request', (id) => id === idOf(late));
    third.emit('participation-decision', idOf(late), true);
    assert.deepEqual(await lateAsking, [true]);
    assert.deepEqual(await third.request('close-entire-session'), [true]);
    assert.equal((await late.waitFor('closed-entire-session'))[0], roomid);
    assert.equal((await late.checkPresence(roomid))[0], false);
  });
});

describe('nodes going away', () => {
  afterEach(cleanup);

  it('SIGTERM: reconnect-elsewhere; rtc-elements users resume on another node unseen, v3 users leave at once; exit 0', async () => {
    const draining = await startNode(ENV());
    nodes.push(draining);
    const roomid = uid('drain');
    const ownerId = uid('owner');
    const owner = await user(draining, ownerId, undefined, { rtcElements: '1' });
    const [session] = (await owner.waitFor('session')) as [{ resumeToken: string }];
    const legacyId = uid('legacy');
    const legacy = await user(draining, legacyId);
    const member = await user(a, uid('member'));
    assert.deepEqual(await owner.openRoom(roomid, {}), [true]);
    assert.deepEqual(await legacy.joinRoom(roomid), [true]);
    assert.deepEqual(await member.joinRoom(roomid), [true]);
    const reason = new Promise((resolve) => owner.socket.once('disconnect', resolve));
    const started = Date.now();
    const code = draining.kill('SIGTERM');
    assert.deepEqual(await owner.waitFor('reconnect-elsewhere'), [{ retryAfterMs: 0 }]);
    // The transport closes (no disconnect packet), so socket.io clients reconnect by themselves.
    assert.equal(await reason, 'transport close');
    // The v3 user cannot resume: the room hears it leave at once.
    await member.waitFor('user-disconnected', (id) => id === legacyId);
    assert.ok(Date.now() - started < 3000, `left after ${Date.now() - started} ms`);
    assert.equal(await code, 0);
    // The rtc-elements owner comes back on another node with its secret: same id, same room,
    // still the owner, and nobody saw it leave.
    const back = await user(b, ownerId, undefined, {
      rtcElements: '1',
      resume: session.resumeToken,
    });
    const [resumed] = (await back.waitFor('session')) as [Record<string, unknown>];
    assert.equal(resumed['resumed'], true);
    assert.equal(resumed['roomId'], roomid);
    member.relay(ownerId, { after: 'drain' });
    assert.equal((await back.waitForRelay()).sender, idOf(member));
    assert.deepEqual((await member.checkPresence(roomid))[0], true);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1000));
    assert.equal(member.count('user-disconnected'), 1, 'only the v3 user left');
    assert.equal(member.count('owner-changed'), 0);
  });

  it('a killed node: its users leave within 15 s plus the grace period, ownership moves; a user that resumes in time stays', async () => {
    const doomed = await startNode(ENV());
    nodes.push(doomed);
    const roomid = uid('dead');
    const ownerId = uid('owner');
    const owner = await user(doomed, ownerId, { name: 'doomed' }, { rtcElements: '1' });
    const survivorId = uid('survivor');
    const survivor = await user(doomed, survivorId, undefined, { rtcElements: '1' });
    const [session] = (await survivor.waitFor('session')) as [{ resumeToken: string }];
    const onB = await user(b, uid('b'), undefined, { rtcElements: '1' });
    const onC = await user(c, uid('c'), undefined, { rtcElements: '1' });
    assert.deepEqual(await owner.openRoom(roomid, {}), [true]);
    for (const client of [survivor, onB, onC])
      assert.deepEqual(await client.joinRoom(roomid), [true]);
    const started = Date.now();
    await doomed.kill('SIGKILL');
    // One of the dead node's users reconnects to node C with its secret.
    const back = await waitUntil(
      async () => {
        const attempt = await user(c, survivorId, undefined, {
          rtcElements: '1',
          resume: session.resumeToken,
        });
        return attempt;
      },
      () => true,
      'the survivor to reconnect',
    );
    const [resumed] = (await back.waitFor('session')) as [Record<string, unknown>];
    assert.deepEqual([resumed['resumed'], resumed['roomId']], [true, roomid]);
    for (const client of [onB, onC]) {
      await client.waitFor('user-disconnected', (id) => id === ownerId, 15_000 + GRACE_MS);
      const [, newOwner] = await client.waitFor('owner-changed');
      assert.ok([survivorId, idOf(onB)].includes(String(newOwner)));
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 15_000 + GRACE_MS, `cleaned up after ${elapsed} ms`);
    console.log(`# dead node cleaned up after ${elapsed} ms (grace ${GRACE_MS} ms)`);
    // The survivor never left; the room lives on; the dead owner's id is free again.
    for (const client of [onB, onC])
      assert.equal(client.all('user-disconnected').filter(([id]) => id === survivorId).length, 0);
    assert.equal((await onC.checkPresence(roomid))[0], true);
    onB.relay(survivorId, { still: 'here' });
    assert.equal((await back.waitForRelay()).sender, idOf(onB));
    const reborn = await user(c, ownerId);
    await reborn.barrier();
    assert.equal(reborn.count('userid-already-taken'), 0);
  });
});
