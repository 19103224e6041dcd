/**
 * The servers of `npm run bench:connect`, in a process of their own (as in production: they do
 * not share an event loop with the browser driver): our signaling server (with the bundle at
 * /dist/) and the hand-written pair's bare socket.io relay. Sends their URLs; exits on "stop".
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { startSignaling } from '../test/support/servers.js';

const signaling = await startSignaling();
const http = createServer();
const io = new Server(http, { cors: { origin: true } });
// The baseline relay: join a room, forward {to, data} between sockets.
io.on('connection', (socket) => {
  socket.on('join', (room: string) => {
    void socket.join(room);
    socket.to(room).emit('peer', socket.id);
  });
  socket.on('signal', ({ to, data }: { to: string; data: unknown }) => {
    io.to(to).emit('signal', { from: socket.id, data });
  });
});
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
process.send?.({
  signaling: signaling.url,
  relay: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
});
process.on('message', (message) => {
  if (message !== 'stop') return;
  void Promise.all([
    signaling.close(),
    new Promise<void>((resolve) => void io.close(() => resolve())),
  ]).then(() => process.exit(0));
});
