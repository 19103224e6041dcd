/**
 * Scalable broadcast rooms (`relayLimit`): the server places viewers in a relay tree, tells each
 * whom to receive from, routes join requests to the parent only, heals the tree when a relay
 * leaves, and counts viewers for the broadcaster. On one node and on two nodes sharing Redis.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
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

/** One node, or two nodes on Redis (viewers alternate between them). */
const SETUPS: [string, () => Promise<{ url: string }[]>][] = [
  ['one node', async () => [await startTestServer()]],
  [
    'two nodes on Redis',
    async () => [
      await startTestServer({ redisUrl: redis.url }),
      await startTestServer({ redisUrl: redis.url }),
    ],
  ],
];

for (const [name, setup] of SETUPS) {
  describe(`scalable broadcast (${name})`, () => {
    afterEach(cleanup);

    it('places 7 viewers two per relay (three levels), heals when a relay leaves, counts viewers', async () => {
      const nodes = await setup();
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
  });
}
