// One driver per demo page: which page, how the first person opens the room, how the others
// join, and what they should then see. Drivers use only the page's own inputs and buttons.
import type { Page } from 'playwright-core';
import type { DemoContext, DemoDriver, Mode, Ref } from './run.js';
import {
  click,
  downloadsFile,
  expecting,
  hearsAudio,
  pickFile,
  say,
  seesText,
  seesVideos,
  textFile,
  type,
  WAIT,
} from './person.js';

type Check = (pages: Page[], d: DemoContext) => Promise<void>;

/**
 * Known causes of failures that are not ours, or not supported yet
 * (docs/migrating-from-rtcmulticonnection.md, "The author's demo pages").
 */
const CAUSE = {
  relayGlare:
    'flaky by itself (on the original server too): when a viewer starts relaying, its page ' +
    'swaps the tracks of the peers below it and renegotiates (Scalable-Broadcast.html:196-214) ' +
    'while an answer is in flight: "Called in wrong state: stable", the last viewer stays ' +
    'black (RTCMultiConnection#636, #675)',
  secondRoom:
    'not supported yet (one room per socket on our server): the second broadcaster joins the ' +
    'first room and then opens its own (open(connection.userid)); ours moves its socket out of ' +
    'the first room, which ends its peers there; the original keeps the socket in both',
} as const;

/** The same cause in every mode. */
const everywhere = (cause: string): Partial<Record<Mode, string>> => ({
  baseline: cause,
  legacy: cause,
  compat: cause,
  mixed: cause,
});

/** The same cause for our server's three modes. */
const onOurServer = (cause: string): Partial<Record<Mode, string>> => ({
  legacy: cause,
  compat: cause,
  mixed: cause,
});

interface RoomDemo {
  ref: Ref;
  page: string;
  users?: number;
  /** The room id input, and the buttons (defaults: #room-id, #open-room, #join-room). */
  input?: string;
  openButton?: string;
  joinButton?: string;
  /** What shows that the room is open, before anyone joins (default: #room-urls shown). */
  opened?: (page: Page) => Promise<void>;
  /** What the person does before clicking "Open Room" / "Join Room". */
  open?: (page: Page, d: DemoContext) => Promise<void>;
  join?: (page: Page, d: DemoContext, index: number) => Promise<void>;
  check: Check;
  todo?: Partial<Record<Mode, string>>;
  broken?: string;
}

/** The room URL box the demos show once `open()` calls back. */
const roomUrlsShown = (page: Page) =>
  page.waitForSelector('#room-urls', { state: 'visible', timeout: WAIT }).then(() => undefined);

/** The usual demo: type a room id, click "Open Room"; the others type it and click "Join Room". */
function roomDemo(o: RoomDemo): DemoDriver {
  const input = o.input ?? '#room-id';
  return {
    ref: o.ref,
    page: o.page,
    users: o.users,
    todo: o.todo,
    broken: o.broken,
    async open(page, d) {
      await type(page, input, d.room);
      await o.open?.(page, d);
      await click(page, o.openButton ?? '#open-room');
      await (o.opened ?? roomUrlsShown)(page);
    },
    async join(page, d, index) {
      await type(page, input, d.room);
      await o.join?.(page, d, index);
      await click(page, o.joinButton ?? '#join-room');
    },
    check: o.check,
  };
}

/** Everyone sees at least `count` playing videos (their own included). */
const everyoneSeesVideos =
  (count: number): Check =>
  async (pages) => {
    for (const page of pages) await seesVideos(page, count);
  };

/** Chat: each person types a line; every other person sees it in `output`. */
async function chatAround(pages: Page[], d: DemoContext, input: string, output: string) {
  for (const [i, page] of pages.entries()) {
    const line = `${d.room} says hi from ${i}`;
    await say(page, input, line);
    for (const other of pages) if (other !== page) await seesText(other, output, line);
  }
}

/** Files: the first and the last person each pick a file; the other gets a working link. */
async function filesAround(
  pages: Page[],
  d: DemoContext,
  button: string,
  container: string,
): Promise<void> {
  const ends = [pages[0]!, pages.at(-1)!];
  for (const [i, page] of ends.entries()) {
    const file = textFile(`${d.room}-${i}`);
    await pickFile(page, button, file);
    const other = ends[1 - i]!;
    const content = await downloadsFile(other, container, file.name);
    if (content !== file.buffer.toString()) {
      throw new Error(
        `${file.name} arrived with ${content.length} bytes, not ${file.buffer.length}`,
      );
    }
  }
}

/** A scalable broadcast: everyone types the broadcast id and clicks the one button. */
function scalableDemo(ref: Ref, page: string, todo?: Partial<Record<Mode, string>>): DemoDriver {
  return {
    ref,
    page,
    users: 3,
    todo,
    async open(p, d) {
      await type(p, '#broadcast-id', d.room);
      await click(p, '#open-or-join');
      await seesMedia(p, 1);
    },
    async join(p, d) {
      await type(p, '#broadcast-id', d.room);
      await click(p, '#open-or-join');
      // Each viewer must receive before the next joins: the next may be placed below it.
      await seesMedia(p, 1);
    },
    async check(pages) {
      for (const p of pages) await seesMedia(p, 1);
    },
  };
}

/** A video that plays, or (audio-only broadcasts) an element that plays a live audio track. */
async function seesMedia(page: Page, count: number): Promise<void> {
  await expecting(page, `saw or heard ${count} streams`, () =>
    page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('audio, video')].filter((m) => {
          const media = m as HTMLMediaElement;
          return (
            media.isConnected &&
            media.readyState >= 2 &&
            media.srcObject instanceof MediaStream &&
            media.srcObject.getTracks().some((t) => t.readyState === 'live')
          );
        }).length >= n,
      count,
      { timeout: WAIT },
    ),
  );
}

/** Files picked with the page's own <input type=file id=btn-share-file>, both ways. */
async function filesFromInput(pages: Page[], d: DemoContext): Promise<void> {
  const ends = [pages[0]!, pages.at(-1)!];
  for (const [i, page] of ends.entries()) {
    const file = textFile(`${d.room}-${i}`);
    await expecting(page, 'could pick a file', () =>
      page.waitForSelector('#btn-share-file:not([disabled])', { timeout: WAIT }),
    );
    await page.setInputFiles('#btn-share-file', file);
    const content = await downloadsFile(ends[1 - i]!, 'body', file.name);
    if (content !== file.buffer.toString()) {
      throw new Error(
        `${file.name} arrived with ${content.length} bytes, not ${file.buffer.length}`,
      );
    }
  }
}

/**
 * The lobby demos (dashboard/ opens canvas-designer.html, video-conference/ opens
 * video-conference.html, in a new window): the first person creates a password-protected public
 * room; the second finds it in the lobby's list, joins it with the password; then `check`
 * runs on the windows the lobby opened.
 */
function lobbyDemo(
  ref: Ref,
  page: string,
  check: Check,
  todo?: Partial<Record<Mode, string>>,
): DemoDriver {
  return {
    ref,
    page,
    todo,
    async open(p, d) {
      await click(p, 'button[data-target="#startRoomModel"]');
      await type(p, '#txt-roomid', d.room);
      await type(p, '#txt-user-name', 'Ada');
      // (Newer lobbies hide the password option behind "Show More Options".)
      const more = p.locator('#startRoomModel a:text("Show More Options")');
      if (await more.isVisible()) await more.click();
      await p.check('#chk-room-password', { timeout: WAIT });
      await type(p, '#txt-room-password', 'pass-1');
      const [room] = await Promise.all([
        p.context().waitForEvent('page', { timeout: WAIT }),
        click(p, '#btn-create-room'),
      ]);
      d.adopt(0, room);
      await room.waitForLoadState('domcontentloaded');
    },
    async join(p, d, index) {
      // The lobby polls the server's list of public rooms every 3 s.
      await click(p, `.join-room[data-roomid="${d.room}"]`);
      await type(p, '#txt-user-name-hidden', 'Bob');
      await type(p, '#txt-room-password-hidden', 'pass-1');
      const [room] = await Promise.all([
        p.context().waitForEvent('page', { timeout: WAIT }),
        click(p, '#btn-join-hidden-room'),
      ]);
      d.adopt(index, room);
      await room.waitForLoadState('domcontentloaded');
    },
    check,
  };
}

/**
 * canvas-designer.html: who is here (the demo lists the active users by name from
 * onUserStatusChanged) and everyone's video. (Its chat box is an emojionearea editor that loads
 * emojione from a CDN, so the suite cannot type into it here.)
 */
const canvasDesignerCheck: Check = async (pages) => {
  const [a, b] = pages as [Page, Page];
  await seesText(a, '#onUserStatusChanged', 'Bob');
  await seesText(b, '#onUserStatusChanged', 'Ada');
  for (const page of pages) await seesVideos(page, 2);
};

export const DRIVERS: readonly DemoDriver[] = [
  // ---------------------------------------------------------------- latest (7c09c85)
  roomDemo({
    ref: 'latest',
    page: 'video-conferencing.html',
    users: 3,
    check: everyoneSeesVideos(3),
  }),
  roomDemo({
    ref: 'latest',
    page: 'audio-conferencing.html',
    check: async (pages) => {
      for (const page of pages) await hearsAudio(page, 2);
    },
  }),
  roomDemo({
    ref: 'latest',
    page: 'one-to-one.html',
    users: 3,
    async check(pages, d) {
      const [a, b] = pages as [Page, Page];
      await seesVideos(a, 2);
      await seesVideos(b, 2);
      // The demo admits two people (maxParticipantsAllowed = 2): the third is told so.
      await waitForLog(d, 2, 'Room is full.');
    },
  }),
  roomDemo({
    ref: 'latest',
    page: 'screen-sharing.html',
    users: 3,
    async check(pages) {
      // The viewers see the sharer's screen (the fake screen is 1280x720).
      for (const page of pages.slice(1)) await seesScreen(page);
    },
  }),
  roomDemo({
    ref: 'latest',
    page: 'video-and-screen-sharing.html',
    broken:
      'its onstream calls getTracks() (video-and-screen-sharing.html:139), a helper private to ' +
      "RTCMultiConnection's closure (3.7.1 dist/RTCMultiConnection.js:2355): the local stream " +
      'throws, no camera track is kept, screen sharing cannot replace it',
    opened: (page) => seesVideos(page, 1),
    async check(pages) {
      const [a, b] = pages as [Page, Page];
      await seesVideos(a, 2);
      await seesVideos(b, 2);
      // The first person shares the screen: it replaces the camera at the other end.
      await click(a, '#share-screen:not([disabled])');
      await seesScreen(b);
    },
  }),
  roomDemo({
    ref: 'latest',
    page: 'video-broadcasting.html',
    users: 3,
    async check(pages) {
      for (const page of pages.slice(1)) await seesVideos(page, 1);
    },
  }),
  scalableDemo('latest', 'Scalable-Broadcast.html', { baseline: CAUSE.relayGlare }),
  {
    ref: 'latest',
    page: 'call-by-username.html',
    async open(page, d) {
      await type(page, '#current-username', d.room);
      await click(page, '#change-your-own-username');
      await seesVideos(page, 1);
      await page.waitForSelector('#join-callee-using-his-username:not([disabled])');
    },
    async join(page, d) {
      // Everyone first takes a user name (their own room), then calls someone by theirs.
      await click(page, '#change-your-own-username');
      await type(page, '#callee-username', d.room);
      await click(page, '#join-callee-using-his-username:not([disabled])');
    },
    check: everyoneSeesVideos(2),
  },
  roomDemo({
    ref: 'latest',
    page: 'camera-zoom.html',
    opened: (page) => seesVideos(page, 1),
    check: everyoneSeesVideos(2),
  }),
  roomDemo({
    ref: 'latest',
    page: 'getStats.html',
    broken:
      'getstats 1.2.0 (node_modules/getstats/getStats.js) calls the legacy ' +
      'RTCPeerConnection.getStats(callback), which Chromium now rejects (parameter 1 is not of ' +
      'type MediaStreamTrack): no stats are ever shown',
    async check(pages) {
      for (const page of pages) {
        await seesVideos(page, 2);
        // The demo writes each remote peer's stats into its video tile.
        await seesText(page, 'h2', 'Bandwidth:');
      }
    },
  }),
  roomDemo({
    ref: 'latest',
    page: 'text-chat-file-sharing.html',
    async check(pages, d) {
      await chatAround(pages, d, '#input-text-chat', '.chat-output');
      await filesAround(pages, d, '#share-file', '#file-container');
    },
  }),
  roomDemo({
    ref: 'latest',
    page: 'video-conferencing-chat-filesharing.html',
    async check(pages, d) {
      for (const page of pages) await seesVideos(page, 2);
      await chatAround(pages, d, '#input-text-chat', '.chat-output');
      await filesAround(pages, d, '#share-file', '#file-container');
    },
  }),
  {
    ref: 'latest',
    page: 'file-sharing.html',
    async open(page, d) {
      // The page gives itself a random room in its URL's hash and joins it; the person picks a
      // file and hands the URL to the other person.
      await seesText(page, '#logs', 'Successfully connected to room');
      await pickFile(page, '.btn-select-file', textFile(d.room));
    },
    async join(page, d) {
      // (A hash-only change would not reload the page: leave it first.)
      await page.goto('about:blank');
      await page.goto(d.people[0]!.page.url());
      await seesText(page, '#logs', 'Successfully connected to room');
    },
    async check(pages, d) {
      const [a, b] = pages as [Page, Page];
      const file = textFile(d.room);
      await seesText(b, '#logs', 'Successfully received file');
      const content = await downloadsFile(b, '#logs', file.name);
      if (content !== file.buffer.toString()) throw new Error('the file arrived changed');
      await seesText(a, '#logs', 'Successfully shared file');
      await seesText(a, '#number-of-users', '1');
      await seesText(b, '#number-of-users', '1');
    },
  },

  lobbyDemo('latest', 'dashboard/', canvasDesignerCheck),
  lobbyDemo('latest', 'video-conference/', everyoneSeesVideos(2)),
  // ---------------------------------------------------------------- tag 3.6.3
  lobbyDemo('3.6.3', 'dashboard/', canvasDesignerCheck),
  lobbyDemo('3.6.3', 'video-conference/', everyoneSeesVideos(2)),
  roomDemo({
    ref: '3.6.3',
    page: 'Video-Conferencing.html',
    users: 3,
    check: everyoneSeesVideos(3),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'Audio-Conferencing.html',
    check: async (pages) => {
      for (const page of pages) await hearsAudio(page, 2);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'One-to-One.html',
    users: 3,
    async check(pages, d) {
      for (const page of pages.slice(0, 2)) await seesVideos(page, 2);
      await waitForLog(d, 2, 'Room is full');
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'Password-Protected-Rooms.html',
    opened: (page) => seesVideos(page, 1),
    async open(page, d) {
      d.people[0]!.answers.push('secret-1');
      await page.check('#protect-room-with-password');
    },
    async join(page, d, index) {
      // The first try has no password: the room asks for one (a prompt), the person types it.
      d.people[index]!.answers.push('secret-1');
    },
    check: everyoneSeesVideos(2),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'checkPresence.html',
    opened: (page) => seesVideos(page, 1),
    // The page enables "Open Room" or "Join Room" after "Check Presence" says whether it exists.
    async open(page, d) {
      await click(page, '#check-presence');
      await waitForLog(d, 0, `isRoomExists (${d.room}): false`);
    },
    async join(page, d, index) {
      await click(page, '#check-presence');
      await waitForLog(d, index, 'isRoomExists');
      if (!d.people[index]!.log.some((l) => l.includes(`isRoomExists (${d.room}): true`))) {
        throw new Error(`checkPresence did not find the room: ${d.people[index]!.log.join(' | ')}`);
      }
    },
    check: everyoneSeesVideos(2),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'custom-socket-event.html',
    opened: (page) => seesVideos(page, 1),
    async check(pages, d) {
      await everyoneSeesVideos(2)(pages, d);
      // Both pages are on one address: they derive the same channel, the custom event's name.
      d.people[1]!.answers.push(`hello from ${d.room}`);
      await click(pages[1]!, '#send-custom-message:not([disabled])');
      await waitForLog(d, 0, `shared custom message:\n\nhello from ${d.room}`);
    },
  }),
  {
    ref: '3.6.3',
    page: 'admin-guest.html',
    async open(page, d) {
      await type(page, '#admin-id', d.room);
      await click(page, '#btn-become-admin');
      await seesVideos(page, 1);
    },
    async join(page, d) {
      await type(page, '#admin-id', d.room);
      await click(page, '#btn-become-guest');
      await seesText(page, '#notification-text', 'Admin is online');
      // "Join Admin": a custom socket message from a guest who is in no room yet.
      await click(page, '#btn-notification-accept');
      const admin = d.people[0]!.page;
      await seesText(admin, '#notification-text', 'A new guest asked you to join him');
      await click(admin, '#btn-notification-accept');
    },
    async check(pages, d) {
      await everyoneSeesVideos(2)(pages, d);
      for (const page of pages) await seesText(page, 'h1', 'connected with');
      await chatAround(pages, d, '#input-text-chat', '.chat-output');
    },
  },
  roomDemo({
    ref: '3.6.3',
    page: 'replaceTrack.html',
    opened: (page) => seesVideos(page, 1),
    async check(pages) {
      const [a, b] = pages as [Page, Page];
      await seesVideos(a, 2);
      await seesVideos(b, 2);
      await click(a, '#replace-video-with-screen');
      await seesScreen(b);
      await click(a, '#reset-track');
      await seesVideoWidth(b, 640);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'applyConstraints.html',
    opened: (page) => seesVideos(page, 1),
    async check(pages) {
      const [a, b] = pages as [Page, Page];
      await seesVideos(b, 2);
      await type(a, '#video-width', '320');
      await type(a, '#video-height', '240');
      await click(a, '#apply-video-constraints');
      await seesVideoWidth(b, 320);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'change-resolutions.html',
    todo: everywhere(
      'flaky by itself (fails about half the runs on the original server too): in Chrome it ' +
        'removes its streams from each peer (peer.removeStream), captures again and sets ' +
        'attachStreams = [newStream], then throws at video.src = URL.createObjectURL(stream) ' +
        '(change-resolutions.html:~85, gone from Chrome) before its renegotiate() call: it ' +
        "passes only when 3.7.1's own renegotiation (negotiationneeded after removeStream) " +
        'reads attachStreams after the swap; our script renegotiates when asked ' +
        '(renegotiate(), addStream()), so the resolution never changes there',
    ),
    opened: (page) => seesVideos(page, 1),
    async check(pages) {
      const [a, b] = pages as [Page, Page];
      await seesVideos(b, 2);
      await type(a, '#video-width', '320');
      await type(a, '#video-height', '240');
      await click(a, '#btn-change-resolutions');
      await seesVideoWidth(b, 320);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'addStream-in-Chat-room.html',
    async check(pages, d) {
      await chatAround(pages, d, '#input-text-chat', '.chat-output');
      // A chat room at first; the first person adds their camera, the other sees it.
      await click(pages[0]!, '#btn-addStream:not([disabled])');
      await seesVideos(pages[1]!, 1);
      await filesAround(pages, d, '#share-file', '#file-container');
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'Disconnect+Rejoin.html',
    broken:
      "'Disconnect Room' looks up connection.peers[connectionDescription.remoteUserId] " +
      "(Disconnect+Rejoin.html:110), but 3.7.1's join() returns the room id as remoteUserId " +
      "(dist/RTCMultiConnection.js:4412) while peers are keyed by the opener's user id (a random " +
      "token): the click does nothing and 'Rejoin Room' never enables",
    async check(pages, d) {
      const [a, b] = pages as [Page, Page];
      await chatAround(pages, d, '#input-text-chat', '.chat-output');
      await click(b, '#disconnect-room:not([disabled])');
      await click(b, '#rejoin-room:not([disabled])');
      await say(b, '#input-text-chat', `back in ${d.room}`);
      await seesText(a, '.chat-output', `back in ${d.room}`);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'TextChat+FileSharing.html',
    async check(pages, d) {
      await chatAround(pages, d, '#input-text-chat', '.chat-output');
      await filesAround(pages, d, '#share-file', '#file-container');
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'Audio+Video+TextChat+FileSharing.html',
    async check(pages, d) {
      for (const page of pages) await seesVideos(page, 2);
      await chatAround(pages, d, '#input-text-chat', '.chat-output');
      await filesAround(pages, d, '#share-file', '#file-container');
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'File-Sharing-using-TextSender.html',
    check: (pages, d) => filesFromInput(pages, d),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'File-Sharing-Without-FileBufferReader.html',
    todo: everywhere(
      'flaky by itself (on the original server too): its sender turns chunks into data URLs ' +
        'with asynchronous FileReader calls and its receiver turns them back asynchronously, ' +
        'then builds the Blob at once (File-Sharing-Without-FileBufferReader.html:~340, ~395): ' +
        'the file often arrives empty or cut',
    ),
    check: (pages, d) => filesFromInput(pages, d),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'Audio-Video-Screen.html',
    opened: (page) => seesVideos(page, 1),
    async check(pages) {
      const [a, b] = pages as [Page, Page];
      await seesVideos(b, 2);
      await click(a, '#share-screen');
      await seesScreen(b);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'Audio+ScreenSharing.html',
    async check(pages) {
      const [a, b] = pages as [Page, Page];
      // The screen goes one way; audio both ways.
      await seesScreen(b);
      await hearsAudio(a, 1);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'screen-sharing.html',
    users: 3,
    async check(pages) {
      for (const page of pages.slice(1)) await seesScreen(page);
    },
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'video-broadcasting.html',
    users: 3,
    async check(pages) {
      for (const page of pages.slice(1)) await seesVideos(page, 1);
    },
  }),
  roomDemo({ ref: '3.6.3', page: 'Videos-Layout.html', check: everyoneSeesVideos(2) }),
  roomDemo({ ref: '3.6.3', page: 'autoCreateMediaElement.html', check: everyoneSeesVideos(2) }),
  roomDemo({
    ref: '3.6.3',
    page: 'StreamHasData.html',
    check: everyoneSeesVideos(2),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'camera-zoom.html',
    opened: (page) => seesVideos(page, 1),
    check: everyoneSeesVideos(2),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'keep-rejoining.html',
    opened: (page) => seesVideos(page, 1),
    check: everyoneSeesVideos(2),
  }),
  roomDemo({
    ref: '3.6.3',
    page: 'getStats.html',
    broken:
      'getstats 1.2.0 calls the legacy RTCPeerConnection.getStats(callback), which Chromium now ' +
      'rejects: no stats are ever shown',
    async check(pages) {
      for (const page of pages) {
        await seesVideos(page, 2);
        await seesText(page, 'h2', 'Bandwidth:');
      }
    },
  }),
  {
    ref: '3.6.3',
    page: 'Call-By-UserName.html',
    // Each page opens a room named after its user name on load; "change" saves the typed name
    // and reloads the page.
    async open(page, d) {
      await type(page, '#current-username', d.room);
      await Promise.all([
        page.waitForEvent('load', { timeout: WAIT }),
        click(page, '#change-your-own-username'),
      ]);
      await seesVideos(page, 1);
    },
    async join(page, d) {
      await seesVideos(page, 1);
      await type(page, '#callee-username', d.room);
      await click(page, '#join-callee-using-his-username');
    },
    check: everyoneSeesVideos(2),
  },
  {
    ref: '3.6.3',
    page: 'Multi-Broadcasters-and-Many-Viewers.html',
    todo: onOurServer(CAUSE.secondRoom),
    users: 3,
    async open(page, d) {
      await type(page, '#room-id', d.room);
      await click(page, '#open-broadcast');
      await seesVideos(page, 1);
    },
    async join(page, d, index) {
      await type(page, '#room-id', d.room);
      // The second person broadcasts too; the third only watches.
      await click(page, index === 1 ? '#open-broadcast' : '#join-broadcast');
    },
    async check(pages) {
      await seesVideos(pages[2]!, 2);
    },
  },
  {
    ref: '3.6.3',
    page: 'switch-cameras.html',
    // The page shows a snapshot per camera; picking one opens or joins the room with it.
    async open(page, d) {
      await type(page, '#room-id', d.room);
      await click(page, '.camera');
      await seesVideos(page, 1);
    },
    async join(page, d) {
      await type(page, '#room-id', d.room);
      await click(page, '.camera');
    },
    check: everyoneSeesVideos(2),
  },
  {
    ref: '3.6.3',
    page: 'MCU.html',
    users: 3,
    async open(page, d) {
      await type(page, '#room-id', d.room);
      await click(page, '#open-room');
      await roomUrlsShown(page);
    },
    async join(page, d) {
      await type(page, '#room-id', d.room);
      await click(page, '#join-room');
    },
    async check(pages) {
      // The room mixes what everyone sends (MultiStreamsMixer, a 720x480 canvas) and sends the
      // mix to each joiner, whose page shows it.
      for (const page of pages.slice(1)) await seesVideoWidth(page, 720);
    },
  },
  {
    ref: '3.6.3',
    page: 'SFU.html',
    users: 3,
    async open(page, d) {
      await type(page, '#room-id', d.room);
      await click(page, '#open-room');
      await roomUrlsShown(page);
    },
    async join(page, d) {
      await type(page, '#room-id', d.room);
      await click(page, '#join-room');
    },
    async check(pages) {
      // The room forwards each joiner's stream to the other joiners.
      for (const page of pages.slice(1)) await seesVideos(page, 2);
    },
  },
  ...[
    'Scalable-Broadcast.html',
    'Video-Scalable-Broadcast.html',
    'Scalable-Audio-Broadcast.html',
  ].map((page) => scalableDemo('3.6.3', page, { baseline: CAUSE.relayGlare })),
  {
    ref: '3.6.3',
    page: 'Files-Scalable-Broadcast.html',
    users: 3,
    broken:
      'fails with 3.7.1 on the original server (every run): the first viewer never connects to ' +
      'the broadcaster (no peer on either side); not diagnosed further',
    // The broadcaster picks a file and starts; each viewer gets it from the one above it.
    async open(page, d) {
      await type(page, '#broadcast-id', d.room);
      await page.setInputFiles('input[type=file]', textFile(d.room));
      await click(page, '#open-or-join');
      await roomUrlsShown(page);
    },
    async join(page, d) {
      await type(page, '#broadcast-id', d.room);
      await click(page, '#open-or-join');
      await downloadsFile(page, '#files-container', textFile(d.room).name);
    },
    async check(pages, d) {
      const file = textFile(d.room);
      for (const page of pages.slice(1)) {
        const content = await downloadsFile(page, '#files-container', file.name);
        if (content !== file.buffer.toString()) throw new Error(`${file.name} arrived changed`);
      }
    },
  },
];

/** Waits until person `index`'s page has shown an alert (or logged an error) with `text`. */
async function waitForLog(d: DemoContext, index: number, text: string): Promise<void> {
  const person = d.people[index]!;
  const deadline = Date.now() + WAIT;
  while (!person.log.some((line) => line.includes(text))) {
    if (Date.now() > deadline) throw new Error(`person ${index} was never told "${text}"`);
    await person.page.waitForEvent('dialog', { timeout: Math.max(1, deadline - Date.now()) });
  }
}

/**
 * Waits until a video on the page shows a screen: the fake screen is 1280x720 or more (its size
 * follows the capture constraints), the fake camera 640x480.
 */
async function seesScreen(page: Page): Promise<void> {
  await expecting(page, 'saw a screen (a video wider than the 640x480 camera)', () =>
    page.waitForFunction(
      () => [...document.querySelectorAll('video')].some((v) => v.videoWidth >= 1280),
      undefined,
      { timeout: WAIT },
    ),
  );
}

/** Waits until a video on the page decodes frames `width` pixels wide. */
async function seesVideoWidth(page: Page, width: number): Promise<void> {
  await expecting(page, `saw a video ${width} pixels wide`, () =>
    page.waitForFunction(
      (width) => [...document.querySelectorAll('video')].some((v) => v.videoWidth === width),
      width,
      { timeout: WAIT },
    ),
  );
}
