import { hasKnownLogPartition, hasSampleMetrics, hasTestSet, terminalDistanceOf } from '../../env/capabilities.js';
import type { Environment } from '../../env/environment.js';
import type { Estimator } from '../../tensor/estimator.js';
import type { BackwardPolicy } from '../../policy/backward.js';
import { Rng } from '../../base/rng.js';
import { selectRows } from '../../sampling/transitions.js';
import { pearson, spearman, varianceOfDifference } from './correlation.js';
import { learnedLogZMetrics } from '../metrics.js';
import { importanceLogLikelihood } from './likelihood.js';
import { partitionEstimates } from './partition.js';
import { ScoringSampler } from './scoring-sampler.js';
import { topKMetrics } from './top-k.js';
import { trajectoryLogProbs } from './trajectory-log-probs.js';

/** Sizes of one sampled evaluation. */
export interface SampledEvaluationOptions {
  /** Fresh samples x ~ P_T per evaluation (log Z estimates, top-k). */
  samples: number;
  /** Backward trajectories K per state for log p̂(x). */
  backwardSamples: number;
  /** At most this many test-set states, and fresh samples, get log p̂(x). */
  maxTestStates: number;
  topK: number;
  /** Bootstrap resamples of the K weights. */
  bootstrap: number;
  /** Most trajectories sampled and scored in one chunk. */
  chunkTrajectories: number;
}

/** Defaults of the sizes a config does not set. */
export const SAMPLED_EVALUATION_INTERNALS = { bootstrap: 100, chunkTrajectories: 1024 } as const;

/**
 * Sample-based evaluation of a forward policy on an environment of any size. Every evaluation:
 * - N fresh trajectories τ ~ P_F: `elbo`, `logZIs`, `ess` from w = log R + log P_B − log P_F,
 *   `meanLogReward`, and top-k (`topKReward`, `topKDiversity` under the task's distance);
 * - log p̂(x) by importance sampling over K backward trajectories, on the environment's test set
 *   (`testSpearman`, `testPearson`, `testLogRatioVar` = Var(log R − log p̂), `testLogPStdErr` =
 *   mean bootstrap standard error) and on the fresh samples (`sample…` likewise);
 * - where log Z is known in closed form: `logZTrue`, `logZIsError` = |log Ẑ_IS − log Z| and
 *   `elboGap` = log Z − ELBO, and `logZError` for a learned log Z;
 * - the task's own metrics of the fresh samples (`WithSampleMetrics`, e.g. DAG structure errors).
 * It uses only the optional capabilities of `core/env/capabilities.ts`; its cost is in the sample
 * counts and trajectory length, never in the state count.
 */
export class SampledEvaluator {
  private readonly sampler: ScoringSampler;
  private readonly testStates?: Int32Array;
  private readonly knownLogZ?: number;

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly backward: BackwardPolicy,
    private readonly learnedLogZ: () => number | undefined,
    private readonly options: SampledEvaluationOptions,
    private readonly rng: Rng,
  ) {
    this.sampler = new ScoringSampler(env, forward, rng);
    if (hasTestSet(env)) this.testStates = capRows(env.testSet(), env.stateDim, options.maxTestStates, new Rng(0x7e57));
    if (hasKnownLogPartition(env)) this.knownLogZ = env.knownLogPartition();
  }

  /** One evaluation of the current forward policy: its metrics and the terminal states it drew. */
  evaluate(): { metrics: Record<string, number>; samples: Int32Array } {
    const { env, options } = this;
    const d = env.stateDim;
    const metrics: Record<string, number> = {};
    // log P_F of the fresh samples from the logits that drew them: no second pass over their states
    const { batch, logPF: drawnLogPF } = this.sampler.sampleForwardScored(options.samples);
    const { logPF, logPB } = trajectoryLogProbs(env, this.forward, this.backward, batch, undefined, drawnLogPF);
    const z = partitionEstimates(batch.logRewards, logPF, logPB);
    Object.assign(metrics, z);
    let meanLogR = 0;
    for (const v of batch.logRewards) meanLogR += v / batch.nTraj;
    metrics.meanLogReward = meanLogR;
    const terminals = batch.terminalStates();
    Object.assign(metrics, topKMetrics(terminals, batch.logRewards, options.topK, d, terminalDistanceOf(env)));
    if (hasSampleMetrics(env)) Object.assign(metrics, env.sampleMetrics(terminals));
    if (this.testStates) Object.assign(metrics, this.likelihoodMetrics('test', this.testStates));
    const n = Math.min(batch.nTraj, options.maxTestStates);
    Object.assign(metrics, this.likelihoodMetrics('sample', terminals.subarray(0, n * d)));
    if (this.knownLogZ !== undefined) {
      metrics.logZTrue = this.knownLogZ;
      metrics.logZIsError = Math.abs(z.logZIs - this.knownLogZ);
      metrics.elboGap = this.knownLogZ - z.elbo;
      Object.assign(metrics, learnedLogZMetrics(this.learnedLogZ(), this.knownLogZ));
    }
    return { metrics, samples: terminals };
  }

  private likelihoodMetrics(prefix: string, states: Int32Array): Record<string, number> {
    const { env, options } = this;
    const est = importanceLogLikelihood(
      env,
      this.forward,
      this.backward,
      this.sampler,
      states,
      { samples: options.backwardSamples, bootstrap: options.bootstrap, chunkTrajectories: options.chunkTrajectories },
      this.rng,
    );
    const logR = env.logReward(states);
    let se = 0;
    for (const v of est.standardError) se += v / est.standardError.length;
    return {
      [`${prefix}Spearman`]: spearman(est.logP, logR),
      [`${prefix}Pearson`]: pearson(est.logP, logR),
      [`${prefix}LogRatioVar`]: varianceOfDifference(logR, est.logP),
      [`${prefix}LogPStdErr`]: se,
    };
  }
}

/** At most `max` rows of a state batch: all of them, or a seeded subset in their original order. */
function capRows(states: Int32Array, d: number, max: number, rng: Rng): Int32Array {
  const n = states.length / d;
  if (n <= max) return states;
  const picked = new Set<number>();
  while (picked.size < max) picked.add(rng.int(n));
  return selectRows(
    states,
    d,
    [...picked].sort((a, b) => a - b),
  );
}
