import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// package.json's `engines.node` is the promise made to users: every Node version it admits must be
// one that every runtime dependency admits too, or npm prints EBADENGINE warnings on install (and
// refuses under engine-strict). Checked over the production tree of the lock file, transitively.
const repo = resolve(import.meta.dirname, '../..');
const ours = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const floor = /^>=\s*(\d+\.\d+\.\d+)$/.exec(ours)?.[1];

/** Folders of the installed production tree (dependencies and optional dependencies, all levels). */
function productionTree(): string[] {
  // `npm ls` exits non-zero for problems elsewhere in the tree (an extraneous package); its list is still complete
  const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return ls.stdout
    .split('\n')
    .slice(1) // the first line is the repository itself
    .filter((dir) => dir && existsSync(join(dir, 'package.json')));
}

/**
 * Whether `theirs` admits every version from `from` on. semver.subset compares one comparator set
 * with one set, so `>=22.12.0` would not count as inside `^22.12.0 || >=23`: the versions from
 * `from` on are cut into major lines first, above the largest number `theirs` mentions one piece.
 */
function admitsEveryVersionFrom(from: string, theirs: string): boolean {
  const start = semver.parse(from)!;
  const top = Math.max(start.major, ...[...theirs.matchAll(/\d+/g)].map((m) => Number(m[0]))) + 1;
  const pieces = [`>=${top}.0.0`];
  for (let major = start.major; major < top; major++) pieces.push(`>=${major === start.major ? from : `${major}.0.0`} <${major + 1}.0.0-0`);
  return pieces.every((piece) => semver.subset(piece, theirs));
}

describe('engines.node in package.json', () => {
  it('is a floor (>=X.Y.Z) that admits the newest LTS line CI runs on, and the README names both', () => {
    expect(floor, `engines.node "${ours}"`).toBeDefined();
    const lts = /^LTS_NODE=(\d+)$/m.exec(readFileSync(join(repo, '.ci/run'), 'utf8'))?.[1];
    expect(lts, '.ci/run names the LTS major it tests as LTS_NODE=<major>').toBeDefined();
    expect(semver.major(floor!), `Node ${lts} under engines.node "${ours}"`).toBeLessThanOrEqual(Number(lts));
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ≥ ${floor!.replace(/\.0$/, '')} `);
    expect(readme).toMatch(new RegExp(`\\bNode ${lts}\\b`));
  });

  it('admits no Node version that a runtime dependency, direct or transitive, refuses', () => {
    const refusing: string[] = [];
    let declared = 0;
    for (const dir of productionTree()) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; engines?: { node?: unknown } };
      const theirs = pkg.engines?.node;
      if (typeof theirs !== 'string') continue;
      declared++;
      // npm ignores a range it cannot parse; so does this check
      if (semver.validRange(theirs) !== null && !admitsEveryVersionFrom(floor!, theirs)) refusing.push(`${pkg.name}@${pkg.version} needs node ${theirs}`);
    }
    // the scan saw the tree: well over a hundred packages of the production tree declare engines
    expect(declared).toBeGreaterThan(50);
    expect(refusing, `engines.node is "${ours}"`).toEqual([]);
  });

  it('the check itself: a floor below a dependency range, or in a gap of it, is refused', () => {
    expect(admitsEveryVersionFrom('22.12.0', '^20.19.0 || ^22.12.0 || >=23')).toBe(true);
    expect(admitsEveryVersionFrom('20.19.0', '^20.19.0 || ^22.12.0 || >=23')).toBe(false);
    expect(admitsEveryVersionFrom('22.12.0', '^20.12 || ^22.13 || >=24')).toBe(false);
    expect(admitsEveryVersionFrom('22.12.0', '^22.12 || >=26')).toBe(false);
    expect(admitsEveryVersionFrom('22.12.0', '>= 0.4')).toBe(true);
  });
});
