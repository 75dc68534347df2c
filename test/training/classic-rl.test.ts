import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../core/config/validate.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { IterationEvent } from '../../core/events/bus.js';
import { train } from '../../core/run/run.js';
import { recordRun, registry, smallConfig } from './run-helpers.js';

/** CartPole with the PPO defaults (64x64 tanh policy and value) and `objective` fields overridden. */
function cartpoleConfig(iterations: number, objective: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return resolveConfig(
    {
      name: 'test-cartpole',
      seed: 0,
      backend: 'wasm',
      iterations,
      env: { name: 'cartpole' },
      objective: { name: 'ppo', ...objective },
      estimator: { name: 'mlp', hidden: [64, 64], activation: 'tanh' },
      ...extra,
    },
    registry,
  );
}

describe('PPO on CartPole (smoke, seeded)', () => {
  it('the mean episode return improves within 4 iterations of 2048 steps; env steps and episodes are published', async () => {
    const run = await recordRun(cartpoleConfig(4));
    const first = run.iterations[0]!;
    const last = run.iterations.at(-1)!;
    console.log(
      `PPO CartPole: mean return ${first.metrics.episodeReturnMean!.toFixed(1)} after 2048 steps → ${last.metrics.episodeReturnMean!.toFixed(1)} after ${last.environmentSteps} (window of 100)`,
    );
    // a random policy averages about 22 steps; PPO's defaults roughly double that within 8k steps
    expect(first.metrics.episodeReturnMean).toBeLessThan(30);
    expect(last.metrics.episodeReturnMean!).toBeGreaterThan(1.6 * first.metrics.episodeReturnMean!);
    expect(run.iterations.map((e) => e.environmentSteps)).toEqual([2048, 4096, 6144, 8192]);
    // every CartPole reward is 1: returns are episode lengths
    expect(last.metrics.episodeReturnMean).toBe(last.metrics.episodeLengthMean);
    expect(last.metrics.episodeReturnStd).toBeGreaterThan(0);
    for (const k of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradNorm', 'explainedVariance'])
      expect(Number.isFinite(last.metrics[k])).toBe(true);
    // no exact evaluation on a classic environment
    expect(run.evaluations).toEqual([]);
  });

  it('the same seed gives the same numbers', async () => {
    const a = await recordRun(cartpoleConfig(2, { nSteps: 128, epochs: 2 }));
    const b = await recordRun(cartpoleConfig(2, { nSteps: 128, epochs: 2 }));
    expect(a.iterations.map((e) => e.metrics)).toEqual(b.iterations.map((e) => e.metrics));
  });

  it('the episode window is configurable', async () => {
    const small = await recordRun(cartpoleConfig(1, { nSteps: 256, epochs: 1 }, { logging: { episodeWindow: 1 } }));
    const m = small.iterations[0]!.metrics;
    // a window of one episode has no spread
    expect(m.episodeReturnStd).toBe(0);
  });
});

describe('REINFORCE with a baseline', () => {
  it('plays complete CartPole episodes (batchSize per iteration by default) and improves', async () => {
    const run = await recordRun(cartpoleConfig(30, { name: 'reinforce', lr: 0.01 }, { batchSize: 8, logging: { episodeWindow: 8 } }));
    const firsts = run.iterations.slice(0, 3).map((e) => e.metrics.episodeReturnMean!);
    const lasts = run.iterations.slice(-3).map((e) => e.metrics.episodeReturnMean!);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`REINFORCE CartPole: mean return ${mean(firsts).toFixed(1)} → ${mean(lasts).toFixed(1)} over 30 iterations of 8 episodes`);
    expect(run.iterations.every((e, i) => e.trajectoriesSeen === 8 * (i + 1))).toBe(true);
    expect(mean(lasts)).toBeGreaterThan(1.5 * mean(firsts));
  });
});

describe('one trainer for both families on HyperGrid', () => {
  it.each([
    ['tb', { name: 'tb' }],
    ['rl', { name: 'rl' }],
    ['ppo', { name: 'ppo' }],
    ['reinforce', { name: 'reinforce' }],
  ])('objective %s: only the objective changes, and the exact evaluator reports TV and JSD', async (_label, objective) => {
    const run = await recordRun(smallConfig({ iterations: 2, objective, evaluation: { every: 1 } }));
    // before the first update (evaluation.atStart), then after each of the two
    expect(run.evaluations.map((e) => e.iteration)).toEqual([0, 1, 2]);
    for (const e of run.evaluations) {
      expect(e.method).toBe('exact');
      expect(e.metrics.tv).toBeGreaterThan(0);
      expect(e.metrics.tv).toBeLessThanOrEqual(1);
      expect(e.metrics.jsd).toBeGreaterThan(0);
    }
  });

  it('PPO through the adapter: episodes are trajectories, each returning log R of its terminal state', async () => {
    const episodes: IterationEvent[] = [];
    const run = await recordRun(smallConfig({ iterations: 2, objective: { name: 'ppo', nSteps: 256, nEnvs: 2 }, evaluation: { every: 1 } }), {
      beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => episodes.push(e)),
    });
    const last = run.iterations.at(-1)!;
    expect(last.environmentSteps).toBe(2 * 512);
    // 2-D H=8 R0=0.1 rewards are 0.1, 0.6 or 2.6: the mean log R lies between their logs
    expect(last.metrics.episodeReturnMean).toBeGreaterThanOrEqual(Math.log(0.1));
    expect(last.metrics.episodeReturnMean).toBeLessThanOrEqual(Math.log(2.6));
    expect(last.trajectoriesSeen).toBeGreaterThan(0);
    // no log Z: PPO does not learn one, so the evaluator reports no log Z error
    expect(run.evaluations[0]!.metrics.logZError).toBeUndefined();
    expect(episodes.length).toBe(2);
  });

  it('a GFlowNet objective on a classic environment is a config error naming both', () => {
    expect(() => cartpoleConfig(1, { name: 'tb' })).toThrow(/field "objective.name" = "tb": objective 'tb' needs a GFlowNet environment.*'cartpole'.*ppo/);
  });

  it('on-policy baselines refuse exploration and replay settings like the rl objective', () => {
    expect(() => smallConfig({ objective: { name: 'ppo' }, sampler: { epsilon: 0.1 } })).toThrow(/'ppo' is on-policy/);
    expect(() => smallConfig({ objective: { name: 'reinforce' }, replay: { kind: 'uniform' } })).toThrow(
      /field "replay\.kind" = "uniform": objective 'reinforce' is on-policy/,
    );
  });
});

describe('tensor leaks of the classic baselines', () => {
  const cases: Array<[string, () => ReturnType<typeof smallConfig>]> = [
    ['PPO on CartPole', () => cartpoleConfig(12, { nSteps: 64, minibatchSize: 16, epochs: 2, nEnvs: 2 })],
    ['REINFORCE on CartPole', () => cartpoleConfig(12, { name: 'reinforce' }, { batchSize: 4 })],
    [
      'PPO on HyperGrid',
      () =>
        smallConfig({
          iterations: 12,
          objective: { name: 'ppo', nSteps: 64, minibatchSize: 16, epochs: 2 },
          estimator: { name: 'mlp', hidden: [16, 16] },
          evaluation: { every: 5 },
        }),
    ],
  ];

  it.each(cases)('%s: tf.memory().numTensors is the same after iteration 2 and 12, and zero growth after the run', async (_label, make) => {
    const counts = new Map<number, number>();
    const before = tf.memory().numTensors;
    await recordRun(make(), { beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => counts.set(e.iteration, tf.memory().numTensors)) });
    expect(counts.get(2)).toBeGreaterThan(0);
    expect(counts.get(12)).toBe(counts.get(2));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('progress output for classic environments', () => {
  it('plain lines show the mean ± std episode return', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await train(cartpoleConfig(2, { nSteps: 128, epochs: 1 }, { logging: { progress: 'lines', every: 1 } }), registry, { subscribers: ['progress'] });
    } finally {
      spy.mockRestore();
    }
    const iterLines = lines.filter((l) => l.startsWith('[gfn] iter'));
    expect(iterLines.length).toBe(2);
    for (const l of iterLines) expect(l).toMatch(/\| return \d+(\.\d+)? ± \d+(\.\d+)?\n$/);
  });

  it('GFlowNet runs of batch objectives show no return', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await train(smallConfig({ iterations: 2, logging: { progress: 'lines', every: 1 } }), registry, { subscribers: ['progress'] });
    } finally {
      spy.mockRestore();
    }
    const iterLines = lines.filter((l) => l.startsWith('[gfn] iter'));
    expect(iterLines.length).toBe(2);
    for (const l of iterLines) expect(l).not.toContain('return');
  });
});

describe('the trained policy is the forward estimator', () => {
  it('PPO on HyperGrid trains the container’s ForwardEstimator (what the exact evaluator measures)', async () => {
    let before: Float32Array | undefined;
    let after: Float32Array | undefined;
    await recordRun(smallConfig({ iterations: 1, objective: { name: 'ppo', nSteps: 128, epochs: 1 } }), {
      beforeRun: (c, bus) => {
        const forward = c.get(TOKENS.ForwardEstimator);
        before = forward.variables[0]!.dataSync().slice() as Float32Array;
        bus.runFinished$.subscribe(() => (after = forward.variables[0]!.dataSync().slice() as Float32Array));
      },
    });
    expect(after).toBeDefined();
    expect(Array.from(after!)).not.toEqual(Array.from(before!));
  });
});
