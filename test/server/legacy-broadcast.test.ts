/**
 * RTCMultiConnection 3.7's scalable-broadcast events (its Scalable-Broadcast demos), served on the
 * relay tree: the flow a 3.7.1 page runs, as socket.io clients, on one node and on two Redis nodes.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup, uid, user, waitUntil, type Client } from './helpers.js';
import { useTopologies } from './topologies.js';

/** A 3.7.1 page of the demo: its handshake says scalable broadcast, one child per relay. */
const page = (node: { url: string }, userid: string) =>
  user(node, userid, undefined, { enableScalableBroadcast: 'true', maxRelayLimitPerUser: '1' });

const STREAMS = { audio: true, video: true, oneway: true };

/** What the demo does on "Open or Join": asks, then joins the room of whoever it is told. */
async function openOrJoin(client: Client, broadcastId: string, userid: string): Promise<string> {
  const [exists] = await client.request('check-broadcast-presence', broadcastId);
  const claimed = exists ? userid : broadcastId;
  client.emit('join-broadcast', { broadcastId, userid: claimed, typeOfStreams: STREAMS });
  const [event, args] = await Promise.race([
    client.waitFor('start-broadcasting').then((a) => ['start', a] as const),
    client.waitFor('join-broadcaster').then((a) => ['join', a] as const),
  ]);
  const extra = { broadcastId };
  if (event === 'start') {
    assert.deepEqual(await client.openRoom(broadcastId, { session: STREAMS, extra }), [true]);
    return broadcastId;
  }
  const { userid: parent } = args[0] as { userid: string };
  // 3.7.1's join(parent): join-room names the parent; the server takes extra.broadcastId.
  assert.deepEqual(await client.joinRoom(parent, { session: STREAMS, extra }), [true]);
  client.relay(parent, { newParticipationRequest: true, isOneWay: true, isDataOnly: false });
  return parent;
}

describe('RTCMultiConnection 3.7 scalable broadcast', () => {
  const topologies = useTopologies();
  afterEach(cleanup);

  for (const [name, start] of topologies) {
    it(`${name}: start, relay, heal with rejoin-broadcast, stop`, async () => {
      const nodes = await start();
      const at = (i: number) => nodes[i % nodes.length]!;
      const bid = uid('bcast');
      const [v1Id, v2Id, v3Id] = [uid('v1'), uid('v2'), uid('v3')];
      const b = await page(at(0), uid('random-token'));
      assert.equal(await openOrJoin(b, bid, 'ignored'), bid);
      // The broadcaster took the broadcast's id, as its page believes.
      const v1 = await page(at(1), v1Id);
      assert.equal(await openOrJoin(v1, bid, v1Id), bid);
      const toB = await b.waitForRelay((e) => e.sender === v1Id);
      assert.equal(toB.remoteUserId, bid);
      // One child per relay: the second viewer receives from the first.
      const v2 = await page(at(0), v2Id);
      assert.equal(await openOrJoin(v2, bid, v2Id), v1Id);
      await v1.waitForRelay((e) => e.sender === v2Id);
      const v3 = await page(at(1), v3Id);
      assert.equal(await openOrJoin(v3, bid, v3Id), v2Id);
      await v2.waitForRelay((e) => e.sender === v3Id);
      assert.deepEqual(await v3.request('get-number-of-users-in-specific-broadcast', bid), [3]);
      // The first viewer goes: the one below it is asked to rejoin, and gets the broadcaster.
      v1.close();
      await v2.waitFor('rejoin-broadcast');
      v2.received.length = 0;
      assert.equal(await openOrJoin(v2, bid, v2Id), bid);
      await b.waitForRelay((e) => e.sender === v2Id);
      // The broadcaster goes: everyone hears the broadcast stopped.
      b.close();
      assert.deepEqual(await v2.waitFor('broadcast-stopped'), [bid]);
      assert.deepEqual(await v3.waitFor('broadcast-stopped'), [bid]);
      assert.deepEqual(await v3.request('check-broadcast-presence', bid), [false]);
    });
  }

  it('a viewer placed by join-broadcast that never joins leaves the tree with its socket', async () => {
    const [node] = await topologies[0]![1]();
    const bid = uid('bcast');
    const b = await page(node!, uid('b'));
    await openOrJoin(b, bid, 'x');
    const ghostId = uid('ghost');
    const ghost = await page(node!, ghostId);
    ghost.emit('join-broadcast', { broadcastId: bid, userid: ghostId, typeOfStreams: STREAMS });
    await ghost.waitFor('join-broadcaster');
    assert.deepEqual((await node!.hub.broadcastTree(bid))?.members.length, 2);
    ghost.close();
    await waitUntil(
      async () => (await node!.hub.broadcastTree(bid))?.members.length,
      (members) => members === 1,
      'the ghost out of the tree',
    );
  });
});
