// The elements as custom-elements.json describes them (the build's element modules and the
// framework typings both follow it, so a new element needs no list of its own here).
import { readFileSync } from 'node:fs';

/** Every element of the manifest: tag, class, module, settable properties, events. */
export function manifestElements(manifestUrl) {
  const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8'));
  const elements = [];
  for (const module of manifest.modules) {
    for (const declaration of module.declarations ?? []) {
      if (!declaration.customElement || !declaration.tagName) continue;
      const properties = (declaration.members ?? [])
        .filter(
          (member) =>
            member.kind === 'field' &&
            !member.static &&
            !member.readonly &&
            (member.privacy ?? 'public') === 'public' &&
            !member.name.startsWith('#'),
        )
        .map((member) => member.name);
      elements.push({
        tag: declaration.tagName,
        className: declaration.name,
        module: module.path.replace(/\.ts$/, '.js'),
        properties,
        events: (declaration.events ?? []).map((event) => event.name),
      });
    }
  }
  return elements.sort((a, b) => (a.tag < b.tag ? -1 : 1));
}
