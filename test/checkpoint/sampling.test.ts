import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEnumerable } from '../../core/env/environment.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { totalVariation } from '../../core/evaluation/metrics.js';
import { train } from '../../core/run/run.js';
import { loadSampler } from '../../plugins/index.js';
import { registry, smallConfig } from '../training/run-helpers.js';
import { metricRecords, tempRunsDir } from './helpers.js';

describe('sampling from a checkpoint', () => {
  it('loadSampler reproduces the trained P_T: exact P_T of the restored network = the final evaluation, and 20k samples are within the sampling bound of it', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'trained', iterations: 300, checkpoint: { every: 0 }, logging: { dir, progress: 'none' } });
    await train(config, registry, { subscribers: ['evaluator', 'jsonl', 'checkpoint'] });
    const runDir = join(dir, 'trained');
    const lastEvaluation = metricRecords(runDir)
      .filter((r) => r.type === 'evaluation')
      .at(-1)!;
    expect(lastEvaluation.iteration).toBe(300);

    const sampler = await loadSampler(runDir, { seed: 7 });
    const env = sampler.env;
    if (!isEnumerable(env)) throw new Error('hypergrid is enumerable');
    const pT = new ExactTerminatingDistribution(env).compute(sampler.forward);
    // the restored network is the trained one: its exact TV to the target is the one logged at the end
    expect(totalVariation(pT, env.trueDistribution())).toBeCloseTo(lastEvaluation.tv as number, 9);

    const n = 20_000;
    const { states, logRewards, stateDim } = sampler.sample(n);
    expect(stateDim).toBe(2);
    expect(states).toHaveLength(n * 2);
    const index = env.stateIndex(states);
    const empirical = new Float64Array(env.nStates);
    for (const k of index) empirical[k]! += 1 / n;
    // log-rewards belong to the sampled states
    expect(Array.from(logRewards.subarray(0, 100))).toEqual(Array.from(env.logReward(states.subarray(0, 200))));
    // E[TV(empirical, P_T)] ≤ ½ Σ sqrt(p(1−p)/n) ≤ ½ sqrt(K/n) over the K = 64 terminal states, and TV
    // moves by at most 1/n per sample, so P(TV > E + t) ≤ exp(−2 n t²) (McDiarmid): t for 1e-6
    const K = env.nStates;
    const bound = 0.5 * Math.sqrt(K / n) + Math.sqrt(Math.log(1e6) / (2 * n));
    expect(bound).toBeLessThan(0.05);
    expect(totalVariation(empirical, pT)).toBeLessThan(bound);
    // so the samples' TV to the target agrees with the exact one within the sampling error
    expect(totalVariation(empirical, env.trueDistribution())).toBeCloseTo(lastEvaluation.tv as number, 1);
    sampler.dispose();
  });

  it('loadSampler takes another engine for the network passes: P_T to float32 rounding; an unknown one is a config error', async () => {
    const dir = tempRunsDir();
    await train(smallConfig({ name: 'engines', iterations: 10, logging: { dir, progress: 'none' } }), registry, { subscribers: ['checkpoint'] });
    const runDir = join(dir, 'engines');
    const pT = async (engine?: string): Promise<Float64Array> => {
      const sampler = await loadSampler(runDir, engine === undefined ? {} : { engine });
      try {
        if (!isEnumerable(sampler.env)) throw new Error('hypergrid is enumerable');
        return new ExactTerminatingDistribution(sampler.env).compute(sampler.forward);
      } finally {
        sampler.dispose();
      }
    };
    const asSaved = await pT();
    const onBackend = await pT('backend');
    asSaved.forEach((p, k) => expect(Math.abs(p - onBackend[k]!)).toBeLessThan(1e-5 * Math.max(p, 1e-3)));
    await expect(pT('gpu')).rejects.toThrow(/field "engine.name" = "gpu"/);
  });

  it('`gfn sample` writes the requested number of samples as jsonl and csv', async () => {
    const dir = tempRunsDir();
    await train(smallConfig({ name: 'cli', iterations: 20, logging: { dir, progress: 'none' } }), registry, { subscribers: ['jsonl', 'checkpoint'] });
    const runDir = join(dir, 'cli');
    const gfn = (...args: string[]) => execFileSync('node', ['bin/gfn.js', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    gfn('sample', '--checkpoint', runDir, '-n', '1234', '--out', join(dir, 's.jsonl'));
    const lines = readFileSync(join(dir, 's.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1234);
    const first = JSON.parse(lines[0]!) as { state: number[]; logReward: number };
    expect(first.state).toHaveLength(2);
    expect(Number.isFinite(first.logReward)).toBe(true);
    gfn('sample', '--checkpoint', runDir, '-n', '500', '--out', join(dir, 's.csv'), '--format', 'csv');
    const rows = readFileSync(join(dir, 's.csv'), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('s0,s1,logReward');
    expect(rows).toHaveLength(501);
    expect(rows.slice(1).every((r) => /^\d+,\d+,-?[0-9.e+-]+$/.test(r))).toBe(true);
  });
});
