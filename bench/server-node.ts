/**
 * A signaling node for `npm run bench:server`, in its own process (with REDIS_URL from the
 * environment when set); sends its URL, answers "rss" and "cpu" (its CPU time so far, in µs).
 */
import { startServer } from '../server/index.js';

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  logger: 'silent',
  redisUrl: process.env['REDIS_URL'] || undefined,
  // The load comes from one address at machine speed: lift the per-client abuse limits.
  rateLimits: {
    connectionsPerMinute: 0,
    connectionsPerAddress: 0,
    messagesPerSecond: 0,
    messageBurst: 1e9,
  },
});
process.send?.({ url: server.url });
process.on('message', (message) => {
  if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  }
  if (message === 'stop') void server.close().then(() => process.exit(0));
});
