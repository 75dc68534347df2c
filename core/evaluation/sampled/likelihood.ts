import type { Environment } from '../../env/environment.js';
import type { Estimator } from '../../tensor/estimator.js';
import type { BackwardPolicy } from '../../policy/backward.js';
import type { Rng } from '../../base/rng.js';
import type { Sampler } from '../../sampling/sampler.js';
import { logSumExp } from '../../base/log-sum-exp.js';
import { variance } from './correlation.js';
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
 * Most state entries (trajectories x (longest trajectory + 1) x stateDim) one chunk may hold: 2^24
 * int32 = 64 MiB. Long trajectories of wide states (a DAG on 20 nodes: up to 191 steps of 400
 * entries) would otherwise put all |T|·K trajectories in one chunk and hold several copies of
 * ~10^5 states at once (1.5 GB at d = 20); short ones stay at `chunkTrajectories`.
 */
const CHUNK_STATE_ENTRIES = 1 << 22;

/**
 * Importance-sampled log-likelihood of terminal states under the forward policy:
 *   log p̂(x) = logsumexp_i [log P_F(τ_i) − log P_B(τ_i | x)] − log K,  τ_i ~ P_B(· | x),
 * unbiased for P_T(x) itself (so log p̂ is biased low by about Var/2p²). All |T|·K trajectories go
 * through the sampler and the networks together, in chunks of at most `chunkTrajectories` (fewer for long, wide trajectories). The
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
  const trajectoriesPerChunk = Math.min(options.chunkTrajectories, Math.floor(CHUNK_STATE_ENTRIES / ((env.maxTrajectoryLength + 1) * d)));
  const perChunk = Math.max(1, Math.floor(trajectoriesPerChunk / K));
  for (let start = 0; start < n; start += perChunk) {
    const end = Math.min(n, start + perChunk);
    const repeated = new Int32Array((end - start) * K * d);
    for (let i = start; i < end; i++) for (let k = 0; k < K; k++) repeated.set(terminals.subarray(i * d, i * d + d), ((i - start) * K + k) * d);
    const trajectories = sampler.sampleBackward(repeated, backward, rng);
    const { logPF, logPB } = trajectoryLogProbs(env, forward, backward, trajectories);
    for (let j = 0; j < logPF.length; j++) logW[start * K + j] = logPF[j]! - logPB[j]!;
  }
  return logMeansWithErrors(logW, K, options.bootstrap, rng);
}

/**
 * log p̂ = logsumexp − log K of each row of K log-weights (`logW`, rows x K), and its bootstrap
 * standard error: the spread of log p̂ over `bootstrap` resamples (with replacement, K draws of
 * `rng` each) of the row's weights.
 */
export function logMeansWithErrors(logW: Float64Array, K: number, bootstrap: number, rng: Rng): LikelihoodEstimate {
  const n = logW.length / K;
  const logP = new Float64Array(n);
  const standardError = new Float64Array(n);
  const weights = new Float64Array(K);
  const picks = new Int32Array(K);
  const boot = new Float64Array(bootstrap);
  for (let i = 0; i < n; i++) {
    logP[i] = logSumExp(logW, i * K, (i + 1) * K) - Math.log(K);
    // the K weights exponentiated once, relative to their largest: a resample's log-mean is then
    // the log of a sum of K of them (the resample's own logsumexp only where that sum underflows)
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logW[i * K + k]!);
    for (let k = 0; k < K; k++) weights[k] = Math.exp(logW[i * K + k]! - max);
    for (let b = 0; b < boot.length; b++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        picks[k] = rng.int(K);
        sum += weights[picks[k]!]!;
      }
      // sum is 0 (every pick underflowed) or NaN (every weight is −∞): the resample's own logsumexp
      boot[b] = sum > 0 ? max + Math.log(sum) - Math.log(K) : logSumExp(Float64Array.from(picks, (k) => logW[i * K + k]!)) - Math.log(K);
    }
    standardError[i] = Math.sqrt(variance(boot));
  }
  return { logP, standardError };
}
