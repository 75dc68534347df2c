import { describe, expect, it } from 'vitest';
import { validateBenchConfig } from '../../harness/config.js';
import { resultsCsv } from '../../harness/csv.js';
import { firstReach, mean, objectiveStats, std } from '../../harness/statistics.js';
import { summaryMarkdown } from '../../harness/summary.js';
import { formatMeanStd } from '../../harness/summary-format.js';
import { fakeResult } from './helpers.js';

const point = (iterations: number, tv: number, extra: Record<string, number> = {}) => ({
  iterations,
  trajectories: iterations * 16,
  elapsedSeconds: iterations / 10,
  metrics: { tv, ...extra },
});

// three seeds of one objective; final TV 0.1, 0.2, 0.3 → mean 0.2, sample std 0.1
const seeds = [
  fakeResult('grid', 'tb-u', 0, {
    state: 'finished',
    backend: 'wasm',
    points: [point(10, 0.5), point(20, 0.09), point(30, 0.1, { jsd: 0.01, logZError: 1 })],
    finished: { iterations: 30, elapsedSeconds: 3 },
  }),
  fakeResult('grid', 'tb-u', 1, {
    state: 'finished',
    backend: 'wasm',
    points: [point(10, 0.4), point(20, 0.3), point(30, 0.2, { jsd: 0.03, logZError: 2 })],
    finished: { iterations: 30, elapsedSeconds: 6 },
  }),
  fakeResult('grid', 'tb-u', 2, {
    state: 'finished',
    backend: 'wasm',
    points: [point(10, 0.04), point(20, 0.2), point(30, 0.3, { jsd: 0.05, logZError: 6 })],
    finished: { iterations: 30, elapsedSeconds: 2 },
  }),
];
const failed = fakeResult('grid', 'rl-u', 0, { state: 'failed', error: "objective 'rl' produced loss = NaN at iteration 12", points: [point(10, 0.6)] });
const partial = fakeResult('grid', 'rl-u', 1, { state: 'interrupted', points: [point(10, 0.5)] });

describe('bench statistics', () => {
  it('mean and sample standard deviation', () => {
    expect(mean([0.1, 0.2, 0.3])).toBeCloseTo(0.2, 12);
    expect(std([0.1, 0.2, 0.3])).toBeCloseTo(0.1, 12);
    // (1, 2, 6): mean 3, squared deviations 4 + 1 + 9 = 14, / (3 − 1) = 7
    expect(std([1, 2, 6])).toBeCloseTo(Math.sqrt(7), 12);
    expect(std([5])).toBe(0);
    expect(mean([])).toBeNaN();
    expect(formatMeanStd([1, 2, 6])).toBe('3 ± 2.65');
    expect(formatMeanStd([0.0123456])).toBe('0.0123');
    expect(formatMeanStd([])).toBe('—');
  });

  it('finds the first evaluation at or below a TV threshold', () => {
    expect(firstReach(seeds[0]!.log.points, 0.1)?.iterations).toBe(20);
    expect(firstReach(seeds[0]!.log.points, 0.09)?.iterations).toBe(20);
    expect(firstReach(seeds[0]!.log.points, 0.05)).toBeUndefined();
    expect(firstReach(seeds[2]!.log.points, 0.05)?.iterations).toBe(10);
  });

  it('aggregates one objective over its seeds: finals, it/s, thresholds, failures', () => {
    const s = objectiveStats('grid', 'tb-u', seeds, [0.1, 0.05, 0.01]);
    expect(s.finished).toBe(3);
    expect(s.final.tv).toEqual([0.1, 0.2, 0.3]);
    expect(s.final.logZError).toEqual([1, 2, 6]);
    expect(s.iterationsPerSecond).toEqual([10, 5, 15]);
    // TV ≤ 0.1: seed 0 at 20 iterations (320 traj, 2 s), seed 2 at 10 (160 traj, 1 s); seed 1 never
    expect(s.thresholds[0]).toEqual({ threshold: 0.1, reached: 2, trajectories: 240, seconds: 1.5 });
    expect(s.thresholds[1]).toEqual({ threshold: 0.05, reached: 1, trajectories: 160, seconds: 1 });
    expect(s.thresholds[2]).toMatchObject({ threshold: 0.01, reached: 0 });
    const r = objectiveStats('grid', 'rl-u', [failed, partial], [0.1]);
    expect(r.finished).toBe(0);
    expect(r.failed).toEqual([{ seed: 0, error: "objective 'rl' produced loss = NaN at iteration 12" }]);
    expect(r.incomplete).toEqual([1]);
  });

  it('summary.md: one row per objective with mean ± std, it/s and thresholds; failed runs with their error', () => {
    const bench = validateBenchConfig({
      name: 'demo',
      base: {},
      environments: [{ label: 'grid', env: { name: 'hypergrid', height: 8 } }],
      objectives: [{ label: 'tb-u' }, { label: 'rl-u' }],
      seeds: [0, 1, 2],
      budget: { iterations: 30 },
      tvThresholds: [0.1, 0.05],
    });
    const stats = [objectiveStats('grid', 'tb-u', seeds, bench.tvThresholds), objectiveStats('grid', 'rl-u', [failed, partial], bench.tvThresholds)];
    const md = summaryMarkdown({ bench, stats, backends: ['wasm'], plots: { grid: ['plots/grid-iterations.svg'] } });
    expect(md).toContain('1 environment(s) × 2 objective(s) × 3 seed(s) (0, 1, 2) = 6 runs; budget: 30 iterations per run; backend: wasm.');
    expect(md).toContain('| objective | seeds | TV | JSD | \\|log Ẑ − log Z\\| | it/s | TV ≤ 0.1 | TV ≤ 0.05 |');
    // JSD (0.01, 0.03, 0.05): mean 0.03, std 0.02; it/s mean of (10, 5, 15) = 10
    expect(md).toContain('| tb-u | 3/3 | 0.2 ± 0.1 | 0.03 ± 0.02 | 3 ± 2.65 | 10.0 | 240 traj · 1.5 s (2/3 seeds) | 160 traj · 1.0 s (1/3 seeds) |');
    expect(md).toContain('| rl-u | 0/3 | — | — | — | — | — | — |');
    expect(md).toContain("**Failed runs**\n\n- `rl-u` seed 0: objective 'rl' produced loss = NaN at iteration 12");
    expect(md).toContain('**Not complete** (run the benchmark again to finish them): `rl-u` seed 1');
    expect(md).toContain('![grid](plots/grid-iterations.svg)');
  });

  it('summary.md: an environment evaluated by sampling gets the sampled table', () => {
    const bench = validateBenchConfig({
      name: 'demo',
      base: {},
      environments: [{ label: 'bits', env: { name: 'bitseq', ndim: 64 } }],
      objectives: [{ label: 'tb-u' }],
      seeds: [0, 1],
      budget: { iterations: 30 },
    });
    const sampled = (seed: number, rho: number) =>
      fakeResult('bits', 'tb-u', seed, {
        state: 'finished',
        backend: 'wasm',
        points: [
          {
            iterations: 30,
            trajectories: 480,
            elapsedSeconds: 3,
            metrics: { testSpearman: rho, testPearson: rho / 2, modesFound: 4 * seed + 2, trajectoriesTo50pct: 100, topKReward: 0.5, topKDiversity: 10 },
          },
        ],
        finished: { iterations: 30, elapsedSeconds: 3 },
      });
    const stats = [objectiveStats('bits', 'tb-u', [sampled(0, 0.4), sampled(1, 0.6)], bench.tvThresholds)];
    const md = summaryMarkdown({ bench, stats, backends: ['wasm'], plots: {} });
    expect(md).toContain(
      '| objective | seeds | Spearman (test) | Pearson (test) | \\|log Ẑ_IS − log Z\\| | modes found | traj. to 50% modes | top-k reward | top-k diversity | it/s |',
    );
    // modes found (2, 6): mean 4, sample std 2.83; no closed-form log Z: —
    expect(md).toContain('| tb-u | 2/2 | 0.5 ± 0.141 | 0.25 ± 0.0707 | — | 4 ± 2.83 | 100 ± 0 | 0.5 ± 0 | 10 ± 0 | 10.0 |');
    expect(md).not.toContain('| TV |');
  });

  it('summary.md: a conditional environment gets a table of the final TV at each condition of its grid, and the worst', () => {
    const bench = validateBenchConfig({
      name: 'demo',
      base: {},
      environments: [
        { label: 'plain', env: { name: 'hypergrid', ndim: 2, height: 8 } },
        {
          label: 'tempered',
          env: { name: 'hypergrid', ndim: 2, height: 8 },
          overrides: { condition: { beta: { distribution: 'log-uniform', min: 0.5, max: 4 } } },
        },
      ],
      objectives: [{ label: 'tb-u' }],
      seeds: [0, 1],
      budget: { iterations: 30 },
    });
    // the grid's β in an order that sorts wrongly as text (10 before 2): the table sorts them as numbers
    const conditional = (seed: number) =>
      fakeResult('tempered', 'tb-u', seed, {
        state: 'finished',
        backend: 'wasm',
        points: [point(30, 0.2 + seed / 10, { 'tv@beta=10': 0.4 + seed / 10, 'tv@beta=2': 0.1, 'tv@beta=0.5': 0.1 + seed / 10, tvMax: 0.4 + seed / 10 })],
        finished: { iterations: 30, elapsedSeconds: 3 },
      });
    const plain = fakeResult('plain', 'tb-u', 0, {
      state: 'finished',
      backend: 'wasm',
      points: [point(30, 0.3)],
      finished: { iterations: 30, elapsedSeconds: 3 },
    });
    const stats = [
      objectiveStats('plain', 'tb-u', [plain], bench.tvThresholds),
      objectiveStats('tempered', 'tb-u', [conditional(0), conditional(1)], bench.tvThresholds),
    ];
    const md = summaryMarkdown({ bench, stats, backends: ['wasm'], plots: {} });
    const [plainPart, temperedPart] = md.split('## tempered');
    expect(temperedPart).toContain('| objective | seeds | TV at beta=0.5 | TV at beta=2 | TV at beta=10 | worst TV |');
    // β = 0.5: (0.1, 0.2) → 0.15 ± 0.0707; β = 2: (0.1, 0.1); β = 10 and worst: (0.4, 0.5) → 0.45 ± 0.0707
    expect(temperedPart).toContain('| tb-u | 2/2 | 0.15 ± 0.0707 | 0.1 ± 0 | 0.45 ± 0.0707 | 0.45 ± 0.0707 |');
    expect(temperedPart).toContain('`{"name":"hypergrid","ndim":2,"height":8}` with `{"condition":{"beta":{"distribution":"log-uniform","min":0.5,"max":4}}}`');
    expect(plainPart).not.toContain('TV per condition');
    expect(plainPart).not.toContain(' with `');
    expect(temperedPart).not.toContain('hypervolume');
  });

  it('summary.md: preferences in order of their weights, and a multi-objective environment’s hypervolume against its exact front', () => {
    const bench = validateBenchConfig({
      name: 'demo',
      base: {},
      environments: [{ label: 'bc', env: { name: 'hypergrid', ndim: 2, height: 6, objectives: ['branin', 'currin'] } }],
      objectives: [{ label: 'tb-u' }],
      seeds: [0],
      budget: { iterations: 30 },
    });
    const tv = { 'tv@branin=0.5,currin=0.5': 0.3, 'tv@branin=0.25,currin=0.75': 0.2, 'tv@branin=0,currin=1': 0.1, tvMax: 0.3, hypervolumeRatio: 0.987 };
    const run = fakeResult('bc', 'tb-u', 0, {
      state: 'finished',
      backend: 'wasm',
      points: [point(30, 0.2, tv)],
      finished: { iterations: 30, elapsedSeconds: 3 },
    });
    const md = summaryMarkdown({ bench, stats: [objectiveStats('bc', 'tb-u', [run], bench.tvThresholds)], backends: ['wasm'], plots: {} });
    expect(md).toContain(
      '| objective | seeds | TV at branin=0,currin=1 | TV at branin=0.25,currin=0.75 | TV at branin=0.5,currin=0.5 | worst TV | hypervolume / exact front |',
    );
    expect(md).toContain('| tb-u | 1/1 | 0.1 | 0.2 | 0.3 | 0.3 | 0.987 |');
  });

  it('results.csv: one row per run and evaluation point, metrics in columns', () => {
    const csv = resultsCsv([seeds[0]!, failed]).trim().split('\n');
    expect(csv[0]).toBe('env,objective,seed,run,state,iterations,trajectories,elapsedSeconds,tv,jsd,logZError,loss');
    expect(csv).toHaveLength(1 + 3 + 1);
    expect(csv[3]).toBe('grid,tb-u,0,grid-tb-u-s0,finished,30,480,3,0.1,0.01,1,');
    expect(csv[4]).toBe('grid,rl-u,0,grid-rl-u-s0,failed,10,160,1,0.6,,,');
  });
});
