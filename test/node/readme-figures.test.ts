import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sizes } from '../../scripts/sizes.mjs';

const ROOT = new URL('../../', import.meta.url);
const DIST = new URL('dist/', ROOT);

interface Sizes {
  files: Record<
    'rtc-elements.js' | 'rtc-polling.js' | 'rtc-broadcast-channel.js',
    { gzip: number }
  >;
  pages: Record<'roomAndGrid' | 'everyElement' | 'bundle', { gzip: number; count: number }>;
}

// The README's size figures are what the build prints (to 0.2 KB), not what it printed once.
describe('the README', () => {
  it(
    'gives the sizes the build measures',
    { skip: !existsSync(DIST) && 'no dist/: run `npm run build`' },
    () => {
      const readme = readFileSync(new URL('README.md', ROOT), 'utf8').replace(/\s+/g, ' ');
      const { files, pages } = sizes(DIST) as unknown as Sizes;
      const figure = (pattern: RegExp) => {
        const match = pattern.exec(readme);
        assert.ok(match, `the README no longer says ${pattern}`);
        return {
          kb: Number(match[1]),
          count: match[2] === undefined ? undefined : Number(match[2]),
        };
      };
      const checks: Array<[RegExp, number, number?]> = [
        [/client inside \(([\d.]+) KB min\+gzip today/, files['rtc-elements.js'].gzip],
        [/`dist\/rtc-polling\.js` \(([\d.]+) KB/, files['rtc-polling.js'].gzip],
        [/the tab client and the hub, ([\d.]+) KB/, files['rtc-broadcast-channel.js'].gzip],
        [
          /`<rtc-video-grid>` downloads ([\d.]+) KB min\+gzip in (\d+) files/,
          pages.roomAndGrid.gzip,
          pages.roomAndGrid.count,
        ],
        [
          /every element through the autoloader is ([\d.]+) KB in (\d+) files/,
          pages.everyElement.gzip,
          pages.everyElement.count,
        ],
        [/the one-file bundle with every element is ([\d.]+) KB/, pages.bundle.gzip],
      ];
      for (const [pattern, bytes, count] of checks) {
        const said = figure(pattern);
        const actual = bytes / 1024;
        assert.ok(
          Math.abs(said.kb - actual) <= 0.2,
          `README says ${said.kb} KB for ${pattern}; the build measures ${actual.toFixed(1)} KB`,
        );
        if (count !== undefined) assert.equal(said.count, count, `file count for ${pattern}`);
      }
    },
  );
});
