// Builds dist/: the browser bundle (one self-contained minified ES module), the server
// (ESM + CommonJS), and type declarations. Prints every browser file's size and enforces the
// bundle's budget.
//
// The build is written beside dist/ and put in its place in one step (two renames), so a server
// started from this checkout meanwhile never finds dist/ missing or half written. --if-stale
// (npm start) skips the build when dist/ was built from the same sources: the digest of every
// input is kept in dist/.build-digest.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { writeFrameworkTypes } from './framework-types.mjs';
import { ELEMENTS, kb, sizes } from './sizes.mjs';

const BUDGET_GZIP = 40 * 1024;
const args = new Set(process.argv.slice(2));
const withTypes = !args.has('--no-types');
const root = new URL('../', import.meta.url);
// --dist <folder> builds elsewhere than dist/ (the build's own test uses it).
const distArg = process.argv.indexOf('--dist');
const finalDist = new URL(
  distArg > 0 ? process.argv[distArg + 1].replace(/\/?$/, '/') : 'dist/',
  root,
);
/** What the build reads: the sources, the build's own settings and the locked dependencies. */
const INPUTS = [
  'src',
  'server',
  'scripts/build.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'custom-elements.json',
];

function digestOfInputs() {
  const hash = createHash('sha256');
  const add = (path) => {
    const url = new URL(path, root);
    if (!existsSync(url)) return;
    if (statSync(url).isDirectory()) {
      for (const name of readdirSync(url).sort()) add(`${path}/${name}`);
    } else {
      hash.update(`${path}\0`).update(readFileSync(url)).update('\0');
    }
  };
  for (const input of INPUTS) add(input);
  return hash.digest('hex');
}

const digest = digestOfInputs();
const stampFile = new URL('.build-digest', finalDist);
if (args.has('--if-stale') && existsSync(stampFile)) {
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  if (stamp.digest === digest && (stamp.types || !withTypes)) {
    console.log('dist/ is current (built from these sources): build skipped');
    printSizes(finalDist);
    process.exit(0);
  }
}

const dist = new URL(`../.dist-build-${process.pid}/`, finalDist);
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// A build that fails leaves nothing behind (once in place, this folder no longer exists).
process.on('exit', () => rmSync(dist, { recursive: true, force: true }));
const outdir = (sub = '') => new URL(sub, dist).pathname.replace(/\/$/, '');

const browser = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  legalComments: 'none',
  sourcemap: 'linked',
  conditions: ['browser', 'production'],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

/**
 * Minifies the CSS inside lit's css`...` templates of the elements (esbuild leaves template
 * literals alone): comments and indentation go, and the spaces around { } ; , > and after a
 * declaration's colon. Our styles have no strings where that would matter.
 */
const minifyCssText = (css) =>
  css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/([\w-]):\s+/g, '$1:')
    .replace(/;}/g, '}')
    .trim();

const minifyCss = {
  name: 'minify-css-templates',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]elements[\\/].*\.styles\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(
        /css`([^`]*)`/g,
        (_, body) => `css\`${minifyCssText(body)}\``,
      );
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Collapses the indentation inside lit's html`...` templates of the elements (esbuild keeps
 * template literals as written): a run of whitespace that holds a line break becomes one space,
 * which renders the same (none of our templates uses <pre> or white-space: pre). Found with the
 * TypeScript parser, so expressions inside ${...} are never touched. A css`...` template without
 * expressions in an element's own file is minified like the *.styles.ts files.
 */
const minifyHtml = {
  name: 'minify-html-templates',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]elements[\\/].*\.ts$/ }, async (args) => {
      if (args.path.endsWith('.styles.ts')) return undefined;
      const { default: ts } = await import('typescript');
      const source = readFileSync(args.path, 'utf8');
      const file = ts.createSourceFile(args.path, source, ts.ScriptTarget.Latest, true);
      const edits = [];
      const collapse = (text) => text.replace(/\s*\n\s*/g, ' ');
      const literal = (node, minify = collapse) => {
        // Between the backtick/`}` and the backtick/`${` that delimit this piece of static text.
        const start = node.getStart(file) + 1;
        const end =
          node.end - (ts.isTemplateTail(node) || ts.isNoSubstitutionTemplateLiteral(node) ? 1 : 2);
        edits.push([start, end, minify]);
      };
      const visit = (node) => {
        const tag = ts.isTaggedTemplateExpression(node) ? node.tag.getText(file) : '';
        if (tag === 'css' && ts.isNoSubstitutionTemplateLiteral(node.template)) {
          literal(node.template, minifyCssText);
        } else if (tag === 'html') {
          const t = node.template;
          if (ts.isNoSubstitutionTemplateLiteral(t)) literal(t);
          else {
            literal(t.head);
            for (const span of t.templateSpans) literal(span.literal);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
      let contents = source;
      for (const [start, end, minify] of edits.sort((a, b) => b[0] - a[0])) {
        contents =
          contents.slice(0, start) + minify(contents.slice(start, end)) + contents.slice(end);
      }
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Parts of the engine that only some pages use load the first time a page uses them: in the
 * element bundle their dynamic import points at a file of their own, which other pages never
 * fetch. The `broadcast-channel:` transport (tabs of one browser, no server):
 * dist/rtc-broadcast-channel.js; file transfer (the first file sent or offered): dist/rtc-files.js;
 * RTCMultiConnection's file format (the first file to or from such a page):
 * dist/rtc-files-legacy.js; peer statistics (`getStats()`): dist/rtc-stats.js; socket.io over HTTP
 * long-polling (a server whose WebSocket handshake failed): dist/rtc-polling.js; who speaks (the
 * Web Audio meters of `<rtc-user-status>`, once there is sound): dist/rtc-audio-levels.js. Each is built on
 * its own; the files and stats parts import nothing the bundle has (so no class exists twice:
 * errors come from the bundle).
 */
const APART = [
  {
    module: /^\.\/broadcast-channel\.js$/,
    from: 'signaling',
    entry: 'src/engine/signaling/broadcast-channel.ts',
    name: 'rtc-broadcast-channel',
  },
  {
    module: /^\.\/file-engine\.js$/,
    from: 'files',
    entry: 'src/engine/files/file-engine.ts',
    name: 'rtc-files',
  },
  {
    module: /^\.\/legacy\/legacy-engine\.js$/,
    from: 'files',
    entry: 'src/engine/files/legacy/legacy-engine.ts',
    name: 'rtc-files-legacy',
  },
  {
    module: /^\.\/polling\.js$/,
    from: 'signaling',
    entry: 'src/engine/signaling/polling.ts',
    name: 'rtc-polling',
  },
  {
    module: /^\.\.\/controllers\/audio-levels\.js$/,
    from: 'user-status',
    entry: 'src/elements/controllers/audio-levels.ts',
    name: 'rtc-audio-levels',
  },
  {
    module: /^\.\/stats\.js$/,
    from: 'peers',
    entry: 'src/engine/peers/stats.ts',
    name: 'rtc-stats',
  },
];
const apart = {
  name: 'apart',
  setup(build) {
    for (const { module, from, name } of APART) {
      build.onResolve({ filter: module }, (args) =>
        args.kind === 'dynamic-import' && args.importer.includes(`${from}/`)
          ? { path: `./${name}.js`, external: true }
          : undefined,
      );
    }
  },
};

await esbuild.build({
  ...browser,
  entryPoints: { 'rtc-elements': 'src/elements/index.ts' },
  outdir: outdir(),
  plugins: [minifyCss, minifyHtml, apart],
});
await esbuild.build({
  ...browser,
  entryPoints: Object.fromEntries(APART.map(({ name, entry }) => [name, entry])),
  outdir: outdir(),
});

// Each element on its own (`rtc-elements/room.js`, ...), the DOM-free engine (`rtc-elements/engine`)
// and the autoloader, which defines an element the first time its tag appears in the page: one
// build with code splitting, so what two of them share (lit, the engine) is one file that a page
// fetches once, and a page pays only for the elements it uses.
const SPLIT = {
  ...Object.fromEntries(ELEMENTS.map(({ file, entry }) => [file, entry])),
  engine: 'src/engine/index.ts',
  autoloader: 'src/elements/autoloader.ts',
  strings: 'src/elements/shared/strings.ts',
};
await esbuild.build({
  ...browser,
  entryPoints: SPLIT,
  splitting: true,
  chunkNames: 'rtc-chunk-[hash]',
  outdir: outdir(),
  plugins: [minifyCss, minifyHtml, apart],
});

// A second pass with terser (safe options only): its compressor and mangler find ~1.4 KB of gzip
// that esbuild's leaves in the bundle. The source maps are chained, so they still point into the
// TypeScript.
const { minify } = await import('terser');
const splitFiles = readdirSync(dist).filter(
  (name) => /^rtc-chunk-.*\.js$/.test(name) || name.replace(/\.js$/, '') in SPLIT,
);
for (const name of ['rtc-elements.js', ...splitFiles]) {
  const file = new URL(name, dist);
  const map = new URL(`${name}.map`, dist);
  const result = await minify(readFileSync(file, 'utf8'), {
    module: true,
    ecma: 2022,
    compress: { passes: 3 },
    mangle: true,
    format: { comments: false },
    sourceMap: { content: readFileSync(map, 'utf8'), url: `${name}.map` },
  });
  writeFileSync(file, result.code);
  writeFileSync(map, result.map);
}

// For Node (server-side rendering: Next, Nuxt, SvelteKit, Angular SSR import the package on the
// server, under the `node` export condition): the same entries over lit's server build, with the
// packages left to Node, in dist/node/. Importing one defines nothing and touches no DOM.
await esbuild.build({
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: ['node20'],
  packages: 'external',
  logLevel: 'warning',
  entryPoints: { 'rtc-elements': 'src/elements/index.ts', ...SPLIT },
  splitting: true,
  chunkNames: 'rtc-chunk-[hash]',
  outdir: outdir('node/'),
});

// RTCMultiConnection's API (src/compat): an ES module for `rtc-elements/compat`, and a classic
// script that defines `window.RTCMultiConnection` for pages that swap their script tag.
await esbuild.build({
  ...browser,
  entryPoints: { compat: 'src/compat/index.ts' },
  outdir: outdir(),
});
await esbuild.build({
  ...browser,
  format: 'iife',
  entryPoints: { rtcmulticonnection: 'src/compat/global.ts' },
  outdir: outdir(),
});

const node = {
  bundle: true,
  platform: 'node',
  target: ['node20'],
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};
await esbuild.build({
  ...node,
  format: 'esm',
  entryPoints: { index: 'server/index.ts', main: 'server/main.ts' },
  outdir: outdir('server/'),
});
// CommonJS for require('rtc-elements-server')(server, hook), the seed's usage.
await esbuild.build({
  ...node,
  format: 'cjs',
  entryPoints: { index: 'server/index.ts' },
  outExtension: { '.js': '.cjs' },
  outdir: outdir('server/'),
  footer: { js: 'module.exports = Object.assign(module.exports.attachSignaling, module.exports);' },
});

if (withTypes) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outdir('types/')], {
    stdio: 'inherit',
  });
  // Entry declarations at stable paths.
  writeFileSync(
    new URL('rtc-elements.d.ts', dist),
    "export * from './types/src/elements/index.js';\n",
  );
  writeFileSync(new URL('server/index.d.ts', dist), "export * from '../types/server/index.js';\n");
  writeFileSync(new URL('compat.d.ts', dist), "export * from './types/src/compat/index.js';\n");
  const declare = (name, source) =>
    writeFileSync(new URL(`${name}.d.ts`, dist), `export * from './types/${source}';\n`);
  // Each element's entry also brings the elements' events into the DOM's event map (what
  // Angular's template checker and addEventListener read), as the whole bundle's does.
  for (const { file, entry } of ELEMENTS) {
    writeFileSync(
      new URL(`${file}.d.ts`, dist),
      `export * from './types/${entry.replace(/\.ts$/, '.js')}';\n` +
        "import type {} from './types/src/elements/events/events.js';\n",
    );
  }
  declare('engine', 'src/engine/index.js');
  declare('strings', 'src/elements/shared/strings.js');
  // The autoloader's declarations bring every element's (its tag, its events), as importing the
  // element modules would: an app that loads the elements this way gets them typed too.
  writeFileSync(
    new URL('autoloader.d.ts', dist),
    [
      "export * from './types/src/elements/autoloader.js';",
      ...ELEMENTS.map(({ file }) => `import type {} from './${file}.js';`),
      '',
    ].join('\n'),
  );
  writeFrameworkTypes(new URL('custom-elements.json', root), dist);
}

const code = readFileSync(new URL('rtc-elements.js', dist));
const gzip = gzipSync(code, { level: 9 }).length;
printSizes(dist);
if (gzip > BUDGET_GZIP) {
  rmSync(dist, { recursive: true, force: true });
  console.error(`Bundle is over its ${kb(BUDGET_GZIP)} min+gzip budget: dist/ left as it was.`);
  process.exit(1);
}
writeFileSync(new URL('.build-digest', dist), JSON.stringify({ digest, types: withTypes }));
// Into place: the old dist/ steps aside, the new one takes its name, the old one goes.
const old = new URL(`../.dist-old-${process.pid}/`, finalDist);
if (existsSync(finalDist)) renameSync(finalDist, old);
renameSync(dist, finalDist);
rmSync(old, { recursive: true, force: true });

/** Every browser file the build wrote, with its size minified and gzipped, and what pages load. */
function printSizes(folder) {
  const { files, pages } = sizes(folder);
  const line = (name) => {
    const { min, gzip } = files[name];
    return `dist/${name}: ${kb(min)} min, ${kb(gzip)} min+gzip (${gzip} B)`;
  };
  console.log(`${line('rtc-elements.js')} (budget ${kb(BUDGET_GZIP)})`);
  for (const name of Object.keys(files).sort())
    if (name !== 'rtc-elements.js') console.log(line(name));
  for (const { label, gzip, count } of Object.values(pages))
    console.log(`${label}: ${kb(gzip)} min+gzip (${gzip} B) in ${count} files`);
}
