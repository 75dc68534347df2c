import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackReport } from './pack-once.js';

// The package as a user gets it: `npm pack` (which builds dist/ through `prepare`), then an
// install of the tarball into an empty project that has no TypeScript tooling.
const repo = resolve(import.meta.dirname, '../..');
const consumerFiles = join(import.meta.dirname, 'consumer');
let project = '';
// removing an installed project takes over a minute on a loaded machine
afterAll(() => project && rmSync(project, { recursive: true, force: true }), 300_000);

let packed: PackReport;
let installLog = '';

/**
 * The repository's TypeScript compiler on the consumer project's `tsconfig`: the lines of its
 * error diagnostics (continuation lines left out), the files of the program when `--listFiles`
 * is given, and the exit status.
 */
function typeCheck(tsconfig: string, flags: string[]): { diagnostics: string[]; files: string[]; status: number | null } {
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const { stdout, status } = spawnSync('node', [tsc, '-p', tsconfig, '--pretty', 'false', ...flags], { cwd: project, encoding: 'utf8' });
  const lines = stdout.split('\n');
  return { diagnostics: lines.filter((line) => / error TS\d+:/.test(line)), files: lines.filter((line) => line.startsWith('/')), status };
}

const run = (command: string, args: string[], cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

beforeAll(() => {
  ({ project, report: packed, installLog } = installPacked('gfn-package-'));
  for (const f of ['train-and-sample.mjs', 'consumer.ts', 'tsconfig.json', 'tensor-consumer.ts', 'tsconfig.tensors.json'])
    copyFileSync(join(consumerFiles, f), join(project, f));
  // packing builds dist/ and the install copies ~170 packages: minutes on a loaded machine
}, 600_000);

describe('the npm package', () => {
  it('holds the compiled library, its declarations, the configs, the shipped data, README and LICENSE, and no tests or sources', () => {
    const paths = packed.files.map((f) => f.path);
    for (const p of [
      'dist/plugins/index.js',
      'dist/plugins/index.d.ts',
      'dist/plugins/index.js.map',
      'dist/plugins/plugin-kit.d.ts',
      'dist/plugins/browser.js',
      'dist/cli/gfn.js',
      'configs/default.json',
      'envs/data/tfbind8.y.f32',
      'envs/data/qm9str.y.f32',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      expect(paths).toContain(p);
    }
    // the dashboard's page, built: its script bundled, not its browser modules one by one
    for (const p of ['dist/dashboard/public/index.html', 'dist/dashboard/public/style.css', 'dist/dashboard/public/app.js']) expect(paths).toContain(p);
    expect(paths.filter((p) => p.startsWith('dist/dashboard/client/'))).toEqual([]);
    // templates/ holds the sources `gfn new-plugin` writes into a new project, on purpose
    const library = paths.filter((p) => !p.startsWith('templates/'));
    expect(library.filter((p) => p.startsWith('test/') || p.includes('.test.') || (p.endsWith('.ts') && !p.endsWith('.d.ts')))).toEqual([]);
    expect(paths).toContain('templates/plugin/src/index.ts');
    console.log(
      `[package] ${packed.filename}: ${paths.length} files, ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked`,
    );
  });

  it('installs without an EBADENGINE warning on a Node that engines.node admits, and warns about itself on one it does not', () => {
    const warned = [...installLog.matchAll(/EBADENGINE\s+package: '(.+?)@[^@']+'/g)].map((m) => m[1]);
    const engines = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    // npm runs on the `node` of PATH, which need not be the one running this test
    const npmNode = run('node', ['--version'], project).trim();
    if (semver.satisfies(npmNode, engines)) expect(warned, installLog).toEqual([]);
    // below the floor (the machine's Node 20 in CI) gflownet-ts itself must say so, not only its dependencies
    else expect(warned, installLog).toContain('gflownet-ts');
  });

  it('plain Node imports the library, trains a tiny HyperGrid run, saves it, loads it with loadSampler and samples', () => {
    const result = JSON.parse(run('node', ['train-and-sample.mjs'], project).trim().split('\n').at(-1)!) as Record<string, number | boolean>;
    expect(result.iterations).toBe(200);
    expect(result.checkpointSaved).toBe(true);
    expect(result.samples).toBe(500);
    expect(result.stateDim).toBe(2);
    expect(result.statesInGrid).toBe(true);
    expect(result.logRewardsMatch).toBe(true);
    // it trained: the exact TV fell (from ~0.3 for the untrained network on this grid)
    expect(result.finalTv).toBeLessThan(0.5 * (result.firstTv as number));
    // the data files are found from the compiled modules: TFbind8's true log Z
    expect(Math.abs((result.tfbind8LogZ as number) - 11.4621)).toBeLessThan(1e-3);
  });

  it('the installed gfn lists the plugins and trains from a config file', () => {
    const gfn = join(project, 'node_modules', '.bin', 'gfn');
    const list = run(gfn, ['list'], project);
    for (const name of ['hypergrid', 'tfbind8', 'dag', 'tb', 'rl', 'mlp']) expect(list).toMatch(new RegExp(`^  ${name} — `, 'm'));
    writeFileSync(
      join(project, 'tiny.json'),
      JSON.stringify({
        iterations: 20,
        batchSize: 8,
        env: { name: 'hypergrid', ndim: 2, height: 4 },
        objective: { name: 'tb' },
        estimator: { name: 'mlp', hidden: [16] },
        evaluation: { every: 10 },
      }),
    );
    const out = run(gfn, ['train', 'tiny.json', '--set', 'logging.progress=none'], project);
    expect(out).toMatch(/^final \(iteration 20\): tv [0-9.]+/m);
    expect(
      JSON.parse(
        readFileSync(join(project, 'runs', 'tiny', 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .at(-1)!,
      ).type,
    ).toBe('finished');
    // the pipelined trainer's sampling thread starts from the compiled module
    const pipelined = run(gfn, ['train', 'tiny.json', '--set', 'logging.progress=none', '--set', 'pipeline=true', '--set', 'name=tiny-pipelined'], project);
    expect(pipelined).toMatch(/^final \(iteration 20\): tv [0-9.]+/m);
  });

  it("a bundler targeting browsers gets the browser entry through the 'browser' condition, with no Node-only module", async () => {
    writeFileSync(
      join(project, 'page.mjs'),
      "import { builtinPlugin, PluginRegistry, setWasmPaths, train } from 'gflownet-ts';\nsetWasmPaths('./');\nexport const run = (config) => train(config, new PluginRegistry([builtinPlugin]));\n",
    );
    const result = await build({
      absWorkingDir: project,
      entryPoints: ['page.mjs'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('node_modules/gflownet-ts/dist/plugins/browser.js');
    expect(inputs.filter((p) => p.includes('gflownet-ts/dist/plugins/node/') || p.includes('gflownet-ts/dist/cli/'))).toEqual([]);
  });

  it('a strict TypeScript consumer (nodenext, no skipLibCheck) type-checks against the package as shipped, reaching none of TensorFlow.js’s declarations', () => {
    const { diagnostics, files, status } = typeCheck('tsconfig.json', ['--listFiles']);
    expect(diagnostics).toEqual([]);
    expect(status).toBe(0);
    // the check covered the shipped declarations, and no third-party declaration that fails under strict
    expect(files.some((f) => f.includes('/node_modules/gflownet-ts/dist/plugins/plugin-kit.d.ts'))).toBe(true);
    expect(files.filter((f) => /\/node_modules\/(@tensorflow|@webgpu|@types\/(long|emscripten))\//.test(f))).toEqual([]);
  }, 300_000);

  it('a consumer that computes with the tensors selects TensorFlow.js’s declarations with the gflownet-ts-tfjs condition; every error left is in those third-party declarations', () => {
    const { diagnostics, files } = typeCheck('tsconfig.tensors.json', ['--listFiles']);
    // the condition selected TensorFlow.js's declarations of the package's tensor types
    expect(files.some((f) => f.endsWith('/node_modules/gflownet-ts/dist/core/base/tfjs-tensor-types.d.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('/node_modules/@tensorflow/tfjs-core/dist/tensor.d.ts'))).toBe(true);
    // TensorFlow.js's own declarations fail under TypeScript 6 (docs/package.md): skipLibCheck is
    // needed for them, and only for them, so nothing in the consumer or in this package may fail
    const thirdParty = /^(node_modules\/(@tensorflow|@webgpu)\/|.*\/typescript\/lib\/lib\.dom\.d\.ts)/;
    expect(diagnostics.filter((line) => !thirdParty.test(line))).toEqual([]);
    console.log(`[package] tensor consumer: ${diagnostics.length} errors in TensorFlow.js's declarations and the DOM library (skipLibCheck)`);
  }, 300_000);

  // last: it adds onnxruntime-node to the project
  it('the installed gfn doctor says the native engine is missing and how to get it; following that gives a working engine', () => {
    const gfn = join(project, 'node_modules', '.bin', 'gfn');
    expect(run(gfn, ['doctor'], project)).toMatch(
      /^ {2}onnxruntime {3}cannot run here: the optional package onnxruntime-node is not installed\n {16}fix: npm install onnxruntime-node@"(.+)" --ignore-scripts/m,
    );
    // what the fix says (the install script would download CUDA libraries from outside the npm registry)
    const range = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> }).peerDependencies[
      'onnxruntime-node'
    ]!;
    run('npm', ['install', `onnxruntime-node@${range}`, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], project);
    const doctor = run(gfn, ['doctor'], project);
    expect(doctor).toMatch(/^ {2}onnxruntime {3}runs here \(onnxruntime-node [\d.]+ at .*; checks passed, self-test against \w+ passed\)$/m);
    expect(doctor).toMatch(/^→ network passes \(training and exact evaluation\): onnxruntime$/m);
  });
});
