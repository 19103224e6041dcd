/** Served by the signaling plugin in web-test-runner.config.mjs. */
declare module '/__signaling.js' {
  export const signalingUrl: string;
}
