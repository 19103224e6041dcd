// The engine's WebSocket-only socket.io client (src/engine/signaling/io-socket.ts) against a real
// socket.io 4 server. Runs in Node (with --experimental-websocket), so server options such as
// heartbeat intervals and namespaces can be set per test.
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { Server, type ServerOptions } from 'socket.io';
import { IoSocket } from '../../src/engine/signaling/io-socket.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function server(
  options: Partial<ServerOptions> = {},
): Promise<{ io: Server; http: HttpServer; url: string }> {
  const http = createServer();
  const io = new Server(http, options);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => void io.close(() => resolve())) });
  return { io, http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

function client(url: string, query: Record<string, string> = {}): IoSocket {
  const socket = new IoSocket(url, { query, timeout: 3000 });
  open.push({ close: () => socket.disconnect() });
  return socket;
}

/** The next emission of an event, within a bound. */
function next(socket: IoSocket, event: string, ms = 3000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(args);
    };
    socket.on(event, listener);
  });
}

describe('IoSocket (WebSocket-only socket.io client)', () => {
  it('connects with its query, and events and acknowledgements go both ways', async () => {
    const { io, url } = await server();
    io.on('connection', (socket) => {
      socket.emit('welcome', socket.handshake.query['userid'], { nested: [1, 'two'] });
      socket.on('add', (a: number, b: number, ack: (sum: number) => void) => ack(a + b));
      socket.on('ask-back', () =>
        socket.emit('question', 'ping?', (answer: string) => socket.emit('answered', answer)),
      );
    });
    const socket = client(url, { userid: 'ada' });
    const welcome = next(socket, 'welcome');
    socket.connect();
    await next(socket, 'connect');
    assert.equal(socket.connected, true);
    assert.equal(typeof socket.id, 'string');
    assert.deepEqual(await welcome, ['ada', { nested: [1, 'two'] }]);
    const sum = await new Promise<unknown[]>((resolve) =>
      socket.emitWithTimeout(1000, 'add', [2, 3], (error, ...ack) => resolve([error, ...ack])),
    );
    assert.deepEqual(sum, [null, 5]);
    socket.on('question', (text, ack) => (ack as (a: string) => void)(`${String(text)} pong`));
    const answered = next(socket, 'answered');
    socket.emit('ask-back');
    assert.deepEqual(await answered, ['ping? pong']);
  });

  it('an acknowledgement that never comes fails after its time limit', async () => {
    const { io, url } = await server();
    io.on('connection', (socket) => socket.on('silent', () => undefined));
    const socket = client(url);
    socket.connect();
    await next(socket, 'connect');
    const [error] = await new Promise<unknown[]>((resolve) =>
      socket.emitWithTimeout(100, 'silent', [], (...args) => resolve(args)),
    );
    assert.match(String(error), /timed out/);
  });

  it('answers heartbeats: stays connected across many short ping intervals', async () => {
    const { url } = await server({ pingInterval: 50, pingTimeout: 50 });
    const socket = client(url);
    socket.connect();
    await next(socket, 'connect');
    const dropped = next(socket, 'disconnect', 600).then(
      () => true,
      () => false,
    );
    assert.equal(await dropped, false, 'still connected after 12 ping intervals');
    assert.equal(socket.connected, true);
  });

  it('reports a server-side disconnect and a dead server', async () => {
    const { io, url } = await server();
    const socket = client(url);
    socket.connect();
    await next(socket, 'connect');
    const reason = next(socket, 'disconnect');
    io.disconnectSockets(true);
    assert.deepEqual(await reason, ['io server disconnect']);

    const second = await server();
    const other = client(second.url);
    other.connect();
    await next(other, 'connect');
    const lost = next(other, 'disconnect');
    // Cut the TCP connections under socket.io, as a crashed server would.
    for (const sock of second.io.of('/').sockets.values()) sock.conn.transport.close();
    assert.deepEqual(await lost, ['transport close']);
  });

  it('connect_error when the server refuses or cannot be reached', async () => {
    const { url } = await server({ allowRequest: (_req, callback) => callback(null, false) });
    const refused = client(url);
    const error = next(refused, 'connect_error');
    refused.connect();
    assert.ok((await error)[0] instanceof Error);
    assert.equal(refused.connected, false);

    const nowhere = client('http://127.0.0.1:9');
    const unreachable = next(nowhere, 'connect_error');
    nowhere.connect();
    assert.ok((await unreachable)[0] instanceof Error);
  });

  it('a middleware error arrives as connect_error with its message', async () => {
    const { io, url } = await server();
    io.use((_socket, nextFn) => nextFn(new Error('UNAUTHORIZED')));
    const socket = client(url);
    const error = next(socket, 'connect_error');
    socket.connect();
    assert.equal(((await error)[0] as Error).message, 'UNAUTHORIZED');
  });

  it('connects to a namespace named by the URL path', async () => {
    const { io, url } = await server();
    io.of('/rooms').on('connection', (socket) => socket.emit('where', socket.nsp.name));
    const socket = client(`${url}/rooms`);
    const where = next(socket, 'where');
    socket.connect();
    assert.deepEqual(await where, ['/rooms']);
  });

  it('disconnect() tells the server and ends with "io client disconnect"', async () => {
    const { io, url } = await server();
    const serverSide = new Promise<string>((resolve) =>
      io.on('connection', (s) => s.on('disconnect', resolve)),
    );
    const socket = client(url);
    socket.connect();
    await next(socket, 'connect');
    const reason = next(socket, 'disconnect');
    socket.disconnect();
    assert.deepEqual(await reason, ['io client disconnect']);
    assert.equal(await serverSide, 'client namespace disconnect');
  });
});
