/** TURN REST credentials (coturn's `--use-auth-secret`): configuration and what each client gets. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { configFromEnv } from '../../server/config.js';
import { parseTurn, turnCredentials } from '../../server/turn.js';
import { cleanup, connect, startTestServer, uid } from './helpers.js';

const TURN = { urls: ['turn:127.0.0.1:3478'], secret: 'not-in-any-page', ttl: 600 };

describe('TURN credentials', () => {
  afterEach(cleanup);

  it('are coturn REST credentials: <expiry>:<userId> and base64 HMAC-SHA1 of it', () => {
    const now = Date.UTC(2026, 0, 1);
    const server = turnCredentials(TURN, 'alice', now);
    assert.equal(server.username, `${now / 1000 + 600}:alice`);
    assert.equal(
      server.credential,
      createHmac('sha1', TURN.secret).update(server.username).digest('base64'),
    );
    assert.deepEqual(server.urls, TURN.urls);
  });

  it('each client gets its own, after the static ICE servers, and never the secret', async () => {
    const server = await startTestServer({
      iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
      turn: TURN,
    });
    const before = Math.floor(Date.now() / 1000);
    const ids = [uid('turn-a'), uid('turn-b')];
    const lists = await Promise.all(
      ids.map(async (userid) => {
        const client = await connect(server, { query: { userid } });
        return (await client.waitFor('ice-servers'))[0] as {
          urls: unknown;
          username?: string;
          credential?: string;
        }[];
      }),
    );
    lists.forEach((list, i) => {
      assert.equal(list.length, 2);
      assert.deepEqual(list[0], { urls: 'stun:127.0.0.1:3478' });
      const [expiry, user] = list[1]!.username!.split(':');
      assert.equal(user, ids[i]);
      assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= before + 602);
      assert.equal(
        list[1]!.credential,
        createHmac('sha1', TURN.secret).update(list[1]!.username!).digest('base64'),
      );
      assert.ok(!JSON.stringify(list).includes(TURN.secret));
    });
  });

  it('configuration fails fast on bad values', () => {
    assert.equal(parseTurn(undefined, undefined, undefined), undefined);
    assert.deepEqual(parseTurn('turn:a.test:3478, turns:b.test:5349', 's', undefined), {
      urls: ['turn:a.test:3478', 'turns:b.test:5349'],
      secret: 's',
      ttl: 86_400,
    });
    assert.throws(() => parseTurn('stun:a.test', 's', undefined), /turn: or turns:/);
    assert.throws(() => parseTurn('turn:a.test', undefined, undefined), /TURN_SECRET/);
    assert.throws(() => parseTurn(undefined, 'secret', undefined), /TURN_URLS/);
    assert.throws(() => parseTurn('turn:a.test', 's', '5'), /TURN_TTL/);
    assert.equal(
      configFromEnv({ TURN_URLS: 'turn:a.test', TURN_SECRET: 'x', TURN_TTL: '120' }).turn?.ttl,
      120,
    );
  });
});
