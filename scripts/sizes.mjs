// The sizes of a built dist/: every browser file minified and gzipped, and what a page downloads
// (the modules it loads and everything they import statically; not what loads only on use, such
// as file transfer). The build prints them; the README's figures are checked against them.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { manifestElements } from './manifest.mjs';

export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/**
 * The elements of custom-elements.json, each also a module of its own: `rtc-room` is
 * dist/room.js, `rtc-elements/room.js`, built from its module (`entry`).
 */
export const ELEMENTS = manifestElements(new URL('../custom-elements.json', import.meta.url)).map(
  ({ tag, module }) => ({ file: tag.replace(/^rtc-/, ''), entry: module.replace(/\.js$/, '.ts') }),
);

/** @param {URL} folder dist/ */
export function sizes(folder) {
  const files = {};
  for (const name of readdirSync(folder).filter((name) => name.endsWith('.js'))) {
    const bytes = readFileSync(new URL(name, folder));
    files[name] = { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  const closure = (names, seen = new Set()) => {
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const code = readFileSync(new URL(name, folder), 'utf8');
      const imports = [...code.matchAll(/from\s*"\.\/([^"]+)"|import\s*"\.\/([^"]+)"/g)];
      closure(
        imports.map((m) => m[1] ?? m[2]),
        seen,
      );
    }
    return seen;
  };
  const page = (label, names) => {
    const loaded = closure(names);
    const gzip = [...loaded].reduce((sum, name) => sum + files[name].gzip, 0);
    return { label, gzip, count: loaded.size };
  };
  return {
    files,
    pages: {
      roomAndGrid: page('A page with the autoloader, <rtc-room> and <rtc-video-grid>', [
        'autoloader.js',
        'room.js',
        'video-grid.js',
      ]),
      everyElement: page('A page with the autoloader and every element', [
        'autoloader.js',
        ...ELEMENTS.map(({ file }) => `${file}.js`),
      ]),
      bundle: page('A page with <script src="rtc-elements.js"> (every element, one file)', [
        'rtc-elements.js',
      ]),
    },
  };
}
