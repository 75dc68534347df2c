import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCondition, sampleCommand } from '../../cli/sample.js';
import { isConditional } from '../../core/env/condition/conditional-environment.js';
import { isEnumerable } from '../../core/env/environment.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { totalVariation } from '../../core/evaluation/metrics.js';
import { train } from '../../core/run/run.js';
import { loadSampler } from '../../plugins/index.js';
import { metricRecords, tempRunsDir } from '../checkpoint/helpers.js';
import { registry, smallConfig } from '../training/run-helpers.js';

const CONDITION = { beta: { distribution: 'log-uniform', min: 0.5, max: 4 } };

describe('sampling a conditional run at a condition', () => {
  it('samples at a condition: loadSampler(dir).sample(n, { condition: { beta } }) draws from P_T(·|β) of the restored network', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'cond-sampled', iterations: 60, condition: CONDITION, checkpoint: { every: 0 }, logging: { dir, progress: 'none' } });
    await train(config, registry, { subscribers: ['evaluator', 'jsonl', 'checkpoint'] });
    const runDir = join(dir, 'cond-sampled');
    const last = metricRecords(runDir)
      .filter((r) => r.type === 'evaluation')
      .at(-1)!;
    const sampler = await loadSampler(runDir, { seed: 3 });
    const { env } = sampler;
    if (!isConditional(env)) throw new Error('the run is conditional');
    const exact = (beta: number): Float64Array => {
      const at = env.at(Float32Array.of(beta));
      if (!isEnumerable(at)) throw new Error('hypergrid is enumerable');
      const pT = new ExactTerminatingDistribution(at).compute(sampler.forward);
      // the restored network is the trained one: its TV at β is the one logged at the end
      expect(totalVariation(pT, at.trueDistribution())).toBeCloseTo(last[`tv@beta=${beta}`] as number, 9);
      return pT;
    };
    const [at4, atHalf] = [exact(4), exact(0.5)];
    const n = 20_000;
    const { states, logRewards, stateDim } = sampler.sample(n, { condition: { beta: 4 } });
    // the environment's own states and reward, without the condition
    expect(stateDim).toBe(2);
    expect(Array.from(logRewards.subarray(0, 50))).toEqual(Array.from(env.base.logReward(states.subarray(0, 100))));
    const view = env.at(Float32Array.of(4));
    if (!isEnumerable(view)) throw new Error('hypergrid is enumerable');
    const empirical = new Float64Array(at4.length);
    for (const k of view.stateIndex(view.withCondition(states, Float32Array.of(4)))) empirical[k]! += 1 / n;
    // within the sampling bound ½·sqrt(K/n) of P_T(·|4), and far from P_T(·|0.5)
    const bound = 0.5 * Math.sqrt(at4.length / n);
    expect(totalVariation(empirical, at4)).toBeLessThan(bound);
    expect(totalVariation(at4, atHalf)).toBeGreaterThan(4 * bound);
    expect(() => sampler.sample(5, { condition: { gamma: 1 } })).toThrow(/unknown component "gamma"; valid components: beta/);
    sampler.dispose();

    // gfn sample --condition beta=4: the environment's own state columns and its reward
    const out = join(dir, 'samples.csv');
    await sampleCommand({ checkpoint: runDir, n: '50', out, format: 'csv', condition: 'beta=4' });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('s0,s1,logReward');
    expect(lines).toHaveLength(51);
    expect(parseCondition(' beta = 0.5 ')).toEqual({ beta: 0.5 });
    expect(() => parseCondition('beta')).toThrow(/--condition must be name=number pairs joined by commas \(e.g. beta=4\), got 'beta'/);
  });
});
