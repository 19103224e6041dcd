// The author's own RTCMultiConnection demo pages (demos/ of muaz-khan/RTCMultiConnection at its
// newest commit and at tag 3.6.3), run unchanged in real Chromium pages and driven only through
// their own buttons and inputs, in four modes:
//   baseline  RTCMultiConnection 3.7.1 on the original server (npm rtcmulticonnection-server
//             1.3.3): tells which demos are broken by themselves;
//   legacy    3.7.1 on our server;
//   compat    our dist/rtcmulticonnection.js on our server;
//   mixed     the first person on 3.7.1, the others on our compat script, one room, our server.
//
// The demo pages are not part of this repository: the suite reads a local copy of that
// repository (git archive of a commit) from $RTCMC_REPO (default /work/rmc-demos/latest) and
// $RTCMC_REPO_363 (default /work/rmc-demos/3.6.3), and skips a copy that is absent.
//
// What a page gets other than its own files (./rmc-demos/routing.ts):
//   - /dist/RTCMultiConnection(.min).js: 3.7.1's file of the same name, or our compat script;
//   - /socket.io/socket.io.js: the signaling server's own (both servers serve it);
//   - `connection.socketURL = '/';` names the signaling server under test;
//   - /node_modules/{webrtc-adapter,fbr,recordrtc,getstats,multistreamsmixer,canvas-designer}:
//     this project's installed copies (dependencies of the rtcmulticonnection devDependency).
// Stubs for scripts from outside this machine (./rmc-demos/stubs.ts):
//   - www|cdn.webrtc-experiment.com/common.js, commits.js, buttons.github.io/buttons.js:
//     site chrome (analytics, comments, commit list, GitHub buttons): an empty script;
//   - www|cdn.webrtc-experiment.com/style.css: an empty style sheet;
//   - www|cdn.webrtc-experiment.com/RecordRTC.js: node_modules/recordrtc/RecordRTC.js;
//   - cdn.webrtc-experiment.com/getMediaElement.js: a 15-line stand-in (a <div> with `.media`).
// Every other request for a host other than 127.0.0.1 is aborted and shown when a test fails
// (fonts, images, emojione and pdf.js from CDNs, Google Translate, ...).
//
// Demos not run here, and why: translate-text-chat.html / Translate-TextChat.html (every message
// goes through Google Translate's API before it is shown), vuejs-video-conferencing.html (Vue
// from a CDN), SSEConnection.html (a PHP server-sent-events backend), Firebase-Demo.html,
// PubNub-Demo.html, WebSocket-Demo.html (third-party signaling services), v2-conference.html
// (a websocket signaler from the author's CDN), Cross-Domain-Screen-Capturing.html,
// video-and-screen-sharing.html at 3.6.3, Scalable-Screen-Broadcast.html and
// Scalable-Screen-plus-Audio-Broadcast.html (getScreenId.js: a Chrome-extension-era capture
// through an iframe on webrtc-experiment.com; not installed), share-part-of-screen.html
// (html2canvas from the author's CDN), Pre-recorded-Media-Streaming.html (needs a .webm or
// .mp3 the person picks; the suite has none), MultiRTC/ (a 3.6.3-era app whose settings UI the
// suite does not drive), index.html (a list of links), dashboard/*-old.html (superseded copies).
// The flows of dashboard/canvas-designer.html and video-conference/video-conference.html are run
// from their lobbies (dashboard/, video-conference/), as a person reaches them.
// ICE: the demos name Google's STUN servers; the suite runs in a loopback-only network
// namespace (scripts/netns.mjs), so those lookups fail at once and nothing leaves the machine.
//
// Run: npm run build && node scripts/netns.mjs node --import tsx --test --test-concurrency=1 \
//        test/e2e/rmc-demos.test.ts
// By default (and in `npm test`) the three modes on our server run, and known failures (each
// driver's `todo`, with its cause) are skipped; RMC_DEMO_MODES=baseline,legacy,compat,mixed adds
// the original server, RMC_DEMO_TODO=1 runs the known failures too (as todo: they report, never
// fail the run). RMC_DEMO_PAGES=<substrings of page names> narrows it; RMC_DEMO_CONCURRENCY
// (default 2) demos run at once; RMC_DEMO_DEBUG=1 puts every console message and socket URL of
// the pages in failure messages.
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../server/index.js';
import { launchBrowser } from '../support/browser.js';
import { startSignaling } from '../support/servers.js';
import { DRIVERS } from './rmc-demos/drivers.js';
import { startOriginalServer, type OriginalServer } from './rmc-demos/original-server.js';
import { MODES, REFS, runDemo, type Mode, type Ref, type Servers } from './rmc-demos/run.js';
import { startDemoSite, type DemoSite } from './rmc-demos/site.js';

const COPIES: Record<Ref, string> = {
  latest: process.env['RTCMC_REPO'] ?? '/work/rmc-demos/latest',
  '3.6.3': process.env['RTCMC_REPO_363'] ?? '/work/rmc-demos/3.6.3',
};

/** Which modes to run (RMC_DEMO_MODES=baseline,compat,mixed), default the three on our server. */
const modes = (process.env['RMC_DEMO_MODES']?.split(',') ?? [
  'legacy',
  'compat',
  'mixed',
]) as Mode[];
/** Whether known failures run (as todo) or are skipped with their cause (RMC_DEMO_TODO=1). */
const runTodo = process.env['RMC_DEMO_TODO'] === '1';
/** How many demos run at once (RMC_DEMO_CONCURRENCY, default 2). */
const CONCURRENCY = Number(process.env['RMC_DEMO_CONCURRENCY'] ?? 2) || 1;
/** Which demos to run (RMC_DEMO_PAGES=one-to-one,chat), default all: substrings of the page. */
const only = process.env['RMC_DEMO_PAGES']?.split(',');

for (const ref of Object.keys(REFS) as Ref[]) {
  const repo = COPIES[ref];
  const present = existsSync(`${repo}/demos`);
  describe(`RTCMultiConnection demos at ${REFS[ref]} (${repo})`, () => {
    if (!present) {
      it(
        `skipped: no copy of the RTCMultiConnection repository at ${repo} (set ${ref === 'latest' ? 'RTCMC_REPO' : 'RTCMC_REPO_363'})`,
        {
          skip: true,
        },
      );
      return;
    }
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => {
      await browser.close();
    });
    const drivers = DRIVERS.filter(
      (d) => d.ref === ref && (!only || only.some((o) => d.page.includes(o))),
    );
    for (const mode of modes) {
      // Two demos at a time (each in its own browser contexts, with its own room).
      describe(MODES[mode].title, { concurrency: CONCURRENCY }, () => {
        let servers: Servers;
        let stop: () => Promise<void>;
        before(async () => {
          if (MODES[mode].server === 'original') {
            const original: OriginalServer = await startOriginalServer(repo);
            servers = { site: original.url, signaling: original.url };
            stop = () => original.close();
          } else {
            const signaling: RunningServer = await startSignaling();
            const site: DemoSite = await startDemoSite(repo, signaling.url);
            servers = { site: site.url, signaling: signaling.url };
            stop = async () => {
              await site.close();
              await signaling.close();
            };
          }
        });
        after(async () => {
          await stop();
        });
        for (const driver of drivers) {
          const broken = driver.broken && `broken by itself: ${driver.broken}`;
          // A demo broken by itself runs (as todo) on the original server only, to show it.
          const todo = (mode === 'baseline' && broken) || driver.todo?.[mode];
          const skip = (mode !== 'baseline' && broken) || (!runTodo && todo && `known: ${todo}`);
          it(
            driver.page,
            { timeout: 60_000, todo: runTodo ? todo : undefined, skip: skip || undefined },
            () => runDemo(browser, servers, driver, mode),
          );
        }
      });
    }
  });
}
