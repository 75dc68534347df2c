import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/base/errors.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { createRunContainer } from '../../core/run/container.js';
import { TOKENS } from '../../core/di/tokens.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { totalVariation } from '../../core/evaluation/metrics.js';
import { train } from '../../core/run/run.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { loadSampler } from '../../plugins/index.js';
import { metricRecords, straightAndResumed, tempRunsDir } from '../checkpoint/helpers.js';
import { type RecordedRun, recordRun, registry, smallConfig } from './run-helpers.js';

/** Iteration metrics and evaluations of a run, without timings (which never repeat). */
const results = (run: RecordedRun) => ({
  iterations: run.iterations.map((e) => e.metrics),
  evaluations: run.evaluations.map((e) => ({ iteration: e.iteration, metrics: e.metrics })),
});

const tiny = (patch: Record<string, unknown>): ResolvedConfig => smallConfig({ iterations: 30, estimator: { name: 'mlp', hidden: [32] }, ...patch });

describe('rewardNoise in training', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['TB-U with a terminal replay buffer (replays query the reward again)', { replay: { kind: 'terminal', capacity: 100, ratio: 0.25 } }],
    ['RL-B (backward trajectories from the batch)', { objective: { name: 'rl', backward: 'coupled', value: { hidden: [16] } } }],
  ];
  for (const [label, patch] of cases) {
    it(`σ = 0 trains bit for bit as a run without the option: ${label}`, async () => {
      const plain = await recordRun(tiny(patch));
      const zero = await recordRun(tiny({ ...patch, rewardNoise: { scale: 0 } }));
      expect(results(zero)).toEqual(results(plain));
      expect(plain.iterations).toHaveLength(30);
      // σ > 0 on the same config trains differently (the noise reaches the loss)
      const noisy = await recordRun(tiny({ ...patch, rewardNoise: { scale: 0.5 } }));
      expect(results(noisy).iterations).not.toEqual(results(plain).iterations);
    });
  }

  it('is deterministic for a config and seed', async () => {
    const config = tiny({ rewardNoise: { scale: 1, center: 'reward' } });
    expect(results(await recordRun(config))).toEqual(results(await recordRun(config)));
  });

  it('σ > 0: the training batches carry noisy log R; sampled evaluation and its mode count use the true reward', async () => {
    const clean = new HyperGrid({ ndim: 2, height: 8, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const threshold = clean.modeLogRewardThreshold();
    const sampled = { evaluation: { mode: 'sampled', every: 10, samples: 64, maxTestStates: 16, backwardSamples: 2 } };
    const seen = new Set<string>();
    const expectedModes: number[] = [];
    let noisyRows = 0;
    let rows = 0;
    const run = await recordRun(tiny({ ...sampled, rewardNoise: { scale: 2 } }), {
      beforeRun: (_container, bus) => {
        bus.trajectories$.subscribe(({ batch }) => {
          const terminals = batch.terminalStates();
          const truth = clean.logReward(terminals);
          for (let i = 0; i < batch.nTraj; i++) {
            rows++;
            if (batch.logRewards[i] !== truth[i]) noisyRows++;
            if (truth[i]! >= threshold) seen.add(terminals.subarray(i * 2, i * 2 + 2).join(','));
          }
        });
        bus.iteration$.subscribe((e) => e.iteration % 10 === 0 && expectedModes.push(seen.size));
      },
    });
    expect(rows).toBe(30 * 16);
    expect(noisyRows).toBe(rows);
    // modes over the run count the batches' true modes: noisy log R would cross the threshold elsewhere
    expect(run.evaluations.filter((e) => e.iteration > 0).map((e) => e.metrics.modesFound)).toEqual(expectedModes);
    // before any update nothing depends on the noise: the evaluation equals the noise-free run's
    const plain = await recordRun(tiny({ ...sampled, iterations: 1 }));
    expect(run.evaluations[0]!.iteration).toBe(0);
    expect(run.evaluations[0]!.metrics).toEqual(plain.evaluations[0]!.metrics);
  });

  it('σ > 0: exact evaluation measures P_T against the true R/Z', async () => {
    const clean = new HyperGrid({ ndim: 2, height: 8, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const target = clean.trueDistribution();
    const recomputed: number[] = [];
    const run = await recordRun(tiny({ rewardNoise: { scale: 1 } }), {
      beforeRun: (container, bus) =>
        bus.evaluation$.subscribe(() => {
          const pT = new ExactTerminatingDistribution(clean).compute(container.get(TOKENS.ForwardEstimator));
          recomputed.push(totalVariation(pT, target));
        }),
    });
    expect(run.evaluations.map((e) => e.metrics.tv)).toEqual(recomputed);
    expect(run.evaluations.length).toBe(4);
  });

  it('the training environment and its Gym view (ppo, reinforce) are noisy; the evaluation environment is not', () => {
    const container = createRunContainer(tiny({ rewardNoise: { scale: 1 } }), registry, 'wasm');
    const truth = container.get(TOKENS.EvaluationEnvironment);
    const states = (truth as HyperGrid).allStates();
    const clean = Array.from(new HyperGrid({ ndim: 2, height: 8, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false }).logReward(states));
    expect(Array.from(truth.logReward(states))).toEqual(clean);
    expect(Array.from(container.get(TOKENS.Environment).logReward(states))).not.toEqual(clean);
    expect(Array.from(container.get(TOKENS.GymEnvFactory).gflownet!.logReward(states))).not.toEqual(clean);
    container.get(TOKENS.ForwardEstimator).dispose();
  });

  it('resumes the noise stream: 2 x 20 iterations with a resume = 40 straight', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({
      name: 'run',
      iterations: 40,
      checkpoint: { every: 10 },
      logging: { dir, progress: 'none' },
      estimator: { name: 'mlp', hidden: [32] },
      replay: { kind: 'terminal', capacity: 200, ratio: 0.25 },
      rewardNoise: { scale: 0.5 },
    });
    const { straight, resumed } = await straightAndResumed(config, registry, 20);
    const a = metricRecords(straight);
    expect(a.filter((r) => r.type === 'iteration')).toHaveLength(40);
    expect(metricRecords(resumed)).toEqual(a);
  });

  it('sampling from the checkpoint of a noisy run reports the true log R', async () => {
    const dir = tempRunsDir();
    await train(tiny({ name: 'noisy', iterations: 5, checkpoint: { every: 0 }, logging: { dir, progress: 'none' }, rewardNoise: { scale: 1 } }), registry, {
      subscribers: ['checkpoint'],
    });
    const sampler = await loadSampler(join(dir, 'noisy'), { seed: 3 });
    const { states, logRewards } = sampler.sample(200);
    const clean = new HyperGrid({ ndim: 2, height: 8, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    expect(Array.from(logRewards)).toEqual(Array.from(clean.logReward(states)));
    sampler.dispose();
  });
});

describe('rewardNoise config', () => {
  const problems = (patch: Record<string, unknown>): string => {
    try {
      smallConfig(patch);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('the config was accepted');
  };

  it('names the field, the value and what is valid', () => {
    expect(problems({ rewardNoise: { scale: -0.5 } })).toMatch(/field "rewardNoise\.scale" = -0\.5: must be >= 0/);
    expect(problems({ rewardNoise: { scale: 1, sigma: 2 } })).toMatch(
      /field "rewardNoise\.sigma" = 2: unknown field; valid fields of rewardNoise: scale, center/,
    );
    expect(problems({ rewardNoise: { scale: 1, center: 'mean' } })).toMatch(/field "rewardNoise\.center" = "mean": must be one of "log", "reward"/);
    expect(problems({ rewardNoise: {} })).toMatch(/field "rewardNoise\.scale" is required/);
    expect(problems({ rewardNoise: { scale: 'big' } })).toMatch(/field "rewardNoise\.scale" = "big": must be number/);
  });

  it('fills in center and leaves configs without the section unchanged', () => {
    expect(smallConfig({ rewardNoise: { scale: 0.5 } }).rewardNoise).toEqual({ scale: 0.5, center: 'log' });
    expect('rewardNoise' in smallConfig()).toBe(false);
  });

  it('is refused on a classic (Gym) environment in the config, before any work', () => {
    expect(() => smallConfig({ env: { name: 'cartpole' }, objective: { name: 'ppo' }, rewardNoise: { scale: 0.5 } })).toThrow(/field "rewardNoise".*classic/);
  });
});
