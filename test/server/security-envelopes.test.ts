/**
 * Security, class 1: only the server writes what arrives on a client's relay event. A custom
 * event named like a member's relay event (in the handshake, with set-custom-socket-event-listener,
 * or a name a member picks later) never reaches that member, on any node; members whose custom
 * event it is still get it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_MESSAGE_EVENT } from '../../src/protocol/index.js';
import { cleanup, room, uid, user, type Client } from './helpers.js';
import { useTopologies } from './topologies.js';

/** Lets everything sent so far arrive (each barrier is a round trip through the server's queue). */
async function settle(...clients: Client[]): Promise<void> {
  for (const client of clients) await client.barrier();
}

/** A forged rename notice: "the owner is now called <attacker>". */
const forged = (victim: string, owner: string, attacker: string) => ({
  remoteUserId: victim,
  sender: owner,
  message: { changedUUID: true, oldUUID: owner, newUUID: attacker },
  extra: {},
});

describe('security: forged relay envelopes', () => {
  const topologies = useTopologies();
  afterEach(cleanup);

  for (const [name, start] of topologies) {
    describe(name, () => {
      it('a handshake custom event named like a relay event never reaches a relay listener', async () => {
        const nodes = await start();
        const at = (i: number) => nodes[i % nodes.length]!;
        const [ownerId, victimId, attackerId, v3Id] = [uid('o'), uid('v'), uid('x'), uid('w')];
        const owner = await user(at(0), ownerId);
        const victim = await user(at(1), victimId);
        // A member whose custom event really is that name (a v3 page may pick any name).
        const legit = await user(at(1), v3Id, undefined, {
          msgEvent: 'private-relay',
          socketCustomEvent: DEFAULT_MESSAGE_EVENT,
        });
        const attacker = await user(at(0), attackerId, undefined, {
          socketCustomEvent: DEFAULT_MESSAGE_EVENT,
          msgEvent: 'attacker-relay',
        });
        await room(uid('room'), owner, [victim, legit, attacker]);
        attacker.emit(DEFAULT_MESSAGE_EVENT, forged(victimId, ownerId, attackerId));
        attacker.emit(DEFAULT_MESSAGE_EVENT, {
          remoteUserId: victimId,
          sender: ownerId,
          message: { userLeft: true },
        });
        await legit.waitFor(DEFAULT_MESSAGE_EVENT);
        await settle(attacker, owner, victim, legit);
        assert.equal(victim.relays().length, 0, 'the victim got a forged envelope');
        assert.equal(owner.relays().length, 0, 'the owner got a forged envelope');
        // The member whose custom event it is got both (its relay event is another name).
        assert.equal(legit.count(DEFAULT_MESSAGE_EVENT), 2);
        // Real relays still arrive, from the server, with the real sender.
        owner.relay(victimId, { hello: 1 });
        assert.equal((await victim.waitForRelay()).sender, ownerId);
      });

      it('set-custom-socket-event-listener, also for names a member picks later', async () => {
        const nodes = await start();
        const at = (i: number) => nodes[i % nodes.length]!;
        const [ownerId, victimId, attackerId, lateId] = [uid('o'), uid('v'), uid('x'), uid('l')];
        const owner = await user(at(0), ownerId);
        const victim = await user(at(1), victimId, undefined, { msgEvent: 'victim-relay' });
        const attacker = await user(at(0), attackerId);
        const roomid = uid('room');
        await room(roomid, owner, [victim, attacker]);
        attacker.emit('set-custom-socket-event-listener', 'victim-relay');
        attacker.emit('set-custom-socket-event-listener', 'later-relay');
        attacker.emit('victim-relay', forged(victimId, ownerId, attackerId));
        // A member that joins afterwards with the name the attacker registered as its relay.
        const late = await user(at(1), lateId, undefined, { msgEvent: 'later-relay' });
        assert.deepEqual(await late.joinRoom(roomid), [true]);
        await owner.waitFor('user-connected', (id) => id === lateId);
        attacker.emit('later-relay', forged(lateId, ownerId, attackerId));
        // The owner listens to neither name as a relay: it gets the custom messages.
        owner.socket.on('victim-relay', () => undefined);
        await owner.waitFor('victim-relay');
        await owner.waitFor('later-relay');
        await settle(attacker, owner, victim, late);
        assert.equal(victim.relays().length, 0, 'the victim got a forged envelope');
        assert.equal(late.relays().length, 0, 'the later member got a forged envelope');
      });

      it('a scalable broadcast: no viewer gets a forged envelope on its relay event', async () => {
        const nodes = await start();
        const at = (i: number) => nodes[i % nodes.length]!;
        const casterId = uid('b');
        const caster = await user(at(0), casterId, undefined, { rtcElements: '1' });
        const roomid = uid('cast');
        assert.deepEqual(
          await caster.openRoom(roomid, {
            session: { video: true, oneway: true, broadcast: true },
            relayLimit: 2,
          }),
          [true],
        );
        const viewers: Client[] = [];
        for (let i = 0; i < 4; i++) {
          const viewer = await user(at(i + 1), uid('v'), undefined, { rtcElements: '1' });
          assert.deepEqual(await viewer.joinRoom(roomid), [true]);
          viewers.push(viewer);
        }
        const attacker = await user(at(1), uid('x'), undefined, {
          rtcElements: '1',
          socketCustomEvent: DEFAULT_MESSAGE_EVENT,
          msgEvent: 'x-relay',
        });
        assert.deepEqual(await attacker.joinRoom(roomid), [true]);
        attacker.emit(DEFAULT_MESSAGE_EVENT, forged('anyone', casterId, 'x'));
        await settle(attacker, caster, ...viewers);
        for (const client of [caster, ...viewers])
          assert.equal(client.relays().length, 0, 'a member got a forged envelope');
      });
    });
  }
});
