import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { benchWithBuiltins } from '../../cli/bench.js';
import { UNBOUNDED_ITERATIONS } from '../../harness/grid.js';
import { recordRun } from '../training/run-helpers.js';
import { recordingReporter, writeJson } from './helpers.js';

// end to end through real worker processes (bin/bench-worker.js), on a tiny HyperGrid
const tmp = mkdtempSync(join(tmpdir(), 'gfn-bench-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = { backend: 'wasm', batchSize: 8, estimator: { name: 'mlp', hidden: [16, 16] }, objective: { name: 'tb' } };
const env = { label: 'grid6', env: { name: 'hypergrid', ndim: 2, height: 6, R0: 0.1 } };
const lineLabels = (svg: string): string[] =>
  [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="line mark"/g)].map((m) => m[1]!);

describe('gfn bench end to end', () => {
  it('2 objectives x 2 seeds x 30 iterations: logs, results.csv, summary.md and plots', async () => {
    const out = join(tmp, 'tiny');
    const configPath = writeJson(tmp, 'tiny.json', {
      name: 'tiny',
      base,
      environments: [env],
      objectives: [
        { label: 'tb-u', objective: { name: 'tb', backward: 'uniform' } },
        { label: 'rl-u', objective: { name: 'rl', backward: 'uniform', value: { hidden: [16, 16] } } },
      ],
      seeds: [0, 1],
      budget: { iterations: 30 },
      workers: 2,
      evaluation: { every: 10 },
    });
    const reporter = recordingReporter();
    const outcome = await benchWithBuiltins(configPath, { outDir: out, reporter });
    expect(outcome.ran).toBe(4);
    for (const r of outcome.results) {
      expect(r.log.state, r.log.error).toBe('finished');
      expect(r.log.points.map((p) => [p.iterations, p.trajectories])).toEqual([
        [0, 0],
        [10, 80],
        [20, 160],
        [30, 240],
      ]);
    }
    expect(reporter.lines.filter((l) => /^\[bench\] \d\/4 grid6-(tb|rl)-u-s[01]: finished 30 iterations/.test(l))).toHaveLength(4);

    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]!.startsWith('env,objective,seed,run,state,iterations,trajectories,elapsedSeconds,tv,jsd,logZError,')).toBe(true);
    expect(csv).toHaveLength(1 + 4 * 4); // evaluations at iterations 0, 10, 20, 30
    expect(csv.filter((l) => l.startsWith('grid6,rl-u,1,grid6-rl-u-s1,finished,30,240,'))).toHaveLength(1);

    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| tb-u \| 2\/2 \| [\d.]+ ± [\d.e-]+ \| [\d.]+ ± [\d.e-]+ \| [\d.]+ ± [\d.e-]+ \| [\d.]+ \|/);
    expect(summary).toMatch(/\| rl-u \| 2\/2 \| /);
    expect(summary).not.toContain('Failed runs');

    expect(readdirSync(join(out, 'plots')).sort()).toEqual(['grid6-iterations.svg', 'grid6-seconds.svg']);
    for (const f of ['grid6-iterations.svg', 'grid6-seconds.svg']) {
      // panels: TV, JSD, |log Ẑ − log Z| and modes found (the grid's one mode; 0 is drawn on its linear axis)
      expect(lineLabels(readFileSync(join(out, 'plots', f), 'utf8'))).toEqual(['tb-u', 'rl-u', 'tb-u', 'rl-u', 'tb-u', 'rl-u', 'tb-u', 'rl-u']);
    }

    // a run in a worker computes what the same config computes in-process
    const spec = outcome.specs.find((s) => s.id === 'grid6-tb-u-s1')!;
    const inProcess = await recordRun(spec.config);
    const fromWorker = outcome.results.find((r) => r.id === spec.id)!.log.points.at(-1)!.metrics;
    expect(fromWorker.tv).toBe(inProcess.evaluations.at(-1)!.metrics.tv);
  });

  it('a run that fails (NaN loss) is reported with its error while the others finish; a seconds budget stops at an evaluation', async () => {
    const out = join(tmp, 'failing');
    const configPath = writeJson(tmp, 'failing.json', {
      name: 'failing',
      base: { ...base, plugins: [fileURLToPath(new URL('./nan-plugin.ts', import.meta.url))] },
      environments: [env],
      objectives: [
        { label: 'nan', objective: { name: 'nan-after', after: 3 } },
        { label: 'tb-u', objective: { name: 'tb', backward: 'uniform' } },
      ],
      seeds: [0],
      budget: { seconds: 1.5 },
      workers: 2,
      evaluation: { every: 5 },
    });
    const reporter = recordingReporter();
    const outcome = await benchWithBuiltins(configPath, { outDir: out, reporter });
    const nan = outcome.results.find((r) => r.objective === 'nan')!;
    expect(nan.log.state).toBe('failed');
    expect(nan.log.error).toBe("objective 'nan-after' produced loss = NaN at iteration 3");
    expect(reporter.lines.some((l) => /^\[bench\] [12]\/2 grid6-nan-s0: FAILED: objective 'nan-after' produced loss = NaN at iteration 3/.test(l))).toBe(true);

    const tb = outcome.results.find((r) => r.objective === 'tb-u')!;
    expect(tb.log.state, tb.log.error).toBe('finished');
    const f = tb.log.finished!;
    expect(outcome.specs.find((s) => s.objective === 'tb-u')!.config.iterations).toBe(UNBOUNDED_ITERATIONS);
    expect(f.elapsedSeconds).toBeGreaterThanOrEqual(1.5);
    expect(f.iterations % 5).toBe(0);
    expect(tb.log.points.at(-1)!.iterations).toBe(f.iterations);

    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain("**Failed runs**\n\n- `nan` seed 0: objective 'nan-after' produced loss = NaN at iteration 3");
    expect(summary).toMatch(/\| nan \| 0\/1 \| — \|/);
    expect(summary).toMatch(/\| tb-u \| 1\/1 \| [\d.]+ \|/);
    expect(lineLabels(readFileSync(join(out, 'plots', 'grid6-iterations.svg'), 'utf8'))).toEqual(['tb-u', 'tb-u', 'tb-u', 'tb-u']);
  });
});
