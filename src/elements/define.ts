/**
 * `@customElement(tag)` that tolerates the bundle being loaded twice on one page (a CMS embed and
 * a theme both including it): the second definition is skipped instead of throwing.
 */
export function customElement(tag: string) {
  return (target: CustomElementConstructor): void => {
    if (!customElements.get(tag)) customElements.define(tag, target);
  };
}
