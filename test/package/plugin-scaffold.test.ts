import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packOnce } from './pack-once.js';

// A plugin author's first steps, outside the repository: `gfn new-plugin` writes a project into a
// temporary folder, the project installs the packed library, runs its own tests (the conformance
// kit) and trains through the installed `gfn`; that installed `gfn`, given no --library, writes a
// second project that depends on the copy it runs from and needs no gflownet-ts on the registry.
// Install scripts are skipped (tfjs-node's would download a TensorFlow binary), so the projects'
// `prepare` builds run explicitly.
const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'gfn-scaffold-'));
const project = join(root, 'my-plugin');
// two installed projects: removing them takes minutes on a loaded machine
afterAll(() => rmSync(root, { recursive: true, force: true }), 300_000);

const run = (command: string, args: string[], cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
/** Runs a command expected to fail; returns its stderr. */
const failing = (command: string, args: string[], cwd: string): string => {
  try {
    run(command, args, cwd);
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
  throw new Error(`${command} ${args.join(' ')} succeeded`);
};
const gfn = (...args: string[]): string => run(join(project, 'node_modules', '.bin', 'gfn'), args, project);
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
/** The files of a tarball, sorted. */
const tarFiles = (tarball: string): string[] => run('tar', ['-tzf', tarball], root).trim().split('\n').sort();

let written = '';
beforeAll(() => {
  const { tarball } = packOnce();
  written = run('node', [join(repo, 'bin', 'gfn.js'), 'new-plugin', project, '--library', `file:${tarball}`], root);
  run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  run('npm', ['run', 'build'], project);
}, 900_000);

// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal's colour codes, which start with ESC
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

describe('gfn new-plugin: a plugin project outside the repository', () => {
  it('writes a module package that depends on gflownet-ts and shares its tensor engine as a peer', () => {
    expect(written).toMatch(
      /^wrote 10 files to .*my-plugin\/: \.gitignore, README\.md, config\.json, package\.json, src\/index\.ts, src\/subsets-env\.ts, src\/tb-objective\.ts, test\/plugin\.test\.ts, tsconfig\.json, vitest\.config\.ts\n/,
    );
    expect(written).toContain(`gflownet-ts: "file:${packOnce().tarball}" in package.json (--library)`);
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
    expect(manifest.type).toBe('module');
    expect(manifest.name).toBe('my-plugin');
    expect(Object.keys(manifest.dependencies as object)).toEqual(['gflownet-ts']);
    expect(manifest.peerDependencies).toEqual({
      '@tensorflow/tfjs-core': JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).dependencies['@tensorflow/tfjs-core'],
    });
    // the build type-checked the plugin against the shipped declarations and compiled only src/
    expect(existsSync(join(project, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(project, 'dist', 'index.d.ts'))).toBe(true);
    expect(readFileSync(join(project, 'src', 'index.ts'), 'utf8')).toContain("name: 'my-plugin'");
  });

  it("the template's own tests pass: the conformance kit on its environment and objective", () => {
    // vitest colours its summary when the parent run does: compare the plain text
    const out = run('npm', ['test'], project).replace(ANSI_COLOUR, '');
    expect(out).toMatch(/Tests\s+3 passed \(3\)/);
  });

  it('trains through the installed gfn from the config, evaluated exactly from iteration 0', () => {
    const out = gfn('train', 'config.json', '--set', 'iterations=150', '--set', 'logging.progress=none');
    const tv = Number(/^final \(iteration 150\): tv ([0-9.e-]+)/m.exec(out)?.[1]);
    const evaluations = readFileSync(join(project, 'runs', 'subsets-my-tb', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; iteration: number; tv: number })
      .filter((r) => r.type === 'evaluation');
    expect(evaluations[0]!.iteration).toBe(0);
    // it learned: the exact TV fell well below the untrained network's
    expect(tv).toBeLessThan(0.25 * evaluations[0]!.tv);
  });

  it('the installed gfn lists the plugin’s options and rejects k > n with the plugin named', () => {
    expect(gfn('list', '--plugin', 'dist/index.js')).toContain('k: integer, >= 1, default 3 — size of the subsets (k <= n)');
    expect(gfn('list', 'config.json')).toMatch(/^plugin 'my-plugin' \(\.\/dist\/index\.js\):/);
    expect(failing(join(project, 'node_modules', '.bin', 'gfn'), ['train', 'config.json', '--set', 'env.k=7'], project)).toContain(
      `field "env.k" = 7: must be <= n = 6 (environment 'subsets' of plugin 'my-plugin')`,
    );
  });

  it('the installed gfn, given no --library, scaffolds a project that depends on the very package it ran from, packed into it; the project installs and passes its tests', () => {
    const second = join(root, 'second');
    const tarball = `gflownet-ts-${version}.tgz`;
    const out = gfn('new-plugin', second);
    expect(out).toMatch(new RegExp(`^wrote 11 files to .*second/: .*${tarball.replaceAll('.', '\\.')}`));
    expect(out).toContain(
      `gflownet-ts: "file:${tarball}" in package.json: the copy this gfn runs from (${realpathSync(join(project, 'node_modules', 'gflownet-ts'))}), packed into the project\n`,
    );
    expect(out).toContain(`npm install                 # gflownet-ts (file:${tarball}), then builds dist/ from src/`);
    expect((JSON.parse(readFileSync(join(second, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies).toEqual({
      'gflownet-ts': `file:${tarball}`,
    });
    // the same files as the tarball the running copy was installed from
    expect(tarFiles(join(second, tarball))).toEqual(tarFiles(packOnce().tarball));
    // the template ships in the package: the installed command writes the same project
    expect(readFileSync(join(second, 'src', 'subsets-env.ts'), 'utf8')).toBe(readFileSync(join(project, 'src', 'subsets-env.ts'), 'utf8'));
    run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], second);
    run('npm', ['run', 'build'], second);
    expect(run('npm', ['test'], second).replace(ANSI_COLOUR, '')).toMatch(/Tests\s+3 passed \(3\)/);
  }, 600_000);

  it('refuses a folder that is not empty', () => {
    expect(failing('node', [join(repo, 'bin', 'gfn.js'), 'new-plugin', project], root)).toMatch(/^gfn: new-plugin: .*my-plugin exists and is not empty/);
  });
});
