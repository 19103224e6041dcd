// @web/test-runner: element and engine tests in Debian Chromium (fake camera, mic and screen)
// against the real signaling server, which this config starts on 127.0.0.1 for the run.
// Run it inside a loopback-only network namespace: `npm run test:browser`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { startServer } from './dist/server/index.js';
import { CHROMIUM_ARGS, chromiumPath } from './test/support/chromium.mjs';

/** Starts the signaling server for the run and serves its URL as a virtual module. */
function signalingPlugin() {
  let server;
  return {
    name: 'rtc-signaling',
    async serverStart() {
      server = await startServer({ port: 0, host: '127.0.0.1', logger: 'silent' });
    },
    async serverStop() {
      await server?.close();
    },
    serve(context) {
      if (context.path === '/__signaling.js') {
        return `export const signalingUrl = ${JSON.stringify(server.url)};`;
      }
      return undefined;
    },
  };
}

export default {
  files: ['test/engine/**/*.test.ts', 'test/elements/**/*.test.ts', 'test/compat/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'production'] },
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    signalingPlugin(),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 5 * 60 * 1000,
};
