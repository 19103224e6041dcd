// What a person does on a demo page (type, click, pick a file) and what they see (videos that
// play, text that arrives, links to received files). Every wait is bounded; nothing sleeps.
import type { Page } from 'playwright-core';

export const WAIT = 20_000;

/** Which person a page is (set by the runner), for failure messages. */
export const who = new WeakMap<Page, string>();

/** Runs a wait; a failure says who waited for what. */
export async function expecting<T>(page: Page, what: string, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(`${who.get(page) ?? 'a person'} never ${what} (${reason})`, { cause: error });
  }
}

export async function type(page: Page, selector: string, text: string): Promise<void> {
  await expecting(page, `could type into ${selector}`, () =>
    page.fill(selector, text, { timeout: WAIT }),
  );
}

export async function click(page: Page, selector: string): Promise<void> {
  await expecting(page, `could click ${selector}`, () => page.click(selector, { timeout: WAIT }));
}

/** Types a line into a chat input and presses Enter (the demos send on keyup of Enter). */
export async function say(page: Page, selector: string, text: string): Promise<void> {
  await expecting(page, `could type into ${selector}`, () =>
    page.waitForSelector(`${selector}:not([disabled])`, { timeout: WAIT }),
  );
  await page.fill(selector, text);
  await page.press(selector, 'Enter');
}

/** Clicks a button that opens a file picker (the demos use FileBufferReader's FileSelector). */
export async function pickFile(
  page: Page,
  selector: string,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  await expecting(page, `could click ${selector}`, () =>
    page.waitForSelector(`${selector}:not([disabled])`, { timeout: WAIT }),
  );
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser', { timeout: WAIT }),
    page.click(selector),
  ]);
  await chooser.setFiles(file);
}

/** How many <video> elements on the page decode frames (videoWidth > 0). */
export function playingVideos(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      [...document.querySelectorAll('video')].filter(
        (v) => v.videoWidth > 0 && v.isConnected && !v.ended,
      ).length,
  );
}

/** Waits until at least `count` <video> elements decode frames. */
export async function seesVideos(page: Page, count: number, timeout = WAIT): Promise<void> {
  await expecting(page, `saw ${count} playing videos`, () =>
    page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('video')].filter((v) => v.videoWidth > 0 && v.isConnected)
          .length >= n,
      count,
      { timeout },
    ),
  );
}

/**
 * Waits until at least `count` audio or video elements play a live audio track (a person hears
 * them): the element has data (readyState >= 2) and its stream has a live audio track.
 */
export async function hearsAudio(page: Page, count: number, timeout = WAIT): Promise<void> {
  await expecting(page, `heard ${count} audio streams`, () =>
    page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('audio, video')].filter((m) => {
          const media = m as HTMLMediaElement;
          const stream = media.srcObject;
          return (
            media.isConnected &&
            media.readyState >= 2 &&
            stream instanceof MediaStream &&
            stream.getAudioTracks().some((t) => t.readyState === 'live')
          );
        }).length >= n,
      count,
      { timeout },
    ),
  );
}

/** Waits until the text of an element (the first match of `selector`) contains `text`. */
export async function seesText(
  page: Page,
  selector: string,
  text: string,
  timeout = WAIT,
): Promise<void> {
  await expecting(page, `saw "${text}" in ${selector}`, () =>
    page.waitForFunction(
      ({ selector, text }) =>
        [...document.querySelectorAll(selector)].some((e) => e.textContent.includes(text)),
      { selector, text },
      { timeout },
    ),
  );
}

/**
 * Waits for a link (in `selector`) to a received file whose name is `name`, fetches it in the
 * page and returns its content as text (what a person gets by clicking Download).
 */
export async function downloadsFile(
  page: Page,
  selector: string,
  name: string,
  timeout = WAIT,
): Promise<string> {
  const handle = await expecting(page, `got a link to ${name} in ${selector}`, () =>
    page.waitForFunction(
      ({ selector, name }) => {
        const links = [...document.querySelectorAll(`${selector} a[href]`)] as HTMLAnchorElement[];
        const link = links.find(
          (a) =>
            a.href.startsWith('blob:') && (a.download === name || a.textContent.includes(name)),
        );
        return link?.href;
      },
      { selector, name },
      { timeout },
    ),
  );
  const href = (await handle.jsonValue()) as string;
  return page.evaluate(async (href) => (await fetch(href)).text(), href);
}

/** A small text file to share, different per test. */
export function textFile(tag: string): { name: string; mimeType: string; buffer: Buffer } {
  const body = `hello from ${tag}\n`.repeat(2000);
  return { name: `${tag}.txt`, mimeType: 'text/plain', buffer: Buffer.from(body) };
}
