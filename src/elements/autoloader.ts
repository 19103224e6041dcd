/**
 * The autoloader: one small script that defines each rtc-elements tag the first time it appears
 * in the page, by loading that element's own module (and what it shares with the others, once).
 * A page pays only for the elements it uses, and a CMS page still needs one script tag:
 *
 *   <script type="module" src="https://your-server/dist/autoloader.js"></script>
 *   <rtc-room room-id="demo"><rtc-video-grid></rtc-video-grid></rtc-room>
 *
 * It watches the document (not the shadow roots of other components: a component that renders
 * our tags in its shadow DOM imports their modules, `rtc-elements/room.js`, or calls `discover`
 * on its shadow root). Elements that arrive later (a framework rendering them, innerHTML) load
 * when they arrive. Importing it in Node (server-side rendering) does nothing.
 */

/** Every tag and the module that defines it. */
const MODULES = {
  'rtc-room': () => import('./room/rtc-room.js'),
  'rtc-video-grid': () => import('./video-grid/rtc-video-grid.js'),
  'rtc-user-status': () => import('./user-status/rtc-user-status.js'),
  'rtc-chat': () => import('./chat/rtc-chat.js'),
  'rtc-screen-button': () => import('./screen-button/rtc-screen-button.js'),
  'rtc-media-controls': () => import('./media-controls/rtc-media-controls.js'),
  'rtc-file-share': () => import('./file-share/rtc-file-share.js'),
} as const satisfies Record<string, () => Promise<unknown>>;

/** A tag the autoloader knows. */
export type AutoloadedTag = keyof typeof MODULES;

/** Every tag the autoloader defines. */
export const TAGS = Object.keys(MODULES) as AutoloadedTag[];

const loading = new Map<string, Promise<void>>();

const known = (tag: string): tag is AutoloadedTag => Object.hasOwn(MODULES, tag);

/**
 * Loads the module of one element and resolves once the tag is defined. Loading a tag twice loads
 * it once. A module that fails to load (the network) rejects, fires `rtc-error` (`code`
 * `LOAD_FAILED`) at every element of that tag in the page, and is tried again by the next call.
 */
export function load(tag: AutoloadedTag): Promise<void> {
  let pending = loading.get(tag);
  if (!pending) {
    pending = MODULES[tag]().then(
      () => undefined,
      (error: unknown) => {
        loading.delete(tag);
        const reason = error instanceof Error ? error.message : String(error);
        const message = `Could not load <${tag}>: ${reason}`;
        for (const element of document.querySelectorAll(tag)) {
          element.dispatchEvent(
            new CustomEvent('rtc-error', {
              bubbles: true,
              composed: true,
              detail: { code: 'LOAD_FAILED', message, error },
            }),
          );
        }
        throw new Error(message, { cause: error });
      },
    );
    loading.set(tag, pending);
  }
  return pending;
}

/**
 * Loads every element not yet defined under `root` (an element, a shadow root or the document),
 * the root included; resolves when they are defined (rejects if one failed to load).
 */
export async function discover(root: ParentNode & Node): Promise<void> {
  const tags = new Set<AutoloadedTag>();
  const consider = (element: Element) => {
    const tag = element.localName;
    if (known(tag) && !customElements.get(tag)) tags.add(tag);
  };
  if (root instanceof Element) consider(root);
  for (const element of root.querySelectorAll(':not(:defined)')) consider(element);
  const results = await Promise.allSettled([...tags].map(load));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

function start(): void {
  const report = (error: unknown) => console.error('rtc-elements:', error);
  discover(document).catch(report);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof Element) discover(node).catch(report);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}

if (typeof document !== 'undefined' && typeof MutationObserver !== 'undefined') start();
