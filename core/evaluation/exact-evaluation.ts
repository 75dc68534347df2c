import { type Enumerable, type Environment, hasExactMetrics, hasModes } from '../env/environment.js';
import { type EvaluationView, evaluationViewOf } from '../env/view.js';
import type { Estimator } from '../tensor/estimator.js';
import type { Rng } from '../base/rng.js';
import type { StateRecord } from '../checkpoint/checkpointable.js';
import { type AcceleratedPass, ExactTerminatingDistribution } from './exact.js';
import { jensenShannon, klDivergence, learnedLogZMetrics, totalVariation } from './metrics.js';
import { ModeDiscovery, rewardRatio, sampleIndices } from './modes.js';

/** What one evaluation found: named metrics, and the environment's view when it offers one. */
export interface EvaluationResult {
  metrics: Record<string, number>;
  view?: EvaluationView;
  /** Exact evaluation: P_T over the environment's states (what a preference-conditional run's multi-objective metrics draw from). */
  terminating?: Float64Array;
  /** Sampled evaluation: the terminal states it drew, `n x stateDim`. */
  samples?: Int32Array;
}

/** One kind of periodic evaluation: what it measures now, and the state a checkpoint keeps. */
export interface PeriodicEvaluation {
  evaluate(): EvaluationResult;
  saveState(): StateRecord;
  loadState(state: StateRecord): void;
}

/**
 * Exact evaluation of an enumerable environment: TV and JSD between P_T and R/Z, the mean reward
 * under P_T relative to the target's (`rewardRatio`), |log Ẑ − log Z| when the objective learns
 * log Z, the task's own exact metrics, and for environments that name their modes, the distinct
 * modes among `samples` draws from P_T per evaluation, accumulated over the evaluations
 * (`evalModesFound` of `modesTotal`: it grows with the number of evaluations, so it is the
 * evaluator's own count; the run's `modesFound` counts training's samples, see periodic.ts),
 * and the environment's view of P_T and of those draws (`evaluationViewOf`).
 * Everything proportional to the state count is built here, so only when exact evaluation runs.
 * With `accelerated`, the network pass runs on that engine (from its `minRows` on).
 */
export function exactEvaluation(
  env: Environment & Enumerable,
  forward: Estimator,
  learnedLogZ: () => number | undefined,
  samples: number,
  rng: Rng,
  accelerated?: AcceleratedPass,
): PeriodicEvaluation {
  const exact = new ExactTerminatingDistribution(env);
  const target = env.trueDistribution();
  const logZ = env.logPartition();
  const modes = hasModes(env) ? new ModeDiscovery(env.stateIndex(env.modeStates()), env.nStates) : undefined;
  return {
    evaluate: () => {
      const pT = exact.compute(forward, accelerated);
      const metrics: Record<string, number> = {
        tv: totalVariation(pT, target),
        jsd: jensenShannon(pT, target),
        kl: klDivergence(target, pT),
        rewardRatio: rewardRatio(pT, target),
      };
      Object.assign(metrics, learnedLogZMetrics(learnedLogZ(), logZ));
      if (hasExactMetrics(env)) Object.assign(metrics, env.exactMetrics(pT));
      let drawn: Int32Array | undefined;
      if (modes) {
        drawn = sampleIndices(pT, samples, rng);
        metrics.evalModesFound = modes.record(drawn);
        metrics.modesTotal = modes.total;
      }
      const view = evaluationViewOf(env, { terminating: pT, ...(drawn ? { samples: exact.statesAt(drawn) } : {}) });
      return { metrics, terminating: pT, ...(view ? { view } : {}) };
    },
    saveState: () => ({ rng: rng.getState(), ...(modes ? { modes: modes.saveState() } : {}) }),
    loadState: (state) => {
      rng.setState(state.rng as number[]);
      if (modes && state.modes) modes.loadState(state.modes as Record<string, unknown>);
    },
  };
}
