// The seed's code examples about signaling (RTCMultiConnection API reference): socketURL, the
// handshake's custom parameters read by the server's hook, the socket for custom events, socket
// options, custom socket handlers, logs and config.json. Pages run the seed's code on
// dist/rtcmulticonnection.js; the server is ours, started as the seed's server.js starts its
// Signaling-Server.js: `attachSignaling(httpServer, options, function (socket) {...})`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io';
import { attachSignaling, createApp, type RunningServer } from '../../server/index.js';
import { ROOT } from '../support/servers.js';
import { useE2E } from './harness.js';
import {
  callback,
  connectedTo,
  meet,
  record,
  run,
  seedOrigin,
  until,
  useSeedPages,
  waitSeen,
} from './seed-support.js';

/** What the server's hook saw, by user id. */
const handshakes = new Map<string, Record<string, unknown>>();
/** `whatever` events the hook received: [userid, message]. */
const whatever: [string, unknown][] = [];

/**
 * The server's hook: the seed's server.js code reading the handshake, plus what the seed's
 * getSocket/connectSocket examples need from "your" server (v3's server.js had to be edited the
 * same way): answers to `custom-event`, `custom-message` passed on to the other sockets.
 */
function hook(raw: unknown): void {
  const socket = raw as Socket;
  // you can find below line on "server.js" file
  const params = socket.handshake.query;
  const meetingId = params['meetingId'];
  const fullName = params['fullName'];
  const country = params['country'];
  const userid = params['userid'];
  // etc.
  handshakes.set(String(userid), {
    meetingId,
    fullName,
    country,
    extra: params['extra'],
    transport: socket.conn.transport.name,
  });
  socket.on('custom-event', (message: unknown) => {
    socket.emit('custom-event', `server got: ${String(message)}`);
  });
  socket.on('custom-message', (message: unknown) => {
    socket.broadcast.emit('custom-message', message);
  });
  socket.on('whatever', (message: unknown) => whatever.push([String(userid), message]));
}

/** Our server with the hook, as the seed's server.js attaches it (serving /dist/ and pages of its own origin). */
async function startHooked(demoDir: string): Promise<RunningServer> {
  const app = createApp({ distDir: `${ROOT}dist`, demoDir });
  const http = createServer(app);
  const signaling = attachSignaling(http, { logger: 'silent' }, hook);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    ...signaling,
    app,
    http,
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: async () => {
      await signaling.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** The built server (`npm start`, dist/server/main.js) with a config.json; its output. */
async function startWithConfig(
  json: unknown,
): Promise<{ url: string; output(): string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'seed-config-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json, null, 2));
  const child = spawn(process.execPath, [`${ROOT}dist/server/main.js`], {
    cwd: dir,
    env: { ...process.env, PORT: '', HOST: '', LOG_LEVEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 15_000);
    child.stdout.on('data', () => {
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited:\n${out}`));
    });
  });
  return {
    url,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('seed examples: signaling', { timeout: 180_000 }, () => {
  const demoDir = seedOrigin();
  const env = useE2E({ start: () => startHooked(demoDir) });
  const pages = useSeedPages(env, demoDir);

  it("socketURL: the server on another port of the host, or '/' on the server's own origin", async () => {
    // The seed's public servers (herokuapp, webrtcweb.com) are not reachable from the test's
    // loopback-only network: another port of this host and the same domain are.
    const a = await pages.open({ userid: 'url-a' });
    assert.match(
      await run<string>(a.page, 'connection.socketURL'),
      /^http:\/\/127\.0\.0\.1:\d+\/$/,
    );
    const b = await pages.open({
      userid: 'url-b',
      sameOrigin: true,
      seed: `connection.socketURL = '/'; // same domain`,
    });
    await meet('seed-socket-url', a.page, b.page);
    await connectedTo(b.page, ['url-a']);
  });

  it('socketCustomParameters: the server hook reads them from socket.handshake.query', async () => {
    const a = await pages.open({
      userid: 'params-a',
      seed: `
        // starts with "&"
        // &fullName=Muaz
        // &meetingId=xyz
        connection.socketCustomParameters = '&fullName=Muaz&country=PK&meetingId=xyz';`,
    });
    await meet('seed-custom-parameters', a.page);
    assert.deepEqual(handshakes.get('params-a'), {
      meetingId: 'xyz',
      fullName: 'Muaz',
      country: 'PK',
      extra: '{}',
      transport: 'websocket',
    });
  });

  it("socketCustomParameters = '&extra=' + JSON.stringify(connection.extra): the server has the extra before the room", async () => {
    const a = await pages.open({
      userid: 'params-extra',
      seed: `
        connection.extra = {
            fullName: 'Muaz Khan',
            joinedAt: (new Date).toISOString()
        };
        connection.socketCustomParameters = '&extra=' + JSON.stringify(connection.extra);`,
    });
    const extra = await run<Record<string, string>>(a.page, 'connection.extra');
    await callback(a.page, 'connection.connectSocket(CALLBACK)');
    assert.deepEqual(JSON.parse(String(handshakes.get('params-extra')?.['extra'])), extra);
    const b = await pages.open({ userid: 'params-extra-b' });
    await meet('seed-custom-extra', a.page, b.page);
    await until(b.page, `connection.peers['params-extra'] !== undefined`);
    assert.deepEqual(await run(b.page, `connection.peers['params-extra'].extra`), extra);
  });

  it('getSocket(): custom events at once, connecting the socket when needed', async () => {
    const a = await pages.open({
      userid: 'get-socket',
      seed: `
        var socket = connection.getSocket();
        socket.emit('custom-event', 'hi there');
        socket.on('custom-event', function(message) {
            note('custom-event', message);
        });`,
    });
    assert.deepEqual(await waitSeen(a.page, 'custom-event'), [['server got: hi there']]);
    assert.equal(await run(a.page, 'connection.socket === socket && socket.connected'), true);
  });

  it('connectSocket(callback): custom messages before creating or joining rooms', async () => {
    // The seed leaves `if(message.joinMyRoom)` empty: the completion joins the room named in it.
    const seed = `
      connection.connectSocket(function(socket) {
          socket.on('custom-message', function(message) {
              // custom message
              note('custom-message', message);
              if(message.joinMyRoom) {
                  connection.join(message.roomid);
              }
          });
          socket.emit('custom-message', 'hi there');
      });`;
    const a = await pages.open({ userid: 'cs-a', seed });
    await until(a.page, 'connection.socket.connected');
    const b = await pages.open({ userid: 'cs-b', seed });
    assert.deepEqual(await waitSeen(a.page, 'custom-message'), [['hi there']]);
    await meet('seed-connect-socket', a.page);
    await run(
      a.page,
      `connection.socket.emit('custom-message', { joinMyRoom: true, roomid: 'seed-connect-socket' })`,
    );
    await connectedTo(b.page, ['cs-a']);
  });

  it("socketCustomEvent = 'abcdef': the room's custom event after openOrJoin", async () => {
    const seed = `
      connection.socketCustomEvent = 'abcdef';
      connection.openOrJoin('seed-custom-event', function() {
          connection.socket.on(connection.socketCustomEvent, function(message) {
              note('abcdef', message);
          });
          connection.socket.emit(connection.socketCustomEvent, 'My userid is: ' + connection.userid);
      });`;
    const a = await pages.open({ userid: 'ce-a', seed });
    await until(a.page, 'connection.isInitiator');
    // The second page's emit, right after it joined, reaches the first.
    await pages.open({ userid: 'ce-b', seed });
    assert.deepEqual(await waitSeen(a.page, 'abcdef'), [['My userid is: ce-b']]);
  });

  it(
    "setCustomSocketEvent('abcdef'): custom socket listeners during a live session",
    {},
    async () => {
      // The seed shows the listener and the emit; the call that names the event (the section's
      // subject, v3's `connection.setCustomSocketEvent('abcdef')`) is the completion.
      const a = await pages.open({ userid: 'sce-a' });
      const b = await pages.open({ userid: 'sce-b' });
      await meet('seed-set-custom-event', a.page, b.page);
      await connectedTo(b.page, ['sce-a']);
      const seed = `
      connection.setCustomSocketEvent('abcdef');
      connection.socket.on('abcdef', function(message) {
          note('abcdef', message);
      });`;
      await run(a.page, seed);
      await run(b.page, seed);
      await run(b.page, `connection.socket.emit('abcdef', 'My userid is: ' + connection.userid);`);
      assert.deepEqual(await waitSeen(a.page, 'abcdef', 1, 2000), [['My userid is: sce-b']]);
    },
  );

  it('socketOptions: accepted, and the socket is a WebSocket whatever they say', async () => {
    const a = await pages.open({
      userid: 'so-a',
      seed: `
        connection.socketOptions = {
            'force new connection': true, // For SocketIO version < 1.0
            'forceNew': true, // For SocketIO version >= 1.0
            'transport': 'polling' // fixing transport:unknown issues
        };
        connection.socketOptions.resource = 'custom';
        connection.socketOptions.transport = 'polling';
        connection.socketOptions['try multiple transports'] = false;
        connection.socketOptions.secure = true;
        connection.socketOptions.port = '9001';
        connection.socketOptions['max reconnection attempts'] = 100;
        // etc.
        connection.open('seed-socket-options', function() {
            connection.socket.emit('whatever', 'hmm');
        });`,
    });
    await until(a.page, 'connection.isInitiator');
    const deadline = Date.now() + 10_000;
    while (!whatever.some(([id]) => id === 'so-a') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(
      whatever.filter(([id]) => id === 'so-a'),
      [['so-a', 'hmm']],
    );
    assert.equal(handshakes.get('so-a')?.['transport'], 'websocket');
  });

  it('setCustomSocketHandler: the Firebase and PubNub examples, over local stand-in handlers', async () => {
    // /dev/globals.js, /dev/FirebaseConnection.js and /dev/PubNubConnection.js cannot load here
    // (no Firebase or PubNub in the loopback-only network): the stand-ins are v3 custom socket
    // handlers, `function (connection, connectCallback)`, that carry the signaling through this
    // server's own socket.io (its /socket.io/socket.io.js), counting what they carry.
    const standIn = (name: string) => `
      <script src="${env.signaling.url}/socket.io/socket.io.js"></script>
      <script>
        window.carried = 0;
        function ${name}(connection, connectCallback) {
          var query = connection.socketQuery || {
            userid: connection.userid,
            sessionid: connection.sessionid,
            msgEvent: connection.socketMessageEvent,
            socketCustomEvent: connection.socketCustomEvent
          };
          var socket = io(${JSON.stringify(env.signaling.url)}, { transports: ['websocket'], query: query, forceNew: true });
          var emit = socket.emit.bind(socket);
          socket.emit = function () { window.carried++; return emit.apply(null, arguments); };
          connection.socket = socket;
          socket.on('connect', function () { if (connectCallback) connectCallback(socket); });
          return socket;
        }
      </script>`;
    const firebase = await pages.open({
      userid: 'firebase-user',
      head: standIn('FirebaseConnection'),
      setup: 'connection.session.data = true;',
      seed: `
        connection.firebase = 'your-firebase-account';
        // below line replaces FirebaseConnection
        connection.setCustomSocketHandler(FirebaseConnection);`,
    });
    const pubnub = await pages.open({
      userid: 'pubnub-user',
      head: standIn('PubNubConnection'),
      setup: 'connection.session.data = true;',
      seed: `
        // below line replaces PubNubConnection
        connection.setCustomSocketHandler(PubNubConnection);`,
    });
    await record(pubnub.page, ['onmessage']);
    await meet('seed-custom-handler', firebase.page, pubnub.page);
    await connectedTo(pubnub.page, ['firebase-user']);
    await run(firebase.page, `connection.send('over the stand-in')`);
    const [[message]] = (await waitSeen(pubnub.page, 'onmessage')) as [[{ data: unknown }]];
    assert.equal(message.data, 'over the stand-in');
    assert.ok((await run<number>(firebase.page, 'carried')) > 2);
    assert.ok((await run<number>(pubnub.page, 'carried')) > 2);
  });

  it('enableLogs: on by default, false silences the library', async () => {
    const logged = async (logs: boolean) => {
      const p = await pages.open({ userid: `logs-${logs}`, logs });
      const lines: string[] = [];
      p.page.on('console', (message) => lines.push(message.text()));
      if (!logs) await run(p.page, `connection.enableLogs = false; // to disable logs`);
      const [ok] = await callback(p.page, `connection.join('seed-no-such-room', CALLBACK)`);
      assert.equal(ok, false);
      await run(p.page, `connection.getAllParticipants()`);
      return lines;
    };
    assert.ok((await logged(true)).length > 0, 'logs by default');
    assert.deepEqual(await logged(false), []);
  });

  it('config.json: the seed\'s settings (port, socketURL, event names, enableLogs "true" / "false")', async () => {
    // The seed's config.json as written (strings included), read by `npm start`
    // (dist/server/main.js) from its directory. Port 9001 is free in the test's own network.
    const seedConfig = {
      socketURL: '/',
      socketMessageEvent: 'RTCMultiConnection-Message',
      socketCustomEvent: 'RTCMultiConnection-Custom-Message',
      port: '9001',
      enableLogs: 'true',
    };
    for (const enableLogs of ['true', 'false']) {
      const server = await startWithConfig({ ...seedConfig, enableLogs });
      try {
        assert.equal(server.url, 'http://127.0.0.1:9001');
        // "You can set each property directly in your HTML files".
        const setup = `
          connection.socketURL = ${JSON.stringify(server.url + '/')};
          connection.socketMessageEvent = 'RTCMultiConnection-Message';
          connection.socketCustomEvent = 'RTCMultiConnection-Custom-Message';
          // etc.`;
        const a = await pages.open({ userid: `config-a-${enableLogs}`, setup });
        const b = await pages.open({ userid: `config-b-${enableLogs}`, setup });
        await meet(`seed-config-${enableLogs}`, a.page, b.page);
        await connectedTo(b.page, [`config-a-${enableLogs}`]);
        await run(
          b.page,
          `connection.socket.on(connection.socketCustomEvent, function (m) { note('custom', m); })`,
        );
        await run(
          a.page,
          `connection.socket.emit(connection.socketCustomEvent, 'via config.json')`,
        );
        assert.deepEqual(await waitSeen(b.page, 'custom'), [['via config.json']]);
        // An unexpected message (a custom event from a socket in no room) is logged, or not.
        const c = await pages.open({ userid: `config-c-${enableLogs}`, setup });
        await callback(c.page, 'connection.connectSocket(CALLBACK)');
        await run(c.page, `connection.socket.emit(connection.socketCustomEvent, 'from nowhere')`);
        await callback(c.page, `connection.checkPresence('x', CALLBACK)`);
        const logged = /dropped \\?"RTCMultiConnection-Custom-Message/.test(server.output());
        assert.equal(logged, enableLogs === 'true', server.output());
      } finally {
        await server.stop();
      }
    }
  });
});
