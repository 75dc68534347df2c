import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCommand } from '../../cli/sample.js';
import { isConditional } from '../../core/env/condition/conditional-environment.js';
import { isEnumerable } from '../../core/env/environment.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { totalVariation } from '../../core/evaluation/metrics.js';
import { train } from '../../core/run/run.js';
import { loadSampler } from '../../plugins/index.js';
import { metricRecords, straightAndResumed, tempRunsDir } from '../checkpoint/helpers.js';
import { recordRun, registry, smallConfig } from '../training/run-helpers.js';

const ENV = { name: 'hypergrid', ndim: 2, height: 6, objectives: ['branin', 'currin'] };
const CONDITION = { preference: { distribution: 'dirichlet', alpha: 1, exponent: 4 } };
const LABELS = ['branin=1,currin=0', 'branin=0.75,currin=0.25', 'branin=0.5,currin=0.5', 'branin=0.25,currin=0.75', 'branin=0,currin=1'];

describe('a preference-conditional run', () => {
  it('is evaluated at each preference of the grid, with hypervolume, R2 and top-k diversity against the exact front', async () => {
    const run = await recordRun(smallConfig({ env: ENV, iterations: 20, condition: CONDITION, evaluation: { every: 10, samples: 300 } }));
    expect(run.evaluations.map((e) => e.iteration)).toEqual([0, 10, 20]);
    for (const { metrics } of run.evaluations) {
      const tvs = LABELS.map((l) => metrics[`tv@${l}`]!);
      for (const tv of tvs) expect(tv).toBeGreaterThan(0);
      expect(metrics.tv).toBeCloseTo(tvs.reduce((a, b) => a + b, 0) / LABELS.length, 12);
      // 300 draws cannot dominate more than the whole space does
      expect(metrics.hypervolume).toBeGreaterThan(0);
      expect(metrics.hypervolumeRatio).toBeCloseTo(metrics.hypervolume! / metrics.hypervolumeExact!, 15);
      expect(metrics.hypervolumeRatio).toBeLessThanOrEqual(1);
      expect(metrics.r2).toBeGreaterThanOrEqual(metrics.r2Exact!);
      expect(metrics.paretoSize).toBeLessThanOrEqual(metrics.paretoSizeExact!);
      expect(metrics.topKDiversity).toBeGreaterThan(0);
    }
    // the Pareto view (two objectives: a scatter in objective space): every state of the exact
    // front, every state of the sampled Pareto set, and every other sampled state once, sized by its draws
    const { metrics, view } = run.evaluations.at(-1)!;
    if (view?.kind !== 'scatter') throw new Error('a two-objective run shows its Pareto front as a scatter');
    expect([view.xLabel, view.yLabel]).toEqual(['branin', 'currin']);
    const of = (series: string) => view.points.filter((p) => p.series === series);
    const drawn = of('exact front, drawn').length;
    expect(drawn + of('exact front, not drawn').length).toBe(metrics.paretoSizeExact);
    expect(of('exact front, not drawn').every((p) => p.size === 0)).toBe(true);
    // the sampled Pareto set: its states on the exact front, and the rest
    expect(of('sampled Pareto set').length).toBeLessThanOrEqual(metrics.paretoSize!);
    expect(of('sampled Pareto set').length + drawn).toBeGreaterThanOrEqual(metrics.paretoSize!);
    // the 300 draws, each counted once (fewer than 200 distinct other states on a 6 x 6 grid)
    expect(view.points.reduce((n, p) => n + p.size!, 0)).toBe(300);
    expect(new Set(view.points.map((p) => p.label!.split(':')[0])).size).toBe(view.points.length);
    expect(view.title).toBe(`Pareto front: ${drawn} of its ${metrics.paretoSizeExact} states drawn`);
  });

  it('three objectives: the 15 preferences of the simplex lattice, the 3-D hypervolume against the exact front', async () => {
    const env = { name: 'hypergrid', ndim: 2, height: 4, objectives: ['branin', 'currin', 'shubert'] };
    const run = await recordRun(smallConfig({ env, iterations: 5, condition: CONDITION, evaluation: { every: 5, samples: 150 } }));
    const { metrics } = run.evaluations.at(-1)!;
    expect(Object.keys(metrics).filter((k) => k.startsWith('tv@'))).toHaveLength(15);
    expect(metrics['tv@branin=0.5,currin=0.25,shubert=0.25']).toBeGreaterThan(0);
    expect(metrics.hypervolumeRatio).toBeGreaterThan(0);
    expect(metrics.hypervolumeRatio).toBeLessThanOrEqual(1);
  });

  it('a preference with β: every pair of a β of the grid and a preference, the target R_ω^(e·β)', async () => {
    const env = { name: 'hypergrid', ndim: 2, height: 4, objectives: ['branin', 'currin'] };
    const condition = { ...CONDITION, beta: { distribution: 'log-uniform', min: 0.5, max: 2 }, grid: [0.5, 2] };
    const run = await recordRun(smallConfig({ env, iterations: 5, condition, evaluation: { every: 5, samples: 100 } }));
    const { metrics } = run.evaluations.at(-1)!;
    const tvs = Object.keys(metrics).filter((k) => k.startsWith('tv@'));
    expect(tvs).toHaveLength(10);
    expect(tvs).toContain('tv@beta=2,branin=0.25,currin=0.75');
    expect(metrics.hypervolumeRatio).toBeGreaterThan(0);
  });

  it('resumes bit for bit: 2 x 10 iterations with a resume = 20 straight (the ω drawn, log Z(ω), the evaluation and its draws)', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'pref',
      env: ENV,
      iterations: 20,
      condition: CONDITION,
      objective: { name: 'tb', backward: 'learned' },
      replay: { kind: 'prioritized', capacity: 100, ratio: 0.25 },
      evaluation: { every: 5, samples: 200 },
      checkpoint: { every: 5 },
      logging: { dir, progress: 'none' },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 10);
    const a = metricRecords(straight);
    expect(a.filter((r) => r.type === 'evaluation').every((r) => typeof r.hypervolumeRatio === 'number')).toBe(true);
    expect(metricRecords(resumed)).toEqual(a);
  });

  it('samples at a preference: loadSampler(dir).sample(n, { condition: { branin, currin } }) draws from P_T(·|ω)', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'pref-sampled',
      env: ENV,
      iterations: 30,
      condition: CONDITION,
      checkpoint: { every: 0 },
      logging: { dir, progress: 'none' },
    });
    await train(config, registry, { subscribers: ['evaluator', 'jsonl', 'checkpoint'] });
    const runDir = join(dir, 'pref-sampled');
    const sampler = await loadSampler(runDir, { seed: 3 });
    const { env } = sampler;
    if (!isConditional(env)) throw new Error('the run is conditional');
    const omega = Float32Array.of(0.25, 0.75);
    const view = env.at(omega);
    if (!isEnumerable(view)) throw new Error('hypergrid is enumerable');
    const pT = new ExactTerminatingDistribution(view).compute(sampler.forward);
    const n = 20_000;
    const { states } = sampler.sample(n, { condition: { branin: 0.25, currin: 0.75 } });
    const empirical = new Float64Array(pT.length);
    for (const k of view.stateIndex(view.withCondition(states, omega))) empirical[k]! += 1 / n;
    expect(totalVariation(empirical, pT)).toBeLessThan(0.5 * Math.sqrt(pT.length / n));
    expect(() => sampler.sample(5, { condition: { branin: 1 } })).toThrow(/component "currin" is required/);
    sampler.dispose();
    await sampleCommand({ checkpoint: runDir, n: '20', out: join(dir, 's.csv'), format: 'csv', condition: 'branin=0.5,currin=0.5' });
  });
});
