import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';
import express, { type Express } from 'express';
import { attachSignaling, type Signaling, type SignalingOptions } from './signaling.js';
import { connectRedis, type RedisConnection } from './store/redis.js';
import { createLogger } from './log.js';

export interface AppOptions extends SignalingOptions {
  /** Folder served at `/` (the demo). Omit to serve no pages. */
  demoDir?: string;
  /** Folder served at `/dist/` (the bundle), with CORS so other origins can import it. */
  distDir?: string;
  /** Serve `/metrics` (Prometheus) to requests with `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | undefined;
  /** Run as one of several nodes sharing this Redis (`REDIS_URL`). */
  redisUrl?: string | undefined;
  /** What `/healthz` reports; 503 unless `ok` (startServer fills it in). */
  health?: () => { ok: boolean } & Record<string, unknown>;
}

export interface RunningServer extends Signaling {
  app: Express;
  http: HttpServer;
  /** Base URL, e.g. http://127.0.0.1:9001 */
  url: string;
}

/** The Express app: demo pages, the bundle (cross-origin importable) and a health check. */
export function createApp(options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  const allowed = options.allowedOrigins ?? '*';
  app.get('/healthz', (_req, res) => {
    const health = options.health?.() ?? { ok: true };
    res.status(health.ok ? 200 : 503).json(health);
  });
  if (options.distDir) {
    app.use(
      '/dist',
      (req, res, next) => {
        // Browser files only: the server's own code and its source maps are for nobody's page
        // (however the path is spelt: //server, /./server, %73erver, /SERVER).
        if (serverFile(req.path)) return void res.status(404).end();
        const origin = req.headers.origin;
        if (allowed === '*') res.setHeader('Access-Control-Allow-Origin', '*');
        else if (origin && allowed.includes(origin)) {
          res.setHeader('Access-Control-Allow-Origin', origin);
          res.setHeader('Vary', 'Origin');
        }
        res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        next();
      },
      express.static(options.distDir, { fallthrough: true, index: false }),
    );
  }
  if (options.demoDir) app.use(express.static(options.demoDir));
  return app;
}

/** Whether a path under /dist/ names the server's build (dist/server/). */
function serverFile(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return /^\/server(\/|$)/i.test(posix.normalize(decoded.replace(/\\/g, '/')).replace(/^\/+/, '/'));
}

/** Starts the HTTP server with the app and signaling attached. Resolves once listening. */
export async function startServer(
  options: AppOptions & { port?: number; host?: string },
): Promise<RunningServer> {
  let redis: RedisConnection | undefined;
  if (options.redisUrl) {
    const logger =
      typeof options.logger === 'object' ? options.logger : createLogger(options.logger ?? 'info');
    redis = await connectRedis(options.redisUrl, { logger });
  }
  const app = createApp({
    ...options,
    // Load balancers stop sending new clients once this turns 503 (shutting down, Redis lost).
    // (`attached` exists by the time a request arrives.)
    health: () => ({
      ok: !attached.hub.draining && (redis ? redis.pub.isReady : true),
      node: attached.node,
      ...(attached.hub.draining ? { draining: true } : {}),
      ...(redis ? { redis: redis.pub.isReady ? 'ready' : 'unavailable' } : {}),
    }),
  });
  const http = createServer(app);
  const attached = attachSignaling(http, { ...options, redis: redis ?? options.redis });
  await attached.ready;
  const token = options.metricsToken;
  app.get('/metrics', (req, res) => {
    // Disabled unless a token is configured; compared in constant time.
    if (!token) return void res.status(404).end();
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${token}`);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      return void res.status(401).set('WWW-Authenticate', 'Bearer').end();
    }
    res.type('text/plain; version=0.0.4').send(attached.hub.metrics());
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 9001, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    ...attached,
    close: async () => {
      await attached.close();
      await redis?.close();
    },
    app,
    http,
    url: `http://${host}:${address.port}`,
  };
}
