import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFigures, DRIFT_TOLERANCE, packageFigures, readStatedFigures } from '../../scripts/doc-figures.js';
import { packOnce } from './pack-once.js';

// docs/package.md states the package's file count and size. What the tarball holds follows from
// the commit alone (the compiled sources, the bundled page, the data files), not from the machine
// or its load, so the comparison is a test; the start-up times are not (`npm run docs:check`).
const repo = resolve(import.meta.dirname, '../..');

describe('the figures docs/package.md states', () => {
  it('states the file count and the packed and unpacked size once each, in the checked form', () => {
    const stated = readStatedFigures(repo);
    for (const name of ['packageFiles', 'packedKb', 'unpackedKb'] as const) expect(stated[name]).toBeGreaterThan(0);
  });

  it(`the packed tarball's file count and sizes are within ${100 * DRIFT_TOLERANCE} % of them`, () => {
    const { report } = packOnce();
    const comparisons = compareFigures(readStatedFigures(repo), packageFigures(report));
    expect(comparisons.map((c) => c.name)).toEqual(['packageFiles', 'packedKb', 'unpackedKb']);
    const drifted = comparisons.filter((c) => !c.withinTolerance).map((c) => `${c.name}: stated ${c.stated}, packed ${c.measured.toFixed(0)}`);
    expect(drifted, 'update docs/package.md (npm run docs:check measures all its figures)').toEqual([]);
  }, 600_000);

  it('a statement rewritten out of its form, or stated twice, is an error naming the page and the form', () => {
    const root = mkdtempSync(join(tmpdir(), 'gfn-doc-figures-'));
    try {
      mkdirSync(join(root, 'docs'));
      const page = readFileSync(join(repo, 'docs/package.md'), 'utf8');
      writeFileSync(join(root, 'docs/package.md'), page.replace(/\*\*(\d+) files,/, '**$1 files in all,'));
      expect(() => readStatedFigures(root)).toThrow(
        'docs/package.md: expected the figures once in the form **<n> files, <n> kB packed, <n> kB unpacked**, found 0',
      );
      writeFileSync(join(root, 'docs/package.md'), `${page}\n${/`gfn list` \S+ s wall \(\S+ s CPU\)/.exec(page)![0]}\n`);
      expect(() => readStatedFigures(root)).toThrow('in the form `gfn list` <x> s wall (<y> s CPU), found 2');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the comparison refuses a figure off by more than the tolerance, either way', () => {
    const stated = { packageFiles: 100, packedKb: 1000, unpackedKb: 1000, helpWallS: 0.1, helpCpuS: 0.1, listWallS: 0.5, listCpuS: 0.5 };
    const within = compareFigures(stated, { packageFiles: 119, packedKb: 801 });
    expect(within.every((c) => c.withinTolerance)).toBe(true);
    const off = compareFigures(stated, { packageFiles: 121, packedKb: 799, listWallS: 0.61 });
    expect(off.map((c) => c.withinTolerance)).toEqual([false, false, false]);
  });
});
