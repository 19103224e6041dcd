// The author's own signaling server (npm `rtcmulticonnection-server` 1.3.3, a devDependency) for
// the baseline runs: the demos with RTCMultiConnection 3.7.1 on the server they were written
// for. Set up the way the author's RTCMultiConnection/server.js does it (one HTTP server that
// serves the demo files and socket.io, `addSocket(socket, config)` per connection, and the
// server-wide rebroadcast of the custom event), except that it listens on 127.0.0.1 and a free
// port only, and takes its configuration from here instead of reading config.json and the
// command line (so it writes no logs.json and starts no admin UI).
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Server, type Socket } from 'socket.io';
import { serveDemoFile } from './site.js';

const require = createRequire(import.meta.url);

type AddSocket = (socket: Socket, config: Record<string, unknown>) => void;

export interface OriginalServer {
  /** Origin of the server: it serves the demo files and socket.io, like the author's. */
  url: string;
  close(): Promise<void>;
}

/** The config `getValuesFromConfigJson()` would give with no config.json, less admin and logs. */
const CONFIG = {
  socketURL: '/',
  socketMessageEvent: 'RTCMultiConnection-Message',
  socketCustomEvent: 'RTCMultiConnection-Custom-Message',
  enableLogs: false,
  enableAdmin: false,
  adminUserName: null,
  adminPassword: null,
};

export async function startOriginalServer(repo: string): Promise<OriginalServer> {
  // The signaling module alone: index.js would also load the CLI/config helpers.
  const addSocket =
    require('rtcmulticonnection-server/node_scripts/Signaling-Server.js') as AddSocket;
  const http: HttpServer = createServer((req, res) => {
    if (!serveDemoFile(repo, req, res)) res.writeHead(404).end('not found');
  });
  const io = new Server(http);
  io.on('connection', (socket) => {
    addSocket(socket, { ...CONFIG });
    // As in the author's server.js: the custom event goes to every other socket.
    const params = socket.handshake.query as Record<string, string | undefined>;
    const name = params['socketCustomEvent'] || 'custom-message';
    socket.on(name, (message: unknown) => {
      socket.broadcast.emit(name, message);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: async () => {
      await io.close();
      http.closeAllConnections();
    },
  };
}
