/**
 * Security, class 3: on a server with room tokens (AUTH_SECRET) identity comes from the token. A
 * socket without a valid token is refused before it gets anything (an id, ICE servers, answers);
 * the token's subject is the only id a socket can have; its role bounds what it may do, also
 * after ownership moves (a guest never owns a room); and a socket asks only about its token's
 * room.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { cleanup, connect, startTestServer, uid, waitUntil, type Client } from './helpers.js';

const SECRET = 'a-room-token-secret-of-at-least-32-chars';
const TURN = { urls: ['turn:127.0.0.1:3478'], secret: 'turn-secret', ttl: 600 };

function mint(
  room: string,
  sub: string,
  role: 'owner' | 'guest',
  expiresAt: number = Math.floor(Date.now() / 1000) + 600,
): Promise<string> {
  return new SignJWT({ room, role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(SECRET));
}

const modern = { rtcElements: '1' };

async function holder(server: { url: string }, token: string | undefined, query = {}) {
  return connect(server, {
    query: { userid: uid('asked'), ...(token ? { token } : {}), ...modern, ...query },
  });
}

interface Session {
  resumeToken: string;
  resumed: boolean;
  roomId: string;
}
const sessionOf = async (client: Client) => ((await client.waitFor('session')) as [Session])[0];

describe('security: identity and role come from the room token', () => {
  afterEach(cleanup);

  it('a socket without a valid token is refused before it gets an id, ICE servers or answers', async () => {
    const server = await startTestServer({ authSecret: SECRET, turn: TURN });
    const roomid = uid('room');
    const alice = await holder(server, await mint(roomid, 'alice', 'owner'));
    await alice.waitFor('ice-servers');
    assert.deepEqual(await alice.openRoom(roomid, { password: 'pw' }), [true]);
    // Claiming the holder's id without a token: refused; the holder keeps it.
    await assert.rejects(
      connect(server, { query: { userid: 'alice', ...modern } }),
      /Unauthorized/,
    );
    const errors: string[] = [];
    const stranger = connect(server, { query: { userid: uid('x') }, waitConnect: false });
    (await stranger).socket.on('connect_error', (error) => errors.push(error.message));
    await waitUntil(
      async () => errors.length,
      (n) => n > 0,
      'the refusal',
    );
    const s = await stranger;
    assert.equal(s.connected, false);
    assert.deepEqual(s.received, [], 'a refused socket received something');
    // The holder's id and room are untouched.
    assert.equal(alice.count('userid-already-taken'), 0);
    assert.deepEqual(await alice.request('kick-user', 'nobody'), [false, 'User ID does not exist']);
  });

  it("a token's subject is the only id: no rename", async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const roomid = uid('room');
    const owner = await holder(server, await mint(roomid, 'olga', 'owner'));
    assert.deepEqual(await owner.openRoom(roomid), [true]);
    const guest = await holder(server, await mint(roomid, 'gary', 'guest'));
    assert.deepEqual(await guest.joinRoom(roomid), [true]);
    assert.deepEqual(await guest.request('changed-uuid', 'olga-2'), [false, 'Unauthorized']);
    assert.deepEqual(await owner.request('changed-uuid', 'someone'), [false, 'Unauthorized']);
    // Still known by their subjects.
    guest.relay('olga', { hi: 1 });
    assert.equal((await owner.waitForRelay()).sender, 'gary');
  });

  it('a guest never owns a room: ownership skips guests, and a role bounds what a socket may do', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const roomid = uid('room');
    const owner = await holder(server, await mint(roomid, 'o1', 'owner'));
    assert.deepEqual(await owner.openRoom(roomid, { approveJoins: false }), [true]);
    const guest = await holder(server, await mint(roomid, 'g1', 'guest'));
    assert.deepEqual(await guest.joinRoom(roomid), [true]);
    const cohost = await holder(server, await mint(roomid, 'o2', 'owner'));
    assert.deepEqual(await cohost.joinRoom(roomid), [true]);
    // The owner leaves: the co-host (an owner by role) takes over, though the guest came first.
    owner.close();
    await cohost.waitFor('set-isInitiator-true');
    assert.deepEqual(await guest.waitFor('owner-changed'), [roomid, 'o2']);
    assert.equal(guest.count('set-isInitiator-true'), 0);
    assert.deepEqual(await guest.request('set-password', 'mine'), [
      false,
      roomid,
      'Room permission denied',
    ]);
    assert.deepEqual(await guest.request('kick-user', 'o2'), [false, 'Room permission denied']);
    // The co-host leaves too: only a guest is left, and the room has no owner.
    cohost.close();
    await guest.waitFor('user-disconnected', (id) => id === 'o2');
    assert.deepEqual(await guest.request('set-password', 'mine'), [
      false,
      roomid,
      'Room permission denied',
    ]);
    assert.deepEqual(await guest.request('close-entire-session'), [
      false,
      'Room permission denied',
    ]);
    assert.equal(guest.count('set-isInitiator-true'), 0);
    // An owner by role who joins takes the ownerless room.
    const back = await holder(server, await mint(roomid, 'o3', 'owner'));
    assert.deepEqual(await back.joinRoom(roomid), [true]);
    await back.waitFor('set-isInitiator-true');
    assert.deepEqual(await guest.waitFor('owner-changed', (_r, id) => id === 'o3'), [roomid, 'o3']);
    assert.deepEqual(await back.request('set-password', 'now'), [true, roomid, null]);
  });

  it("a socket asks only about its token's room", async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const [mine, other, identifier] = [uid('mine'), uid('other'), uid('lobby')];
    const otherOwner = await holder(server, await mint(other, 'p1', 'owner'));
    assert.deepEqual(
      await otherOwner.openRoom(other, { identifier, password: 'pw', extra: { secret: 1 } }),
      [true],
    );
    const prober = await holder(server, await mint(mine, 'p2', 'owner'));
    assert.deepEqual(await prober.openRoom(mine, { identifier }), [true]);
    const [exists] = await prober.checkPresence(other);
    assert.equal(exists, false);
    assert.deepEqual(await prober.request('is-valid-password', 'pw', other), [
      false,
      other,
      'Room not available',
    ]);
    const [rooms] = await prober.request('get-public-rooms', identifier);
    assert.deepEqual(
      (rooms as { sessionid: string }[]).map((r) => r.sessionid),
      [mine],
    );
    assert.deepEqual(await prober.request('get-number-of-users-in-specific-broadcast', other), [0]);
  });

  it('an expired token still resumes its session with the server secret, and nothing else', async () => {
    const server = await startTestServer({ authSecret: SECRET, reconnectGraceMs: 10_000 });
    const roomid = uid('room');
    const owner = await holder(server, await mint(roomid, 'o1', 'owner'));
    assert.deepEqual(await owner.openRoom(roomid), [true]);
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await mint(roomid, 'g1', 'guest', expiresAt);
    const guest = await holder(server, token);
    const { resumeToken } = await sessionOf(guest);
    assert.deepEqual(await guest.joinRoom(roomid), [true]);
    // The connection drops (no goodbye) and the token expires meanwhile.
    guest.socket.io.engine.close();
    await waitUntil(
      async () => Date.now(),
      (now) => now > expiresAt * 1000 + 100,
      'expiry',
      4000,
    );
    await assert.rejects(holder(server, token), /Unauthorized/);
    await assert.rejects(holder(server, token, { resume: 'not-the-secret' }), /Unauthorized/);
    const back = await holder(server, token, { resume: resumeToken });
    const session = await sessionOf(back);
    assert.deepEqual([session.resumed, session.roomId], [true, roomid]);
    assert.equal(owner.count('user-disconnected'), 0);
    // It cannot enter another room with it.
    assert.deepEqual(await back.openRoom(uid('elsewhere')), [false, 'Unauthorized']);
  });
});
