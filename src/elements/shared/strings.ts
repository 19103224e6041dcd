import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CHAT } from '../chat/strings.js';
import type { FILE_SHARE } from '../file-share/strings.js';
import type { MEDIA_CONTROLS } from '../media-controls/strings.js';
import type { ROOM } from '../room/strings.js';
import type { SCREEN_BUTTON } from '../screen-button/strings.js';
import type { USER_STATUS } from '../user-status/strings.js';
import type { VIDEO_GRID } from '../video-grid/strings.js';

/**
 * A phrase of an element: text with `{placeholders}`, or (for a count) one text per plural
 * category of the language (`{ one: '{count} new message', other: '{count} new messages' }`).
 */
export type Phrase = string | ({ other: string } & Partial<Record<Intl.LDMLPluralRule, string>>);

/** An element's strings: every phrase it shows or announces, by name. */
export type Strings<T> = { [K in keyof T]?: Phrase };

/** Every element's table of strings (English, built in), by tag. */
export interface ElementStrings {
  'rtc-chat': typeof CHAT;
  'rtc-file-share': typeof FILE_SHARE;
  'rtc-media-controls': typeof MEDIA_CONTROLS;
  'rtc-room': typeof ROOM;
  'rtc-screen-button': typeof SCREEN_BUTTON;
  'rtc-user-status': typeof USER_STATUS;
  'rtc-video-grid': typeof VIDEO_GRID;
}

/** Strings for a language, for some elements, some phrases each (the rest stay English). */
export type StringTables = { [Tag in keyof ElementStrings]?: Strings<ElementStrings[Tag]> };

const languages = new Map<string, StringTables>();
const hosts = new Set<ReactiveControllerHost>();
let watching = false;

/**
 * Sets the strings of a language for the whole page, merged into what it had: `setStrings('de',
 * { 'rtc-chat': { send: 'Senden' } })`. An element uses the language of its `lang` attribute or
 * its nearest ancestor's (`<html lang="de">`), then the language without its region (`de-AT` ->
 * `de`), then English. Elements on the page update at once.
 */
export function setStrings(locale: string, tables: StringTables): void {
  const key = locale.toLowerCase();
  const now: Record<string, object | undefined> = { ...languages.get(key) };
  for (const [tag, table] of Object.entries(tables)) now[tag] = { ...now[tag], ...table };
  languages.set(key, now);
  for (const host of hosts) host.requestUpdate();
}

/**
 * The strings of one element: `t('send')`, `t('joined', { name })`. The element's own `strings`
 * property comes first, then the page's strings for its language, then English. It updates the
 * element when the page's strings or a `lang` attribute change.
 */
export class ElementText<T extends Record<string, Phrase>> implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement & { strings?: Strings<T> | undefined };
  readonly #tag: keyof ElementStrings;
  readonly #english: T;

  constructor(
    host: ReactiveControllerHost & HTMLElement & { strings?: Strings<T> | undefined },
    tag: keyof ElementStrings,
    english: T,
  ) {
    this.#host = host;
    this.#tag = tag;
    this.#english = english;
    host.addController(this);
  }

  hostConnected(): void {
    hosts.add(this.#host);
    if (watching) return;
    watching = true;
    // A `lang` attribute changed anywhere in the page (rare): every element takes a new look.
    new MutationObserver(() => {
      for (const host of hosts) host.requestUpdate();
    }).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
      subtree: true,
    });
  }

  hostDisconnected(): void {
    hosts.delete(this.#host);
  }

  /** The element's language: its `lang` or its nearest ancestor's; none when no (valid) one. */
  get language(): string | undefined {
    // The nearest `lang` up the tree, out of shadow roots too (an element inside another's).
    let lang: string | null | undefined;
    for (let node: Element | undefined = this.#host; node && lang == null;) {
      lang = node.closest('[lang]')?.getAttribute('lang');
      node = (node.getRootNode() as Partial<ShadowRoot>).host;
    }
    try {
      return lang ? Intl.getCanonicalLocales(lang)[0]?.toLowerCase() : undefined;
    } catch {
      return undefined;
    }
  }

  /** The language its phrases are in: `language`, else English. */
  get locale(): string {
    return this.language ?? 'en';
  }

  /** A phrase in the element's language, with its `{placeholders}` filled. */
  readonly t = (key: keyof T & string, values: Record<string, string | number> = {}): string => {
    const locale = this.locale;
    const page = (language: string) =>
      (languages.get(language)?.[this.#tag] as Strings<T> | undefined)?.[key];
    const phrase =
      this.#host.strings?.[key] ??
      page(locale) ??
      page(locale.replace(/-.*/, '')) ??
      this.#english[key] ??
      key;
    const text =
      typeof phrase === 'string'
        ? phrase
        : (phrase[new Intl.PluralRules(locale).select(Number(values['count']))] ?? phrase.other);
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
  };
}
