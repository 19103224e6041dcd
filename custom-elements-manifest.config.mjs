// Configuration for `npm run analyze` (@custom-elements-manifest/analyzer).
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
      name: 'rtc-elements:sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) =>
          a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
        );
      },
    },
  ],
};
