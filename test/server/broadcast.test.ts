/**
 * Scalable broadcast rooms (`relayLimit`): the server places viewers in a relay tree, tells each
 * whom to receive from, routes join requests to the parent only, heals the tree when a relay
 * leaves or its connection drops (and places it again when it resumes), counts viewers for the
 * broadcaster, and ends the broadcast with the broadcaster. On one node and on two nodes sharing
 * Redis.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { BroadcastTree, type TreeState } from '../../server/broadcast/tree.js';
import type { AppOptions, RunningServer } from '../../server/index.js';
import { startRedis, type RunningRedis } from '../support/redis.js';
import { cleanup, startTestServer, uid, user, type Client } from './helpers.js';

const modern = { rtcElements: '1' };

let redis: RunningRedis;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.close();
});

interface Setup {
  nodes: RunningServer[];
  /** The room's relay tree as the store holds it (undefined when there is none). */
  tree: (roomid: string) => Promise<TreeState | undefined>;
}

/** One node, or two nodes on Redis (viewers alternate between them). */
const SETUPS: [string, (options?: AppOptions) => Promise<Setup>][] = [
  [
    'one node',
    async (options = {}) => {
      const node = await startTestServer(options);
      return { nodes: [node], tree: (roomid) => node.hub.broadcastTree(roomid) };
    },
  ],
  [
    'two nodes on Redis',
    async (options = {}) => {
      const nodes = [
        await startTestServer({ ...options, redisUrl: redis.url }),
        await startTestServer({ ...options, redisUrl: redis.url }),
      ];
      // Either node reads the tree from Redis.
      return { nodes, tree: (roomid) => nodes[1]!.hub.broadcastTree(roomid) };
    },
  ],
];

interface Broadcast {
  roomid: string;
  casterId: string;
  caster: Client;
  /** v1, v2, ... in joining order. */
  ids: string[];
  viewers: Client[];
}

const ONE_WAY = { video: true, oneway: true, broadcast: true };

/**
 * Opens a broadcast at relay limit 2 and joins `count` viewers (alternating between the nodes);
 * resolves once each has its parent and the broadcaster has the count. With 7 viewers:
 * caster → v1, v2; v1 → v3, v4; v2 → v5, v6; v3 → v7.
 */
async function broadcast(
  nodes: { url: string }[],
  { session = ONE_WAY, count = 7 }: { session?: Record<string, unknown>; count?: number } = {},
): Promise<Broadcast> {
  const roomid = uid('cast');
  const casterId = uid('caster');
  const caster = await user(nodes[0]!, casterId, { name: 'caster' }, modern);
  assert.deepEqual(await caster.openRoom(roomid, { relayLimit: 2, session }), [true]);
  const ids = Array.from({ length: count }, (_, i) => uid(`v${i + 1}`));
  const viewers: Client[] = [];
  for (const [i, id] of ids.entries()) {
    const viewer = await user(nodes[i % nodes.length]!, id, undefined, modern);
    assert.deepEqual(await viewer.joinRoom(roomid), [true]);
    viewers.push(viewer);
  }
  await Promise.all(viewers.map((viewer) => viewer.waitFor('broadcast-parent')));
  await caster.waitFor('number-of-broadcast-viewers-updated', (info) => viewersIn(info) === count);
  return { roomid, casterId, caster, ids, viewers };
}

const viewersIn = (info: unknown) =>
  (info as { numberOfBroadcastViewers: number }).numberOfBroadcastViewers;
const sessionOf = async (client: Client) =>
  ((await client.waitFor('session')) as [{ resumeToken: string; resumed: boolean }])[0];
/** Drops the connection the way a network does: no disconnect packet. */
const drop = (client: Client) => client.socket.io.engine.close();
/** Whether `from`'s room has `userid` in it (v3's presence probe). */
const present = async (from: Client, userid: string) =>
  (
    await from.request(from.messageEvent, {
      remoteUserId: 'system',
      sender: 'whoever',
      message: { detectPresence: true, userid },
    })
  )[0];

for (const [name, setup] of SETUPS) {
  describe(`scalable broadcast (${name})`, () => {
    afterEach(cleanup);

    it('places 7 viewers two per relay (three levels), heals when a relay leaves, counts viewers', async () => {
      const { nodes } = await setup();
      const roomid = uid('cast');
      const casterId = uid('caster');
      const caster = await user(nodes[0]!, casterId, { name: 'caster' }, modern);
      assert.deepEqual(
        await caster.openRoom(roomid, {
          relayLimit: 2,
          session: { video: true, oneway: true, broadcast: true },
        }),
        [true],
      );
      const ids = [1, 2, 3, 4, 5, 6, 7].map((i) => uid(`v${i}`));
      const viewers: Client[] = [];
      for (const [i, id] of ids.entries()) {
        const viewer = await user(nodes[i % nodes.length]!, id, undefined, modern);
        assert.deepEqual(await viewer.joinRoom(roomid), [true]);
        viewers.push(viewer);
      }
      const parentOf = async (viewer: Client) =>
        (await viewer.waitFor('broadcast-parent'))[1] as string;
      const [v1, v2, v3, , , , v7] = ids as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      assert.deepEqual(await Promise.all(viewers.map(parentOf)), [
        casterId,
        casterId,
        v1,
        v1,
        v2,
        v2,
        v3,
      ]);
      // Viewers hear of the broadcaster and their parent only; the broadcaster of everyone.
      await viewers[6]!.barrier();
      assert.deepEqual(
        viewers[6]!
          .all('user-connected')
          .map(([id]) => id)
          .sort(),
        [casterId, v3].sort(),
      );
      await caster.waitFor(
        'number-of-broadcast-viewers-updated',
        (info) => (info as { numberOfBroadcastViewers: number }).numberOfBroadcastViewers === 7,
      );
      for (const client of [caster, viewers[3]!])
        assert.deepEqual(
          await client.request('get-number-of-users-in-specific-broadcast', roomid),
          [7],
        );

      // A viewer's join request reaches its parent alone.
      viewers[6]!.relay(roomid, { newParticipationRequest: true, rtcElements: 1 });
      const request = await viewers[2]!.waitForRelay((e) => e.sender === v7);
      assert.equal(request.remoteUserId, v3);
      for (const other of [caster, viewers[0]!, viewers[1]!]) {
        await other.barrier();
        assert.equal(other.relays().filter((e) => e.sender === v7).length, 0);
      }

      // v1 (relaying to v3 and v4) leaves: both get a new parent; v7 stays under v3.
      viewers[0]!.close();
      assert.equal(
        (await viewers[2]!.waitFor('broadcast-parent', (_room, parent) => parent === casterId))[1],
        casterId,
      );
      assert.equal(
        (await viewers[3]!.waitFor('broadcast-parent', (_room, parent) => parent !== v1))[1],
        v3,
      );
      await viewers[6]!.barrier();
      assert.equal(viewers[6]!.count('broadcast-parent'), 1);
      await caster.waitFor(
        'number-of-broadcast-viewers-updated',
        (info) => (info as { numberOfBroadcastViewers: number }).numberOfBroadcastViewers === 6,
      );

      // The broadcaster leaves: the broadcast is over for everyone.
      caster.close();
      for (const viewer of viewers.slice(1))
        assert.equal((await viewer.waitFor('closed-entire-session'))[0], roomid);
      assert.deepEqual(
        await viewers[1]!.request('get-number-of-users-in-specific-broadcast', roomid),
        [0],
      );
    });

    it('a relay or the broadcaster taking a new id (changed-uuid) keeps its place in the tree', async () => {
      const { nodes, tree } = await setup();
      // caster → v1, v2; v1 → v3
      const { roomid, caster, ids, viewers } = await broadcast(nodes, { count: 3 });
      const [, v2, v3] = ids as [string, string, string];
      const renamedCaster = uid('caster-renamed');
      const renamedV1 = uid('v1-renamed');
      assert.deepEqual(await caster.request('changed-uuid', renamedCaster), [true]);
      assert.deepEqual(await viewers[0]!.request('changed-uuid', renamedV1), [true]);
      assert.deepEqual((await tree(roomid))?.broadcaster, renamedCaster);
      assert.deepEqual(
        (await tree(roomid))?.members.map(([id, parent]) => [id, parent]),
        [
          [renamedCaster, null],
          [renamedV1, renamedCaster],
          [v2, renamedCaster],
          [v3, renamedV1],
        ],
      );
      // A new viewer is placed under the new ids; the count reaches the renamed broadcaster.
      const v4 = await user(nodes[nodes.length - 1]!, uid('v4'), undefined, modern);
      assert.deepEqual(await v4.joinRoom(roomid), [true]);
      assert.deepEqual(await v4.waitFor('broadcast-parent'), [roomid, renamedV1]);
      await caster.waitFor('number-of-broadcast-viewers-updated', (info) => viewersIn(info) === 4);
      // The renamed relay leaves: its children move up.
      viewers[0]!.close();
      assert.deepEqual(
        await viewers[2]!.waitFor('broadcast-parent', (_room, p) => p === renamedCaster, 2000),
        [roomid, renamedCaster],
      );
      await caster.waitFor('number-of-broadcast-viewers-updated', (info) => viewersIn(info) === 3);
      // The renamed broadcaster leaves: the broadcast ends for everyone.
      caster.close();
      for (const viewer of [viewers[1]!, viewers[2]!, v4])
        assert.equal((await viewer.waitFor('closed-entire-session'))[0], roomid);
      assert.equal(await tree(roomid), undefined);
    });

    it('a relay whose connection drops leaves the tree at once (its children move), not the room', async () => {
      const { nodes, tree } = await setup({ reconnectGraceMs: 10_000 });
      const { roomid, casterId, caster, ids, viewers } = await broadcast(nodes);
      const [v1, , v3, v4] = ids as [string, string, string, string];
      const dropped = Date.now();
      drop(viewers[0]!);
      // Its children get new parents now, not after the grace period.
      const moved = (viewer: Client, parent: string) =>
        viewer.waitFor('broadcast-parent', (_room, p) => p === parent, 2000);
      assert.deepEqual(await moved(viewers[2]!, casterId), [roomid, casterId]);
      assert.deepEqual(await moved(viewers[3]!, v3), [roomid, v3]);
      assert.ok(Date.now() - dropped < 2000, `healed after ${Date.now() - dropped} ms`);
      await caster.waitFor('number-of-broadcast-viewers-updated', (info) => viewersIn(info) === 6);
      const state = BroadcastTree.fromState((await tree(roomid))!);
      assert.equal(state.has(v1), false);
      assert.equal(state.viewerCount, 6);
      assert.deepEqual(state.childrenOf(v3).sort(), [ids[6]!, v4].sort());
      assert.deepEqual(
        await caster.request('get-number-of-users-in-specific-broadcast', roomid),
        [6],
      );
      // Still in the room for the grace period: nobody hears it leave; v7 keeps its parent.
      assert.equal(await present(viewers[1]!, v1), true);
      for (const client of [caster, ...viewers.slice(1)]) {
        await client.barrier();
        assert.equal(client.count('user-disconnected'), 0);
      }
      assert.equal(viewers[6]!.count('broadcast-parent'), 1);
    });

    it('a member that resumes is placed in the tree again (once); the broadcaster keeps the root', async () => {
      const { nodes, tree } = await setup({ reconnectGraceMs: 10_000 });
      const { roomid, casterId, caster, ids, viewers } = await broadcast(nodes);
      const [v1, , , v4] = ids as [string, string, string, string];
      const { resumeToken } = await sessionOf(viewers[0]!);
      const casterToken = (await sessionOf(caster)).resumeToken;
      drop(viewers[0]!);
      await caster.waitFor('number-of-broadcast-viewers-updated', (info) => viewersIn(info) === 6);
      caster.received.length = 0;
      // Back (on the other node, with two): under the shallowest member with room, v4.
      const back = await user(nodes[1 % nodes.length]!, v1, undefined, {
        ...modern,
        resume: resumeToken,
      });
      assert.deepEqual(await back.waitFor('broadcast-parent'), [roomid, v4]);
      assert.equal(back.received[0]?.event, 'session');
      assert.equal((await sessionOf(back)).resumed, true);
      await caster.waitFor('number-of-broadcast-viewers-updated', (info) => viewersIn(info) === 7);
      const state = (await tree(roomid))!;
      assert.equal(state.members.filter(([id]) => id === v1).length, 1);
      assert.equal(BroadcastTree.fromState(state).parentOf(v1), v4);
      assert.equal(BroadcastTree.fromState(state).viewerCount, 7);
      assert.deepEqual(
        await back.request('get-number-of-users-in-specific-broadcast', roomid),
        [7],
      );
      await back.barrier();
      assert.equal(back.count('broadcast-parent'), 1);

      // The broadcaster drops and resumes: still the root, nothing moves, the broadcast goes on.
      drop(caster);
      const resume = { ...modern, resume: casterToken };
      const casterBack = await user(nodes[0]!, casterId, { name: 'caster' }, resume);
      assert.equal((await sessionOf(casterBack)).resumed, true);
      await casterBack.barrier();
      assert.equal(casterBack.count('broadcast-parent'), 0);
      assert.deepEqual(await tree(roomid), state);
      for (const viewer of [back, ...viewers.slice(1)]) {
        await viewer.barrier();
        assert.equal(viewer.count('closed-entire-session'), 0);
        assert.equal(viewer.count('user-disconnected'), 0);
      }
    });

    it('the broadcast ends with its broadcaster (leaving, or its grace period ending): the room closes for everyone', async () => {
      const { nodes, tree } = await setup({ reconnectGraceMs: 500 });
      // Not a one-way session: relayLimit alone makes the room close with its owner.
      const { roomid, caster, ids, viewers } = await broadcast(nodes, {
        session: { audio: true, video: true },
      });
      caster.close();
      for (const viewer of viewers) {
        assert.deepEqual(await viewer.waitFor('closed-entire-session'), [
          roomid,
          { name: 'caster' },
        ]);
        assert.equal(viewer.count('owner-changed'), 0);
      }
      assert.deepEqual(await viewers[0]!.checkPresence(roomid), [
        false,
        roomid,
        { _room: { isFull: false, isPasswordProtected: false } },
      ]);
      assert.deepEqual(
        await viewers[0]!.request('get-number-of-users-in-specific-broadcast', roomid),
        [0],
      );
      assert.equal(await tree(roomid), undefined);
      // Everyone is out of the room: relays between the old room-mates are refused.
      viewers[1]!.relay(ids[2], { after: 'the close' });
      await viewers[1]!.barrier();
      await viewers[2]!.barrier();
      assert.equal(viewers[2]!.relays().length, 0);
      // The room id is free: a new broadcaster opens it, with a fresh tree.
      const nextId = uid('caster');
      const next = await user(nodes[nodes.length - 1]!, nextId, undefined, modern);
      assert.deepEqual(await next.openRoom(roomid, { relayLimit: 2 }), [true]);
      assert.deepEqual(await viewers[0]!.joinRoom(roomid), [true]);
      assert.deepEqual(
        await viewers[0]!.waitFor('broadcast-parent', (_room, parent) => parent === nextId),
        [roomid, nextId],
      );
      assert.deepEqual((await tree(roomid))?.members, [
        [nextId, null, 0],
        [ids[0], nextId, 1],
      ]);

      // A broadcaster whose connection drops keeps the broadcast for its grace period only.
      const second = await broadcast(nodes, { count: 2 });
      const dropped = Date.now();
      drop(second.caster);
      for (const viewer of second.viewers)
        assert.equal((await viewer.waitFor('closed-entire-session'))[0], second.roomid);
      assert.ok(Date.now() - dropped >= 400, `closed after ${Date.now() - dropped} ms`);
      assert.equal(await tree(second.roomid), undefined);
      assert.deepEqual(await second.viewers[0]!.checkPresence(second.roomid), [
        false,
        second.roomid,
        { _room: { isFull: false, isPasswordProtected: false } },
      ]);
    });
  });
}
