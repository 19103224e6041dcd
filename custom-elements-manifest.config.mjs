// Configuration for `npm run analyze` (@custom-elements-manifest/analyzer).
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The elements' events from their one declaration (src/elements/events/events.ts): the details
 * (`RtcEventDetails`, with a description per event) and who fires what (`ElementEvents`).
 */
export function declaredEvents() {
  const path = new URL('./src/elements/events/events.ts', import.meta.url);
  const source = ts.createSourceFile(
    'events.ts',
    readFileSync(path, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const members = (name) =>
    source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === name).members;
  const key = (member) => member.name.text;
  const details = new Map(
    members('RtcEventDetails').map((member) => [
      key(member),
      {
        type: member.type.getText(source).replace(/\s+/g, ' ').replace(/; }/g, ' }'),
        description: ts
          .getJSDocCommentsAndTags(member)
          .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim(),
      },
    ]),
  );
  const fired = new Map(
    members('ElementEvents').map((member) => {
      const type = member.type;
      const literals = ts.isUnionTypeNode(type) ? type.types : [type];
      return [key(member), literals.map((literal) => literal.literal.text)];
    }),
  );
  return { details, fired };
}
// The analyzer lists modules in file-system order, which differs between
// machines; sorting them keeps the committed manifest byte-identical everywhere.
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  litelement: true,
  plugins: [
    {
      // The elements register with `define('rtc-x', RtcX)` (src/elements/define.ts), which the
      // analyzer does not know: record it as it records `customElements.define('rtc-x', RtcX)`.
      name: 'rtc-elements:define-calls',
      analyzePhase({ ts, node, moduleDoc }) {
        if (
          !ts.isCallExpression(node) ||
          !ts.isIdentifier(node.expression) ||
          node.expression.text !== 'define'
        ) {
          return;
        }
        const [tag, element] = node.arguments;
        if (!tag || !ts.isStringLiteral(tag) || !element || !ts.isIdentifier(element)) return;
        moduleDoc.exports = [
          ...(moduleDoc.exports ?? []),
          {
            kind: 'custom-element-definition',
            name: tag.text,
            declaration: { name: element.text, module: moduleDoc.path },
          },
        ];
      },
    },
    {
      // Events come from their one declaration, with a type and a description each.
      name: 'rtc-elements:declared-events',
      packageLinkPhase({ customElementsManifest }) {
        const { details, fired } = declaredEvents();
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (!declaration.customElement || !declaration.tagName) continue;
            const names = fired.get(declaration.tagName) ?? [];
            declaration.events = names.map((name) => {
              const { type, description } = details.get(name);
              return {
                name,
                type: { text: `CustomEvent<${type}>` },
                ...(description ? { description } : {}),
              };
            });
            if (declaration.events.length === 0) delete declaration.events;
          }
        }
      },
    },
    {
      name: 'rtc-elements:sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) =>
          a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
        );
      },
    },
  ],
};
