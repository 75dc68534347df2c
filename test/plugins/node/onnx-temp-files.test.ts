import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { onnxRuntimeEngine } from '../../../plugins/node/onnx/onnx-engine.js';

const repo = resolve(import.meta.dirname, '../../..');
const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`onnx temp-file tests skipped: ${missing}\n`);

const root = mkdtempSync(join(tmpdir(), 'gfn-onnx-temp-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/**
 * `gfn train` of a small run whose training passes and exact evaluations (in a worker thread) run on
 * ONNX Runtime, in a process of its own with a fresh, empty temporary folder and home folder; the
 * files left in each afterwards. `telemetry` sets ORT_DISABLE_TELEMETRY for it; unset by default.
 */
async function trainIn(name: string, telemetry?: string): Promise<{ tmp: string[]; home: string[]; stdout: string }> {
  const tmp = join(root, name, 'tmp');
  const home = join(root, name, 'home');
  const runs = join(root, name, 'runs');
  for (const dir of [tmp, home, runs]) mkdirSync(dir, { recursive: true });
  const config = join(root, name, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      name,
      iterations: 4,
      batchSize: 8,
      engine: { name: 'onnxruntime' },
      env: { name: 'hypergrid', ndim: 2, height: 6 },
      objective: { name: 'tb' },
      estimator: { name: 'mlp', hidden: [16] },
      evaluation: { every: 2 },
      logging: { dir: runs, progress: 'none' },
    }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, HOME: home, TSX_DISABLE_CACHE: '1' };
  delete env.ORT_DISABLE_TELEMETRY;
  // the runtime's telemetry stays off on a machine that says it is CI (CI=true makes the positive
  // control below write nothing), so the child runs without it
  delete env.CI;
  if (telemetry !== undefined) env.ORT_DISABLE_TELEMETRY = telemetry;
  // tsx (which runs the sources here, not in the installed package) would cache compiled modules in TMPDIR
  const { stdout } = await promisify(execFile)(process.execPath, [join(repo, 'bin', 'gfn.js'), 'train', config], { cwd: repo, env });
  return { tmp: filesUnder(tmp), home: filesUnder(home), stdout };
}

describe.skipIf(missing !== undefined)("ONNX Runtime's per-process files", () => {
  it('a run on the onnxruntime engine leaves nothing in $TMPDIR or under $HOME (its telemetry is off)', async () => {
    const { tmp, home, stdout } = await trainIn('quiet');
    expect(stdout).toMatch(/final \(iteration 4\): tv /);
    expect(tmp).toEqual([]);
    expect(home).toEqual([]);
  });

  it('ORT_DISABLE_TELEMETRY=0 set by the user is left alone: then the runtime writes its files (what the test above would see)', async () => {
    const { tmp, home } = await trainIn('telemetry-on', '0');
    expect(tmp).toContainEqual(expect.stringMatching(/^mat-debug-\d+\.log$/));
    expect(home).toContainEqual(expect.stringMatching(/^\.cache\/Microsoft\/DeveloperTools\//));
  });
});
