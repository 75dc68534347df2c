import type { Environment } from '../../env/environment.js';
import type { Estimator } from '../../estimator.js';
import type { BackwardPolicy } from '../../policy/backward.js';
import type { Rng } from '../../rng.js';
import type { Sampler } from '../../sampling/sampler.js';
import { logSumExp, variance } from './correlation.js';
import { trajectoryLogProbs } from './trajectory-log-probs.js';

/** log p̂(x) per terminal state and its bootstrap standard error. */
export interface LikelihoodEstimate {
  logP: Float64Array;
  standardError: Float64Array;
}

/** Options of {@link importanceLogLikelihood}. */
export interface LikelihoodOptions {
  /** Backward trajectories per terminal state (K). */
  samples: number;
  /** Bootstrap resamples of the K weights for the standard error. */
  bootstrap: number;
  /** Most trajectories sampled and scored together (bounds memory; a few chunks per call). */
  chunkTrajectories: number;
}

/**
 * Importance-sampled log-likelihood of terminal states under the forward policy:
 *   log p̂(x) = logsumexp_i [log P_F(τ_i) − log P_B(τ_i | x)] − log K,  τ_i ~ P_B(· | x),
 * unbiased for P_T(x) itself (so log p̂ is biased low by about Var/2p²). All |T|·K trajectories go
 * through the sampler and the networks together, in chunks of at most `chunkTrajectories`. The
 * standard error is the spread of log p̂ over `bootstrap` resamples (with replacement) of the K
 * log-weights.
 */
export function importanceLogLikelihood(
  env: Environment,
  forward: Estimator,
  backward: BackwardPolicy,
  sampler: Sampler,
  terminals: Int32Array,
  options: LikelihoodOptions,
  rng: Rng,
): LikelihoodEstimate {
  const d = env.stateDim;
  const K = options.samples;
  const n = terminals.length / d;
  const logW = new Float64Array(n * K);
  const perChunk = Math.max(1, Math.floor(options.chunkTrajectories / K));
  for (let start = 0; start < n; start += perChunk) {
    const end = Math.min(n, start + perChunk);
    const repeated = new Int32Array((end - start) * K * d);
    for (let i = start; i < end; i++) for (let k = 0; k < K; k++) repeated.set(terminals.subarray(i * d, i * d + d), ((i - start) * K + k) * d);
    const trajectories = sampler.sampleBackward(repeated, backward, rng);
    const { logPF, logPB } = trajectoryLogProbs(env, forward, backward, trajectories);
    for (let j = 0; j < logPF.length; j++) logW[start * K + j] = logPF[j]! - logPB[j]!;
  }
  const logP = new Float64Array(n);
  const standardError = new Float64Array(n);
  const resample = new Float64Array(K);
  const boot = new Float64Array(options.bootstrap);
  for (let i = 0; i < n; i++) {
    logP[i] = logSumExp(logW, i * K, (i + 1) * K) - Math.log(K);
    for (let b = 0; b < boot.length; b++) {
      for (let k = 0; k < K; k++) resample[k] = logW[i * K + rng.int(K)]!;
      boot[b] = logSumExp(resample) - Math.log(K);
    }
    standardError[i] = Math.sqrt(variance(boot));
  }
  return { logP, standardError };
}
