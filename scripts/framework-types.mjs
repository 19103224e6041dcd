// Framework typings generated from custom-elements.json, written into dist/ by the build:
//   dist/react.d.ts   React 19: JSX.IntrinsicElements (typed properties, `onrtc-*` handlers)
//   dist/vue.d.ts     Vue 3: GlobalComponents (typed properties, `@rtc-*` handlers)
//   dist/svelte.d.ts  Svelte 5: SvelteHTMLElements (typed properties, `onrtc-*` handlers)
// Angular needs none: the elements' declarations put every tag in HTMLElementTagNameMap and
// every event in GlobalEventHandlersEventMap, which its template checker reads.
// The manifest says which tags, properties and events there are; the types are the elements' own
// (`Pick<RtcRoom, 'roomId' | ...>`, `RtcEventDetails['rtc-joined']`), so they cannot drift.
import { writeFileSync } from 'node:fs';
import { manifestElements } from './manifest.mjs';

const union = (names) => (names.length ? names.map((name) => `'${name}'`).join(' | ') : 'never');

/** Writes dist/react.d.ts, dist/vue.d.ts and dist/svelte.d.ts from the manifest. */
export function writeFrameworkTypes(manifestUrl, dist) {
  const elements = manifestElements(manifestUrl);
  const imports = [
    '// Generated from custom-elements.json by scripts/framework-types.mjs: do not edit.',
    "import type { RtcEventDetails } from './types/src/elements/events/events.js';",
    ...elements.map(
      ({ className, module }) => `import type { ${className} } from './types/${module}';`,
    ),
  ].join('\n');
  const entries = (render) =>
    elements
      .map(
        ({ tag, className, properties, events }) =>
          `      '${tag}': ${render(className, union(properties), union(events))};`,
      )
      .join('\n');

  writeFileSync(
    new URL('react.d.ts', dist),
    `${imports}
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

/** \`onrtc-joined={(event) => ...}\`: React 19 listens for the event of that name. */
type RtcReactHandlers<Names extends keyof RtcEventDetails> = {
  [N in Names as \`on\${N}\`]?: (event: CustomEvent<RtcEventDetails[N]>) => void;
};
type RtcReactProps<E, Props extends keyof E, Events extends keyof RtcEventDetails> = Partial<
  Pick<E, Props>
> &
  RtcReactHandlers<Events> &
  DetailedHTMLProps<HTMLAttributes<E>, E>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
${entries((c, p, e) => `RtcReactProps<${c}, ${p}, ${e}>`)}
    }
  }
}
`,
  );

  writeFileSync(
    new URL('vue.d.ts', dist),
    `${imports}
import type { DefineComponent, HTMLAttributes } from 'vue';

/** rtc-participant-joined -> rtcParticipantJoined, as Vue names a listener's prop. */
type RtcCamelize<S extends string> = S extends \`\${infer Head}-\${infer Tail}\`
  ? \`\${Head}\${Capitalize<RtcCamelize<Tail>>}\`
  : S;
/** \`@rtc-joined="(event) => ..."\`: Vue listens for the event of that name. */
type RtcVueHandlers<Names extends keyof RtcEventDetails> = {
  [N in Names as \`on\${Capitalize<RtcCamelize<N>>}\`]?: (event: CustomEvent<RtcEventDetails[N]>) => void;
};
type RtcVueComponent<E, Props extends keyof E, Events extends keyof RtcEventDetails> = DefineComponent<
  Partial<Pick<E, Props>> & RtcVueHandlers<Events> & HTMLAttributes
>;

declare module 'vue' {
  interface GlobalComponents {
${entries((c, p, e) => `RtcVueComponent<${c}, ${p}, ${e}>`).replace(/^ {2}/gm, '')}
  }
}
`,
  );

  writeFileSync(
    new URL('svelte.d.ts', dist),
    `${imports}
import type { HTMLAttributes } from 'svelte/elements';

/** \`onrtc-joined={(event) => ...}\`: Svelte 5 listens for the event of that name. */
type RtcSvelteHandlers<Names extends keyof RtcEventDetails> = {
  [N in Names as \`on\${N}\`]?: (event: CustomEvent<RtcEventDetails[N]>) => void;
};
type RtcSvelteAttributes<E extends EventTarget, Props extends keyof E, Events extends keyof RtcEventDetails> =
  Partial<Pick<E, Props>> & RtcSvelteHandlers<Events> & HTMLAttributes<E>;

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
${entries((c, p, e) => `RtcSvelteAttributes<${c}, ${p}, ${e}>`).replace(/^ {2}/gm, '')}
  }
}
`,
  );
}
