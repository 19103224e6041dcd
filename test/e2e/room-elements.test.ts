import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { useE2E } from './harness.js';
import { succeeds, useApiPages, waitForEvent } from './pages.js';

describe('<rtc-user-status> and <rtc-chat> in independent pages', { timeout: 120_000 }, () => {
  const env = useE2E();
  const pages = useApiPages(env);

  it('<rtc-user-status> lists you and the others: names, owner badge, muted state, offline', async () => {
    const roomId = 'status';
    const a = await pages.open({ roomId, userId: 'us-a', name: 'Alice', userStatus: true });
    const b = await pages.open({ roomId, userId: 'us-b', name: 'Bob', userStatus: true });
    const c = await pages.open({ roomId, userId: 'us-c', name: 'Carol', userStatus: true });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await succeeds(c.page, 'join');

    const person = (
      userId: string,
      name: string,
      more: Partial<ShownPerson> = {},
    ): ShownPerson => ({
      userId,
      name,
      you: false,
      status: 'online',
      owner: false,
      micMuted: 'false',
      cameraMuted: 'false',
      ...more,
    });
    await waitForPeople(b.page, [
      person('us-b', 'Bob', { you: true }),
      person('us-a', 'Alice', { owner: true }),
      person('us-c', 'Carol'),
    ]);
    await waitForPeople(a.page, [
      person('us-a', 'Alice', { you: true, owner: true }),
      person('us-b', 'Bob'),
      person('us-c', 'Carol'),
    ]);
    assert.equal(
      await b.page.evaluate(() =>
        document
          .querySelector('rtc-user-status')!
          .shadowRoot!.querySelector('ul')!
          .getAttribute('aria-label'),
      ),
      'People in the room',
    );

    // Another page mutes its microphone, then its camera.
    await succeeds(a.page, 'mute', 'audio');
    await waitForEvent(b.page, 'rtc-mute', { userId: 'us-a', kind: 'audio' });
    await waitForPeople(b.page, [
      person('us-b', 'Bob', { you: true }),
      person('us-a', 'Alice', { owner: true, micMuted: 'true' }),
      person('us-c', 'Carol'),
    ]);
    assert.deepEqual(await stateTexts(b.page, 'us-a'), ['microphone muted', 'camera on']);
    await succeeds(a.page, 'mute', 'video');
    await waitForPeople(b.page, [
      person('us-b', 'Bob', { you: true }),
      person('us-a', 'Alice', { owner: true, micMuted: 'true', cameraMuted: 'true' }),
      person('us-c', 'Carol'),
    ]);
    assert.deepEqual(await stateTexts(b.page, 'us-a'), ['microphone muted', 'camera off']);
    await succeeds(a.page, 'unmute', 'audio');
    await waitForPeople(b.page, [
      person('us-b', 'Bob', { you: true }),
      person('us-a', 'Alice', { owner: true, cameraMuted: 'true' }),
      person('us-c', 'Carol'),
    ]);

    // Someone leaves: still listed, offline, last.
    await succeeds(c.page, 'leave');
    await waitForPeople(b.page, [
      person('us-b', 'Bob', { you: true }),
      person('us-a', 'Alice', { owner: true, cameraMuted: 'true' }),
      person('us-c', 'Carol', { status: 'offline' }),
    ]);
    await pages.closeAll();
  });

  it('<rtc-user-status> shows who speaks from the audio level; muting stops it', async () => {
    const roomId = 'speaking';
    const a = await pages.open({ roomId, userId: 'sp-a', name: 'Alice', session: 'audio' });
    const b = await pages.open({
      roomId,
      userId: 'sp-b',
      name: 'Bob',
      session: 'audio',
      // No grid: <rtc-user-status> must measure remote audio on its own.
      userStatus: true,
    });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    // The fake microphone plays a tone.
    await b.page.waitForFunction(
      () =>
        document
          .querySelector('rtc-user-status')!
          .shadowRoot!.querySelector('[data-user-id="sp-a"]')
          ?.hasAttribute('data-speaking') === true,
      undefined,
      { timeout: 20_000 },
    );
    assert.equal(await speakingLabelShown(b.page, 'sp-a'), true);

    await succeeds(a.page, 'mute', 'audio');
    await waitForEvent(b.page, 'rtc-mute', { userId: 'sp-a' });
    await b.page.waitForFunction(
      () =>
        document
          .querySelector('rtc-user-status')!
          .shadowRoot!.querySelector('[data-user-id="sp-a"]')
          ?.hasAttribute('data-speaking') === false,
      undefined,
      { timeout: 10_000 },
    );
    // And it stays off: watch for a few of the tone's periods.
    const cameBack = await b.page.evaluate(async () => {
      const li = document
        .querySelector('rtc-user-status')!
        .shadowRoot!.querySelector('[data-user-id="sp-a"]')!;
      let seen = false;
      const observer = new MutationObserver(() => {
        if (li.hasAttribute('data-speaking')) seen = true;
      });
      observer.observe(li, { attributes: true });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      observer.disconnect();
      return seen;
    });
    assert.equal(cameBack, false);
    assert.equal(await speakingLabelShown(b.page, 'sp-a'), false);
    await pages.closeAll();
  });

  it('<rtc-chat>: a typed message appears on the other page with name and time, always as text', async () => {
    const roomId = 'chat';
    const a = await pages.open({ roomId, userId: 'ch-a', name: 'Alice', chat: true });
    const b = await pages.open({ roomId, userId: 'ch-b', name: 'Bob', chat: true });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForChatReady(a.page);
    for (const { page } of [a, b]) await watchForElements(page);

    const before = Date.now();
    await a.page.locator('rtc-chat input').fill('Hello Bob');
    await a.page.locator('rtc-chat input').press('Enter');
    await waitForChatMessages(b.page, 1);
    const [received] = await chatMessages(b.page);
    assert.equal(received!.sender, 'Alice');
    assert.equal(received!.text, 'Hello Bob');
    assert.ok(received!.time !== '', 'the time is shown');
    const at = Date.parse(received!.datetime);
    assert.ok(at >= before - 60_000 && at <= Date.now() + 60_000, 'a valid datetime');
    assert.equal((await chatMessages(a.page))[0]!.sender, 'You');
    assert.equal(await a.page.locator('rtc-chat input').inputValue(), '');

    const attack = '<img src=x onerror="window.pwned=1"><b>bold</b><script>window.pwned=2</script>';
    await a.page.locator('rtc-chat input').fill(attack);
    await a.page.locator('rtc-chat button[type="submit"]').click();
    await waitForChatMessages(b.page, 2);
    for (const { page } of [a, b]) {
      await waitForChatMessages(page, 2);
      assert.equal((await chatMessages(page))[1]!.text, attack);
      assert.deepEqual(await addedElements(page), [], 'no element came from the text');
      assert.equal(
        await page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
        undefined,
      );
    }
    await pages.closeAll();
  });

  it('<rtc-chat> scrolls to new messages at the bottom and keeps a reader’s place when scrolled up', async () => {
    const roomId = 'chat-scroll';
    const a = await pages.open({ roomId, userId: 'cs-a', name: 'Alice' });
    const b = await pages.open({ roomId, userId: 'cs-b', name: 'Bob', chat: true });
    await succeeds(a.page, 'open');
    await succeeds(b.page, 'join');
    await waitForChatReady(b.page);
    await a.page.evaluate(async () => {
      const room = document.querySelector('rtc-room')!;
      for (let i = 0; i < 40; i++) await room.send(`line ${i}`);
    });
    await waitForChatMessages(b.page, 40);
    await b.page.waitForFunction(() => {
      const log = document.querySelector('rtc-chat')!.shadowRoot!.querySelector('.log')!;
      return log.scrollHeight - log.scrollTop - log.clientHeight <= 1;
    });
    assert.ok((await logGeometry(b.page)).scrollTop > 0, 'the log overflows and scrolled');
    assert.equal(await jumpButton(b.page), null);

    // The reader scrolls up: new messages neither move the log nor go unnoticed.
    await b.page.evaluate(async () => {
      const log = document.querySelector('rtc-chat')!.shadowRoot!.querySelector('.log')!;
      const scrolled = new Promise((resolve) => {
        log.addEventListener('scroll', resolve, { once: true });
      });
      log.scrollTop = 0;
      await scrolled;
    });
    await succeeds(a.page, 'send', 'while you read');
    await waitForChatMessages(b.page, 41);
    await b.page.waitForFunction(
      () =>
        !document.querySelector('rtc-chat')!.shadowRoot!.querySelector<HTMLElement>('.jump')!
          .hidden,
    );
    assert.equal((await logGeometry(b.page)).scrollTop, 0);
    assert.equal(await jumpButton(b.page), '1 new message');
    await succeeds(a.page, 'send', 'and another');
    await waitForChatMessages(b.page, 42);
    await b.page.waitForFunction(
      () =>
        document
          .querySelector('rtc-chat')!
          .shadowRoot!.querySelector('.jump')!
          .textContent.trim() === '2 new messages',
    );
    assert.equal((await logGeometry(b.page)).scrollTop, 0);

    // The button takes the reader down; at the bottom, new messages scroll into view.
    await b.page.locator('rtc-chat .jump').click();
    await b.page.waitForFunction(() => {
      const log = document.querySelector('rtc-chat')!.shadowRoot!.querySelector('.log')!;
      return log.scrollHeight - log.scrollTop - log.clientHeight <= 1;
    });
    assert.equal(await jumpButton(b.page), null);
    await succeeds(a.page, 'send', 'at the bottom');
    await waitForChatMessages(b.page, 43);
    await b.page.waitForFunction(() => {
      const log = document.querySelector('rtc-chat')!.shadowRoot!.querySelector('.log')!;
      const last = log.querySelector('li:last-child')!.getBoundingClientRect();
      const box = log.getBoundingClientRect();
      return (
        log.scrollHeight - log.scrollTop - log.clientHeight <= 1 &&
        last.bottom <= box.bottom + 1 &&
        last.top >= box.top
      );
    });
    assert.equal(await jumpButton(b.page), null);
    assert.deepEqual(await succeeds(b.page, 'getAllParticipants'), ['cs-a']);
    await pages.closeAll();
  });
});

interface ShownPerson {
  userId: string;
  name: string;
  you: boolean;
  status: string;
  owner: boolean;
  micMuted: string;
  cameraMuted: string;
}

function shownPeople(page: Page): Promise<ShownPerson[]> {
  return page.evaluate(() =>
    [
      ...document
        .querySelector('rtc-user-status')!
        .shadowRoot!.querySelectorAll<HTMLElement>('li[part="person"]'),
    ].map((li) => ({
      userId: li.dataset['userId'] ?? '',
      name: li.querySelector('[part="name"]')?.textContent.trim() ?? '',
      you: li.querySelector('[part="you"]')?.textContent.trim() === '(you)',
      status: li.dataset['status'] ?? '',
      owner: li.querySelector('[part="owner"]') !== null,
      micMuted: li.querySelector('[part="mic"]')?.getAttribute('data-muted') ?? '',
      cameraMuted: li.querySelector('[part="camera"]')?.getAttribute('data-muted') ?? '',
    })),
  );
}

/** Waits until <rtc-user-status> shows exactly these people, in this order. */
async function waitForPeople(page: Page, expected: ShownPerson[]): Promise<void> {
  const wanted = JSON.stringify(expected);
  await page
    .waitForFunction(
      (wanted) =>
        JSON.stringify(
          [
            ...document
              .querySelector('rtc-user-status')!
              .shadowRoot!.querySelectorAll<HTMLElement>('li[part="person"]'),
          ].map((li) => ({
            userId: li.dataset['userId'] ?? '',
            name: li.querySelector('[part="name"]')?.textContent.trim() ?? '',
            you: li.querySelector('[part="you"]')?.textContent.trim() === '(you)',
            status: li.dataset['status'] ?? '',
            owner: li.querySelector('[part="owner"]') !== null,
            micMuted: li.querySelector('[part="mic"]')?.getAttribute('data-muted') ?? '',
            cameraMuted: li.querySelector('[part="camera"]')?.getAttribute('data-muted') ?? '',
          })),
        ) === wanted,
      wanted,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
  assert.deepEqual(await shownPeople(page), expected);
}

/** The microphone and camera labels shown for a person. */
function stateTexts(page: Page, userId: string): Promise<string[]> {
  return page.evaluate(
    (userId) =>
      [
        ...document
          .querySelector('rtc-user-status')!
          .shadowRoot!.querySelectorAll(
            `[data-user-id="${CSS.escape(userId)}"] [part="mic"], [data-user-id="${CSS.escape(userId)}"] [part="camera"]`,
          ),
      ].map((e) => e.textContent.trim()),
    userId,
  );
}

/** Whether the "speaking" label of a person is shown (not hidden). */
function speakingLabelShown(page: Page, userId: string): Promise<boolean> {
  return page.evaluate(
    (userId) =>
      !document
        .querySelector('rtc-user-status')!
        .shadowRoot!.querySelector<HTMLElement>(
          `[data-user-id="${CSS.escape(userId)}"] [part="speaking"]`,
        )!.hidden,
    userId,
  );
}

interface ShownMessage {
  sender: string;
  text: string;
  time: string;
  datetime: string;
}

function chatMessages(page: Page): Promise<ShownMessage[]> {
  return page.evaluate(() =>
    [...document.querySelector('rtc-chat')!.shadowRoot!.querySelectorAll('li[part="message"]')].map(
      (li) => ({
        sender: li.querySelector('[part="sender"]')?.textContent.trim() ?? '',
        text: li.querySelector('[part="text"]')?.textContent ?? '',
        time: li.querySelector('time')?.textContent.trim() ?? '',
        datetime: li.querySelector('time')?.getAttribute('datetime') ?? '',
      }),
    ),
  );
}

async function waitForChatMessages(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (count) =>
      document.querySelector('rtc-chat')!.shadowRoot!.querySelectorAll('li[part="message"]')
        .length >= count,
    count,
    { timeout: 20_000 },
  );
}

/** Waits until the chat can send: the room is joined and its peer connection is up. */
async function waitForChatReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const connection = document.querySelector('rtc-room')!.connection;
      const input = document.querySelector('rtc-chat')?.shadowRoot?.querySelector('input');
      return (
        !!connection &&
        connection.connectedUserIds.length > 0 &&
        connection.connectedUserIds.every(
          (id) => connection.peerConnection(id)?.connectionState === 'connected',
        ) &&
        input?.disabled === false
      );
    },
    undefined,
    { timeout: 20_000 },
  );
}

/** Records every element added to the chat from now on (window.added). */
async function watchForElements(page: Page): Promise<void> {
  await page.evaluate(() => {
    const added: string[] = [];
    (window as unknown as { added: string[] }).added = added;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (!(node instanceof Element)) continue;
          for (const element of [node, ...node.querySelectorAll('*')]) {
            // The chat's own markup for a message.
            if (!['LI', 'SPAN', 'TIME'].includes(element.tagName)) added.push(element.tagName);
          }
        }
      }
    }).observe(document.querySelector('rtc-chat')!.shadowRoot!, { childList: true, subtree: true });
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes)
          if (node instanceof Element) added.push(`document:${node.tagName}`);
    }).observe(document.body, { childList: true, subtree: true });
  });
}

function addedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { added: string[] }).added);
}

/** The "new messages" button's text, or null while it is hidden. */
function jumpButton(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const button = document
      .querySelector('rtc-chat')!
      .shadowRoot!.querySelector<HTMLElement>('.jump')!;
    return button.hidden ? null : button.textContent.trim();
  });
}

function logGeometry(page: Page): Promise<{ scrollTop: number; fromBottom: number }> {
  return page.evaluate(() => {
    const log = document.querySelector('rtc-chat')!.shadowRoot!.querySelector('.log')!;
    return {
      scrollTop: log.scrollTop,
      fromBottom: log.scrollHeight - log.scrollTop - log.clientHeight,
    };
  });
}
