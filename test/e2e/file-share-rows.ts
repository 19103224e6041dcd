// The list of an <rtc-file-share> in a Playwright page, as a person sees it: shared by the
// end-to-end tests that drive the element.
import type { Page } from 'playwright-core';

export interface Row {
  name: string;
  state: string;
  direction: string;
  figures: string;
  progressLabel: string;
  buttons: string[];
  download: { href: string; name: string } | null;
  html: string;
}

/** The rows of the page's <rtc-file-share> list, as shown. */
export function rows(page: Page): Promise<Row[]> {
  return page.evaluate(() =>
    [
      ...document
        .querySelector('rtc-file-share')!
        .shadowRoot!.querySelectorAll<HTMLElement>('[part="transfer"]'),
    ].map((li) => {
      const link = li.querySelector<HTMLAnchorElement>('[part="download"]');
      return {
        name: li.querySelector('[part="name"]')!.textContent,
        state: li.dataset['state'] ?? '',
        direction: li.dataset['direction'] ?? '',
        figures: li.querySelector('[part="figures"]')!.textContent.trim(),
        progressLabel: li.querySelector('progress')!.getAttribute('aria-label') ?? '',
        buttons: [...li.querySelectorAll('button')].map((b) => b.textContent.trim()),
        download: link ? { href: link.href, name: link.download } : null,
        html: li.querySelector('[part="name"]')!.innerHTML,
      };
    }),
  );
}

export async function waitForRow(
  page: Page,
  name: string,
  state: string,
  timeout = 30_000,
): Promise<Row> {
  await page.waitForFunction(
    ({ name, state }) =>
      [
        ...document
          .querySelector('rtc-file-share')!
          .shadowRoot!.querySelectorAll<HTMLElement>('[part="transfer"]'),
      ].some(
        (li) =>
          li.dataset['state'] === state && li.querySelector('[part="name"]')!.textContent === name,
      ),
    { name, state },
    { timeout },
  );
  return (await rows(page)).find((r) => r.name === name && r.state === state)!;
}

export const shareInput = (page: Page) => page.locator('rtc-file-share input[type="file"]');
