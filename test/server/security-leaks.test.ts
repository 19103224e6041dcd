/**
 * Security, class 6: smaller leaks and ambiguities. Ids refuse invisible and control characters;
 * only a room's opener may carry the room's id as its user id; a password-protected broadcast
 * tells its viewer count to members only; the server's own code is not served; in a scalable
 * broadcast only tree neighbours negotiate with each other.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import {
  cleanup,
  onCleanup,
  startTestServer,
  uid,
  user,
  withTimeout,
  type Client,
} from './helpers.js';

const idOf = (client: Client) =>
  String((client.socket.io.opts.query as Record<string, string>)['userid']);

/** The status of a GET with the path sent exactly as written. */
function status(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      const req = request({ hostname, port, path, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    }),
    `GET ${path}`,
  );
}

describe('security: smaller leaks and ambiguities', () => {
  afterEach(cleanup);

  it('ids refuse C1 controls, bidi overrides, zero-width and line separators', async () => {
    const server = await startTestServer();
    const owner = await user(server, uid('owner'));
    const roomid = uid('room');
    assert.deepEqual(await owner.openRoom(roomid), [true]);
    for (const bad of ['a\u0085b', 'admin\u202egnp.exe', 'a\u2028b', 'a\u200bb', '\u2066x\u2069']) {
      // A handshake id like that is replaced by a random one.
      const member = await user(server, bad);
      assert.deepEqual(await member.joinRoom(roomid), [true]);
      const [announced] = await owner.waitFor(
        'user-connected',
        (id) => !String(id).startsWith('owner'),
      );
      assert.notEqual(announced, bad);
      owner.received.length = 0;
      // Renames and room ids like that are refused.
      assert.deepEqual(await member.request('changed-uuid', bad), [
        false,
        'User ID does not exist',
      ]);
      assert.deepEqual(await member.openRoom(bad), [false, 'Invalid payload']);
      member.close();
    }
  });

  it("only a room's opener may have the room's id as its user id", async () => {
    const server = await startTestServer();
    const roomid = uid('room');
    const owner = await user(server, uid('owner'));
    assert.deepEqual(await owner.openRoom(roomid), [true]);
    const namesake = await user(server, roomid);
    assert.deepEqual(await namesake.joinRoom(roomid), [false, 'User ID already taken']);
    // RTCMultiConnection's broadcaster opens a room named after itself: that stays possible.
    const caster = uid('caster');
    const broadcaster = await user(server, caster);
    assert.deepEqual(await broadcaster.openRoom(caster), [true]);
  });

  it("a password-protected broadcast's viewer count is told to members only", async () => {
    const server = await startTestServer();
    const roomid = uid('cast');
    const caster = await user(
      server,
      uid('caster'),
      { name: 'Secret owner' },
      { rtcElements: '1' },
    );
    assert.deepEqual(
      await caster.openRoom(roomid, {
        password: 'pw',
        session: { video: true, oneway: true, broadcast: true },
        relayLimit: 2,
      }),
      [true],
    );
    const viewer = await user(server, uid('viewer'), undefined, { rtcElements: '1' });
    assert.deepEqual(await viewer.joinRoom(roomid, { password: 'pw' }), [true]);
    const outsider = await user(server, uid('outsider'));
    assert.deepEqual(
      await outsider.request('get-number-of-users-in-specific-broadcast', roomid),
      [0],
    );
    assert.deepEqual(
      await viewer.request('get-number-of-users-in-specific-broadcast', roomid),
      [1],
    );
  });

  it("the server's own code and source maps are not served, however the path is spelt", async () => {
    const dist = mkdtempSync(join(tmpdir(), 'rtc-dist-'));
    onCleanup(() => rmSync(dist, { recursive: true, force: true }));
    mkdirSync(join(dist, 'server'));
    writeFileSync(join(dist, 'server', 'index.js'), 'server code');
    writeFileSync(join(dist, 'server', 'index.js.map'), '{"sourcesContent":["secret"]}');
    writeFileSync(join(dist, 'rtc-elements.js'), 'export {};');
    const server = await startTestServer({ distDir: dist });
    assert.equal(await status(server.url, '/dist/rtc-elements.js'), 200);
    for (const path of [
      '/dist/server/index.js',
      '/dist/server/index.js.map',
      '/dist//server/index.js',
      '/dist/./server/index.js',
      '/dist/%73erver/index.js',
      '/dist/SERVER/index.js',
      '/dist/x/../server/index.js',
      '/dist/server%2Findex.js',
    ])
      assert.notEqual(await status(server.url, path), 200, path);
  });

  it('in a scalable broadcast only tree neighbours negotiate; anyone may end a connection', async () => {
    const server = await startTestServer();
    const roomid = uid('cast');
    const modern = { rtcElements: '1' };
    const caster = await user(server, uid('caster'), undefined, modern);
    assert.deepEqual(
      await caster.openRoom(roomid, {
        session: { video: true, oneway: true, broadcast: true },
        relayLimit: 1,
      }),
      [true],
    );
    // A chain: caster <- v1 <- v2 <- v3.
    const viewers: Client[] = [];
    for (let i = 0; i < 3; i++) {
      const viewer = await user(server, uid(`v${i + 1}`), undefined, modern);
      assert.deepEqual(await viewer.joinRoom(roomid), [true]);
      viewers.push(viewer);
    }
    const [v1, v2, v3] = viewers as [Client, Client, Client];
    // v3 offers to v1 (its grandparent) and to the caster, asks v1 directly: all dropped.
    const offer = { type: 'offer', sdp: 'v=0', rtcElements: 1 };
    v3.relay(idOf(v1), offer);
    v3.relay(idOf(caster), offer);
    v3.relay(idOf(v1), { newParticipationRequest: true, isOneWay: true, isDataOnly: false });
    // Its parent gets its offer; a former parent can still be told to drop the connection.
    v3.relay(idOf(v2), offer);
    v3.relay(idOf(v1), 'dropPeerConnection');
    assert.deepEqual((await v2.waitForRelay()).message, offer);
    assert.equal((await v1.waitForRelay()).message, 'dropPeerConnection');
    await v3.barrier();
    assert.equal(v1.relays().length, 1);
    assert.equal(caster.relays().length, 0);
  });
});
