// Configuration for `npm run analyze` (@custom-elements-manifest/analyzer).
// The analyzer lists modules in file-system order, which differs between
// machines; sorting them keeps the committed manifest byte-identical everywhere.
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  litelement: true,
  plugins: [
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
