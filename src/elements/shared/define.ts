import { isServer } from 'lit';

/** lit's types describe its browser build (`false`); its server build, for Node, says `true`. */
const onServer: boolean = isServer;

/**
 * `customElements.define(tag, element)` that tolerates the bundle being loaded twice on one page (a
 * CMS embed and a theme both including it): the second definition is skipped instead of throwing.
 * On a server (Node, lit's server build) nothing is defined: a browser defines the elements when
 * it loads them.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (onServer) return;
  if (!customElements.get(tag)) customElements.define(tag, element);
}

/**
 * The first element in the host's render root that matches the selector, looked up on every call
 * (what lit's `@query(selector)` did); null before the first render.
 */
export function query(host: { renderRoot: ParentNode }, selector: string): Element | null {
  return (host.renderRoot as ParentNode | undefined)?.querySelector(selector) ?? null;
}
