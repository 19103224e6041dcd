import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { attachSignaling, type SignalingSocket } from '../../server/index.js';
import { cleanup, closeHttp, connect, onCleanup, room, user, withTimeout } from './helpers.js';

const CJS_PATH = fileURLToPath(new URL('../../dist/server/index.cjs', import.meta.url));

/** A plain http.Server on 127.0.0.1 and a free port, closed by cleanup(). */
async function listen(): Promise<{ http: HttpServer; url: string }> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  onCleanup(() => closeHttp(http));
  return { http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

/** Collects the sockets a hook is called with; `next()` waits for the next one. */
function hookRecorder() {
  const sockets: SignalingSocket[] = [];
  const waiters: ((socket: SignalingSocket) => void)[] = [];
  return {
    sockets,
    hook: (socket: SignalingSocket): void => {
      sockets.push(socket);
      waiters.shift()?.(socket);
    },
    next: (): Promise<SignalingSocket> =>
      withTimeout(
        new Promise<SignalingSocket>((resolve) => waiters.push(resolve)),
        'the socket hook',
      ),
  };
}

describe('library use', () => {
  afterEach(cleanup);

  it('attachSignaling(httpServer, hook) calls the hook with each socket and its query', async () => {
    const { http, url } = await listen();
    const recorder = hookRecorder();
    const signaling = attachSignaling(http, recorder.hook);
    onCleanup(() => signaling.close());
    const hooked = recorder.next();
    const a = await connect(url, { query: { userid: 'lib-a', meetingId: 'meeting-42' } });
    const socket = await hooked;
    assert.equal(socket.handshake.query['meetingId'], 'meeting-42');
    assert.equal(socket.handshake.query['userid'], 'lib-a');
    assert.equal(socket.data.userId, 'lib-a');
    // The attached server speaks the protocol.
    const b = await user({ url }, 'lib-b');
    await room('lib-room', a, [b]);
    a.relay('lib-b', { hello: 'library' });
    assert.equal((await b.waitForRelay()).sender, 'lib-a');
    assert.equal(recorder.sockets.length, 2);
    assert.equal(signaling.hub.userCount, 2);
  });

  it('attachSignaling(httpServer, options, hook) applies the options', async () => {
    const { http, url } = await listen();
    const recorder = hookRecorder();
    const iceServers = [{ urls: 'stun:lib.test' }];
    const signaling = attachSignaling(http, { logger: 'silent', iceServers }, recorder.hook);
    onCleanup(() => signaling.close());
    const hooked = recorder.next();
    const client = await connect(url, { query: { userid: 'opt-a', custom: 'value' } });
    assert.equal((await hooked).handshake.query['custom'], 'value');
    assert.deepEqual(await client.waitFor('ice-servers'), [iceServers]);
  });

  it('attaches to an existing socket.io Server', async () => {
    const { http, url } = await listen();
    const io = new Server(http);
    const recorder = hookRecorder();
    const signaling = attachSignaling(io, { logger: 'silent' }, recorder.hook);
    onCleanup(() => signaling.close());
    const hooked = recorder.next();
    const client = await connect(url, { query: { userid: 'io-a', meetingId: 'm' } });
    assert.equal((await hooked).handshake.query['meetingId'], 'm');
    assert.deepEqual(await client.openRoom('io-room'), [true]);
  });

  it('does not call the hook for a refused socket, and survives a throwing hook', async () => {
    const { http, url } = await listen();
    let calls = 0;
    const signaling = attachSignaling(http, { logger: 'silent' }, () => {
      calls++;
      throw new Error('hook failure');
    });
    onCleanup(() => signaling.close());
    const a = await user({ url }, 'hook-a');
    const dup = await connect(url, { query: { userid: 'hook-a' } });
    await dup.waitFor('userid-already-taken');
    const b = await user({ url }, 'hook-b');
    await room('hook-room', a, [b]);
    assert.equal(calls, 2);
  });

  it('refuses a target that is not a server', () => {
    const notAServer: unknown = { listen: 'no' };
    assert.throws(() => attachSignaling(notAServer as HttpServer), TypeError);
  });

  it(
    'require("dist/server/index.cjs") is itself attachSignaling, as the seed uses it',
    { skip: existsSync(CJS_PATH) ? false : 'dist/server/index.cjs is absent: run `npm run build`' },
    async () => {
      const require = createRequire(import.meta.url);
      const attach = require('../../dist/server/index.cjs') as unknown as ((
        server: HttpServer,
        hook: (socket: SignalingSocket) => void,
      ) => { close(): Promise<void> }) &
        Record<string, unknown>;
      assert.equal(typeof attach, 'function');
      assert.equal(typeof attach['attachSignaling'], 'function');
      assert.equal(typeof attach['startServer'], 'function');
      assert.equal(typeof attach['MemoryRoomStore'], 'function');
      const { http, url } = await listen();
      const recorder = hookRecorder();
      const signaling = attach(http, recorder.hook);
      onCleanup(() => signaling.close());
      const hooked = recorder.next();
      const a = await connect(url, { query: { userid: 'cjs-a', meetingId: 'cjs-meeting' } });
      assert.equal((await hooked).handshake.query['meetingId'], 'cjs-meeting');
      const b = await user({ url }, 'cjs-b');
      await room('cjs-room', a, [b]);
      assert.deepEqual(await a.waitFor('user-connected'), ['cjs-b', {}]);
    },
  );
});
