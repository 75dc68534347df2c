import { terminalDistanceOf } from '../env/capabilities.js';
import type { ConditionalEnvironment } from '../env/condition/conditional-environment.js';
import type { Rng } from '../base/rng.js';
import { isEnumerable } from '../env/environment.js';
import { isMultiObjective } from '../env/multi-objective.js';
import { HYPERVOLUME_REFERENCE, r2Indicator, topKDiversity } from './multi-objective-metrics.js';
import type { EvaluationResult } from './exact-evaluation.js';
import { sampleIndices } from './modes.js';
import { hypervolume, paretoFront } from './pareto.js';

/**
 * The multi-objective metrics of a preference-conditional run from the environment's own states
 * drawn at each condition of its grid (`drawn[c]`, rows of `base.stateDim`): of the objective vectors
 * (R_1, …, R_K) of all draws together, the hypervolume of their Pareto set above the origin
 * (`hypervolume`), its size (`paretoSize`) and R2 (`r2`, ideal point 1 in every objective); the mean
 * over the grid of each condition's top-k diversity (`topKDiversity`, by the condition's own
 * target); and on an enumerable environment the exact front's hypervolume and R2, found by
 * enumeration once (`hypervolumeExact`, `r2Exact`, `paretoSizeExact`), with `hypervolumeRatio` =
 * hypervolume / hypervolumeExact.
 */
export function multiObjectiveMeasure(env: ConditionalEnvironment): (drawn: readonly Int32Array[]) => Record<string, number> {
  const { base, space } = env;
  if (!isMultiObjective(base)) throw new Error(`multi-objective metrics: environment '${base.name}' has one reward`);
  const k = base.objectiveNames.length;
  const d = base.stateDim;
  const ref = new Array<number>(k).fill(HYPERVOLUME_REFERENCE);
  const ideal = new Array<number>(k).fill(1);
  const distance = terminalDistanceOf(base);
  let exact: Record<string, number> | undefined;
  const exactMetrics = (): Record<string, number> => {
    if (!isEnumerable(base)) return {};
    if (!exact) {
      const target = base.trueDistribution();
      const all = base.logObjectives(base.allStates());
      // only the states where a trajectory may stop are candidates
      const points = all.filter((_, i) => target[Math.floor(i / k)]! > 0).map(Math.exp);
      const front = paretoFront(points, k);
      exact = { hypervolumeExact: hypervolume(points, k, ref), r2Exact: r2Indicator(points, k, ideal), paretoSizeExact: front.length };
    }
    return exact;
  };
  return (drawn) => {
    const points: number[] = [];
    let diversity = 0;
    drawn.forEach((states, c) => {
      const logR = base.logObjectives(states);
      for (const v of logR) points.push(Math.exp(v));
      const n = states.length / d;
      const condition = space.grid[c]!;
      const scores = space.logRewards(
        logR,
        Float32Array.from({ length: n * condition.length }, (_, i) => condition[i % condition.length]!),
      );
      diversity += topKDiversity(states, d, scores, distance);
    });
    const metrics: Record<string, number> = {
      hypervolume: hypervolume(points, k, ref),
      paretoSize: paretoFront(points, k).length,
      r2: r2Indicator(points, k, ideal),
      topKDiversity: diversity / drawn.length,
      ...exactMetrics(),
    };
    if (metrics.hypervolumeExact !== undefined) metrics.hypervolumeRatio = metrics.hypervolume! / metrics.hypervolumeExact;
    return metrics;
  };
}

/**
 * `samples` terminal states of the environment's own, drawn across the grid (`samples / G` at each
 * of its G conditions, the first `samples mod G` conditions one more): from each condition's exact
 * P_T with `rng`, or the first of its sampled evaluation's draws. Undefined when an evaluation
 * offers neither.
 */
export function drawnAtEachCondition(env: ConditionalEnvironment, results: readonly EvaluationResult[], samples: number, rng: Rng): Int32Array[] | undefined {
  const { base } = env;
  const d = base.stateDim;
  const g = results.length;
  const drawn: Int32Array[] = [];
  let all: Int32Array | undefined;
  for (const [c, result] of results.entries()) {
    const m = Math.floor(samples / g) + (c < samples % g ? 1 : 0);
    if (result.terminating && isEnumerable(base)) {
      all ??= base.allStates();
      const states = new Int32Array(m * d);
      sampleIndices(result.terminating, m, rng).forEach((index, i) => states.set(all!.subarray(index * d, index * d + d), i * d));
      drawn.push(states);
    } else if (result.samples) {
      drawn.push(env.baseStates(result.samples).subarray(0, m * d));
    } else return undefined;
  }
  return drawn;
}
