/**
 * Every element event is declared once (src/elements/events/events.ts) and the manifest, the
 * DOM's event map and the code agree with that declaration: an element that fires an event its
 * manifest does not list fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import type { ElementEvents, RtcEventName } from '../../src/elements/events/events.js';
import { declaredEvents } from '../../custom-elements-manifest.config.mjs';

// Every event is fired by some element (a compile-time check).
type Unfired = Exclude<RtcEventName, ElementEvents[keyof ElementEvents]>;
const everyEventFired: [Unfired] extends [never] ? true : Unfired = true;

const { fired } = (declaredEvents as () => { fired: Map<string, string[]> })();

interface Manifest {
  modules: {
    declarations?: { tagName?: string; events?: { name: string; type?: { text: string } }[] }[];
  }[];
}

test('the manifest lists, with a type, exactly the events each element declares', () => {
  assert.equal(everyEventFired, true);
  const manifest = JSON.parse(
    readFileSync(new URL('../../custom-elements.json', import.meta.url), 'utf8'),
  ) as Manifest;
  const tags = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
  assert.ok(tags.length >= 7);
  for (const element of tags) {
    const events = element.events ?? [];
    assert.deepEqual(
      events.map((e) => e.name),
      fired.get(element.tagName!) ?? [],
      element.tagName,
    );
    for (const event of events) assert.match(event.type?.text ?? '', /^CustomEvent<.+>$/);
  }
});

test('each element fires only events it declares (every fire() in its folder)', () => {
  const root = new URL('../../src/elements/', import.meta.url);
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = entry.name;
    const tag = `rtc-${folder}`;
    if (!readdirSync(new URL(`${folder}/`, root)).includes(`${tag}.ts`)) continue;
    const declared = fired.get(tag) ?? [];
    for (const file of readdirSync(new URL(`${folder}/`, root))) {
      const code = readFileSync(new URL(`${folder}/${file}`, root), 'utf8');
      const names = [...code.matchAll(/fire\(\s*\w+,\s*'(rtc-[a-z-]+)'/g)].map((m) => m[1]!);
      // fireError(host, ...) (src/elements/shared/errors.ts) fires rtc-error.
      if (/fireError\(/.test(code)) names.push('rtc-error');
      // Events fired from a list of engine event names: fire(host, `rtc-${name}`, ...).
      if (/fire\(\s*\w+,\s*`rtc-\$\{name\}`/.test(code)) {
        for (const list of code.matchAll(/\[\s*((?:'[a-z-]+',?\s*)+)\]\s*as const/g))
          names.push(...[...list[1]!.matchAll(/'([a-z-]+)'/g)].map((m) => `rtc-${m[1]!}`));
      }
      for (const name of names)
        assert.ok(declared.includes(name), `${tag} fires ${name} (${folder}/${file}), undeclared`);
    }
  }
});
