/** Room tokens (AUTH_SECRET): HS256 JWTs with room, sub, role and exp gate opening and joining. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { configFromEnv } from '../../server/config.js';
import { cleanup, connect, startTestServer, uid } from './helpers.js';

const SECRET = 'a-room-token-secret-of-at-least-32-chars';

/** Mints a token the way a backend would (see the README). */
function mint(
  claims: { room: string; sub: string; role: 'owner' | 'guest' },
  options: { secret?: string; expiresIn?: string | number; alg?: string } = {},
): Promise<string> {
  return new SignJWT({ room: claims.room, role: claims.role })
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

async function client(server: { url: string }, token?: string, userid = uid('anon')) {
  return connect(server, { query: { userid, ...(token ? { token } : {}) } });
}

describe('room tokens (AUTH_SECRET)', () => {
  afterEach(cleanup);

  it('an owner token opens its room and its subject becomes the user id; guests join', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const roomid = uid('auth-room');
    const owner = await client(
      server,
      await mint({ room: roomid, sub: 'alice', role: 'owner' }),
      'not-alice',
    );
    assert.deepEqual(await owner.openRoom(roomid), [true]);
    const guest = await client(server, await mint({ room: roomid, sub: 'bob', role: 'guest' }));
    assert.deepEqual(await guest.joinRoom(roomid), [true]);
    // The room knows them by their token subjects.
    assert.deepEqual((await owner.waitFor('user-connected'))[0], 'bob');
  });

  it('missing, expired, forged, wrong-algorithm and garbage tokens are refused at the handshake', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const roomid = uid('auth-room');
    const refusals: [string, string | undefined][] = [
      ['missing', undefined],
      [
        'expired',
        await mint(
          { room: roomid, sub: 'u1', role: 'owner' },
          { expiresIn: Math.floor(Date.now() / 1000) - 5 },
        ),
      ],
      [
        'forged',
        await mint(
          { room: roomid, sub: 'u2', role: 'owner' },
          { secret: 'another-secret-of-at-least-32-chars!!' },
        ),
      ],
      ['HS512', await mint({ room: roomid, sub: 'u5', role: 'owner' }, { alg: 'HS512' })],
      ['garbage', 'not.a.jwt'],
    ];
    for (const [what, token] of refusals)
      await assert.rejects(client(server, token), /Unauthorized/, what);
  });

  it('wrong-room and guest-opens are UNAUTHORIZED; a socket without a token never connects', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const roomid = uid('auth-room');
    const refusals: [string, string, 'open' | 'join'][] = [
      ['other room', await mint({ room: `${roomid}-x`, sub: 'u3', role: 'owner' }), 'open'],
      ['guest opens', await mint({ room: roomid, sub: 'u4', role: 'guest' }), 'open'],
      ['other room join', await mint({ room: `${roomid}-y`, sub: 'u6', role: 'guest' }), 'join'],
    ];
    for (const [what, token, action] of refusals) {
      const c = await client(server, token);
      const ack = action === 'open' ? await c.openRoom(roomid) : await c.joinRoom(roomid);
      assert.deepEqual(ack, [false, 'Unauthorized'], what);
    }
    // The room was never opened; a valid owner opens it, and a guest without a token cannot join.
    const owner = await client(server, await mint({ room: roomid, sub: 'owner', role: 'owner' }));
    assert.deepEqual(await owner.openRoom(roomid), [true]);
    await assert.rejects(client(server), /Unauthorized/);
  });

  it('without AUTH_SECRET nothing changes; a short secret fails fast', async () => {
    const server = await startTestServer();
    const roomid = uid('open-room');
    const c = await client(server);
    assert.deepEqual(await c.openRoom(roomid), [true]);
    assert.throws(() => configFromEnv({ AUTH_SECRET: 'short' }), /at least 32/);
    assert.equal(configFromEnv({ AUTH_SECRET: SECRET }).authSecret, SECRET);
  });
});
