import { PinnedVersions } from '../src/versions';
import { pinnedVersionsTable, readmeTable } from './util/pinned-versions';

describe('the README lists every pinned version', () => {
  test('its table is the one generated from PinnedVersions (run `npx projen docgen:pinned` after a bump)', () => {
    expect(readmeTable()).toBe(pinnedVersionsTable());
  });

  test('every constant is a row with its value and a description', () => {
    const table = pinnedVersionsTable();
    for (const [name, value] of Object.entries(PinnedVersions)) {
      expect(table).toMatch(new RegExp(`^\\| \`${name}\` \\| \`${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\` \\| \\S`, 'm'));
    }
    expect(Object.keys(PinnedVersions).length).toBeGreaterThanOrEqual(17);
  });
});
