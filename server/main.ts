/** `npm start`: the signaling server with the demo and the bundle. Settings come from the environment. */
import { fileURLToPath } from 'node:url';
import { startServer } from './app.js';
import { configFromEnv } from './config.js';

const config = configFromEnv();
const server = await startServer({
  ...config,
  logger: config.logLevel,
  demoDir: fileURLToPath(new URL('../../demo/', import.meta.url)),
  distDir: fileURLToPath(new URL('../', import.meta.url)),
});
console.log(`rtc-elements signaling server on ${server.url} (demo at ${server.url}/)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
