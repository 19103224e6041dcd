// Runs one demo in one mode: opens each person's page in its own browser context (routed per
// ./routing.ts), lets the demo's driver open, join and check, and on failure tells what each
// page reported (page errors, console errors, alerts, aborted requests).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newPage } from '../../support/browser.js';
import { who } from './person.js';
import { routeDemoPage, SCRIPTS, type Script } from './routing.js';

/** The copies of the RTCMultiConnection repository the suite runs demos from. */
export const REFS = {
  latest: 'the newest commit (7c09c85)',
  '3.6.3': 'tag 3.6.3',
} as const;
export type Ref = keyof typeof REFS;

export const MODES = {
  baseline: {
    title: 'baseline: 3.7.1 on the original server',
    server: 'original',
    script: (): Script => 'legacy',
  },
  legacy: { title: '3.7.1 on our server', server: 'ours', script: (): Script => 'legacy' },
  compat: { title: 'compat on our server', server: 'ours', script: (): Script => 'compat' },
  mixed: {
    title: 'mixed (3.7.1 opens, compat joins) on our server',
    server: 'ours',
    // The first person (who opens the room or starts the broadcast) runs 3.7.1, the others ours.
    script: (index: number): Script => (index === 0 ? 'legacy' : 'compat'),
  },
} as const;
export type Mode = keyof typeof MODES;

export interface Person {
  page: Page;
  context: BrowserContext;
  script: Script;
  /** What the page reported: uncaught errors, console errors, alerts. */
  log: string[];
  /** Requests for other hosts that no stub answered (aborted). */
  outside: string[];
  /** What the person types into the page's next prompt() dialogs, in order. */
  answers: string[];
}

/** What a driver gets: the room, and a way to bring in each person. */
export interface DemoContext {
  mode: Mode;
  /** A room (or broadcast) id unique to this run. */
  room: string;
  /** Opens person `index`'s page at the demo's path (plus `suffix`: a query or hash). */
  visit(index: number, suffix?: string): Promise<Page>;
  /** Makes a page the person's page from now on (a window the demo opened for them). */
  adopt(index: number, page: Page): void;
  people: Person[];
}

export interface DemoDriver {
  ref: Ref;
  /** The page, relative to demos/. */
  page: string;
  /** How many people take part (default 2). */
  users?: number;
  /** The first person opens the room (start the broadcast, ...). */
  open(page: Page, d: DemoContext): Promise<void>;
  /** Each other person (index >= 1) joins. */
  join(page: Page, d: DemoContext, index: number): Promise<void>;
  /** What the people see once everyone is in. */
  check(pages: Page[], d: DemoContext): Promise<void>;
  /** Known failures that are not ours to fix here, per mode: the cause (node:test's todo). */
  todo?: Partial<Record<Mode, string>>;
  /**
   * Why the demo fails with 3.7.1 on the original server too (a bug of the demo itself): it runs
   * as a todo in the baseline only, and is skipped in the other modes.
   */
  broken?: string;
}

export interface Servers {
  /** Origin the demo pages are served from. */
  site: string;
  /** Origin of the signaling server (the same as `site` for the original server). */
  signaling: string;
}

let runs = 0;

/** RMC_DEMO_DEBUG=1: failures show every console message of the pages, not only errors. */
const DEBUG = process.env['RMC_DEMO_DEBUG'] === '1';

export async function runDemo(
  browser: Browser,
  servers: Servers,
  driver: DemoDriver,
  mode: Mode,
): Promise<void> {
  const room = `rmc${Date.now().toString(36)}${(runs++).toString(36)}`;
  const people: Person[] = [];
  const d: DemoContext = {
    mode,
    room,
    people,
    async visit(index, suffix = '') {
      const script = MODES[mode].script(index);
      const { context, page } = await newPage(browser, { collectErrors: true });
      const person: Person = { page, context, script, log: [], outside: [], answers: [] };
      people[index] = person;
      await routeDemoPage(context, { ...servers, script, outside: person.outside });
      d.adopt(index, page);
      await page.goto(`${servers.site}/demos/${driver.page}${suffix}`, { waitUntil: 'load' });
      return page;
    },
    adopt(index, page) {
      const person = people[index]!;
      person.page = page;
      who.set(page, `person ${index} (${SCRIPTS[person.script]})`);
      page.on('pageerror', (error) => person.log.push(`pageerror: ${error.message}`));
      if (DEBUG) page.on('websocket', (ws) => person.log.push(`websocket: ${ws.url()}`));
      page.on('console', (message) => {
        if (message.type() === 'error' || DEBUG) {
          person.log.push(`console.${message.type()}: ${message.text()}`);
        }
      });
      page.on('dialog', (dialog) => {
        person.log.push(`${dialog.type()}: ${dialog.message()}`);
        const answer = dialog.type() === 'prompt' ? person.answers.shift() : undefined;
        void (answer === undefined ? dialog.dismiss() : dialog.accept(answer)).catch(
          () => undefined,
        );
      });
    },
  };
  try {
    await driver.open(await d.visit(0), d);
    for (let i = 1; i < (driver.users ?? 2); i++) await driver.join(await d.visit(i), d, i);
    await driver.check(
      people.map((p) => p.page),
      d,
    );
  } catch (error) {
    await Promise.all(people.map((p) => noteState(p)));
    throw new Error(`${describeFailure(error)}\n${report(people)}`, { cause: error });
  } finally {
    await Promise.all(people.map((p) => p.context.close().catch(() => undefined)));
  }
}

/** Adds what the person's page shows to its log: media elements and the connection's peers. */
async function noteState(person: Person): Promise<void> {
  const state = await person.page
    .evaluate(() => {
      const media = [...document.querySelectorAll('audio, video')].map((m) => {
        const e = m as HTMLVideoElement;
        const stream = e.srcObject instanceof MediaStream ? e.srcObject : undefined;
        const tracks = stream?.getTracks().map((t) => `${t.kind}:${t.readyState}`) ?? [];
        const where = e.id ? `#${e.id}` : e.parentElement?.id ? `in #${e.parentElement.id}` : '';
        return `${e.localName}${where ? ` ${where}` : ''} ${e.videoWidth}x${e.videoHeight} ready=${e.readyState} [${tracks.join(',')}]`;
      });
      const c = (
        window as {
          connection?: {
            userid?: string;
            getAllParticipants?: () => string[];
            streamEvents?: Record<string, unknown>;
          };
        }
      ).connection;
      const peers = c?.getAllParticipants?.() ?? [];
      // The connection's stream events: who, local or remote, screen or not, what tracks.
      const streams = Object.values(c?.streamEvents ?? {}).map((value) => {
        const event = value as {
          type?: string;
          userid?: string;
          isScreen?: boolean;
          stream?: MediaStream & { isScreen?: boolean };
        };
        const kinds = event.stream?.getTracks().map((t) => t.kind) ?? [];
        const screen = event.isScreen || event.stream?.isScreen ? ' screen' : '';
        return `${event.type ?? '?'} ${event.userid ?? '?'}${screen} [${kinds.join(',')}]`;
      });
      return `page shows: ${media.join(' | ') || 'no media'}; userid=${c?.userid ?? '-'} participants=[${peers.join(',')}] streams=[${streams.join('; ')}]`;
    })
    .catch((e: unknown) => `page state unavailable: ${String(e)}`);
  person.log.unshift(state);
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** What each page said, for a failure message (the first lines of each). */
export function report(people: Person[]): string {
  return people
    .map((p, i) => {
      const lines = [...new Set(p.log)]
        .slice(0, DEBUG ? 400 : 12)
        .map((l) => `    ${l.slice(0, DEBUG ? 2000 : 600)}`);
      const outside = p.outside.length ? [`    aborted: ${[...new Set(p.outside)].join(' ')}`] : [];
      return [`  person ${i} (${SCRIPTS[p.script]}):`, ...lines, ...outside].join('\n');
    })
    .join('\n');
}
