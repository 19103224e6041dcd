// Where Chromium is and how tests launch it (see ../shared/reference/testing-recipe.md).
import { existsSync } from 'node:fs';

/** Flags for headless Chromium as root on a closed network, with fake camera, mic and screen. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  // Chromium 14x+ loads the address bar's WebUI popup (chrome://omnibox-popup.top-chrome) in a
  // renderer of its own for every new window, headless too: about 1 CPU-second per browser
  // context (6 contexts: 7.5 CPU-s with it, 1.4 without), spent while the test's pages run.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI',
];

/** The Chromium binary: $CHROME_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error(
      'Chromium not found. Install it (Debian: apt-get install -y chromium) or set CHROME_PATH.',
    );
  }
  return found;
}
