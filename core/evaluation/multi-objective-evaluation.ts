import { terminalDistanceOf } from '../env/capabilities.js';
import type { ConditionalEnvironment } from '../env/condition/conditional-environment.js';
import type { Rng } from '../base/rng.js';
import { isEnumerable } from '../env/environment.js';
import { isMultiObjective, logObjectivesWhereStopping } from '../env/multi-objective.js';
import { HYPERVOLUME_REFERENCE, r2Indicator, topKDiversity } from './multi-objective-metrics.js';
import type { EvaluationResult } from './exact-evaluation.js';
import { sampleIndices } from './modes.js';
import { hypervolume, paretoFront } from './pareto.js';
import { type ParetoRow, paretoView } from './pareto-view.js';

/**
 * The multi-objective metrics of a preference-conditional run from the environment's own states
 * drawn at each condition of its grid (`drawn[c]`, rows of `base.stateDim`): of the objective vectors
 * (R_1, …, R_K) of all draws together, the hypervolume of their Pareto set above the origin
 * (`hypervolume`), its size (`paretoSize`) and R2 (`r2`, ideal point 1 in every objective); the mean
 * over the grid of each condition's top-k diversity (`topKDiversity`, by the condition's own
 * target); and on an enumerable environment the exact front's hypervolume and R2, found by
 * enumeration once (`hypervolumeExact`, `r2Exact`, `paretoSizeExact`), with `hypervolumeRatio` =
 * hypervolume / hypervolumeExact. Its view lists the exact front's states (where known) and the
 * sampled Pareto set's, with how often each was drawn (`paretoView`).
 */
export function multiObjectiveMeasure(env: ConditionalEnvironment): (drawn: readonly Int32Array[]) => EvaluationResult {
  const { base, space } = env;
  if (!isMultiObjective(base)) throw new Error(`multi-objective metrics: environment '${base.name}' has one reward`);
  const k = base.objectiveNames.length;
  const d = base.stateDim;
  const ref = new Array<number>(k).fill(HYPERVOLUME_REFERENCE);
  const ideal = new Array<number>(k).fill(1);
  const distance = terminalDistanceOf(base);
  let exact: { metrics: Record<string, number>; front: ParetoRow[] } | undefined;
  const exactFront = (): typeof exact => {
    if (!isEnumerable(base)) return undefined;
    if (!exact) {
      const target = base.trueDistribution();
      const all = base.allStates();
      // only the states where a trajectory may stop are candidates
      const stops = Array.from({ length: base.nStates }, (_, i) => i).filter((i) => target[i]! > 0);
      const objectives = logObjectivesWhereStopping(base, all, d, target).map(Math.exp);
      const points = stops.flatMap((i) => Array.from(objectives.subarray(i * k, i * k + k)));
      const front = Array.from(paretoFront(points, k), (j) => stops[j]!);
      exact = {
        metrics: { hypervolumeExact: hypervolume(points, k, ref), r2Exact: r2Indicator(points, k, ideal), paretoSizeExact: front.length },
        front: front.map((i) => ({
          state: all.subarray(i * d, i * d + d),
          objectives: objectives.subarray(i * k, i * k + k),
          exact: true,
          sampled: false,
          draws: 0,
        })),
      };
    }
    return exact;
  };
  return (drawn) => {
    const points: number[] = [];
    const states: number[] = [];
    let diversity = 0;
    drawn.forEach((rows, c) => {
      const logR = base.logObjectives(rows);
      for (const v of logR) points.push(Math.exp(v));
      states.push(...rows);
      const n = rows.length / d;
      const condition = space.grid[c]!;
      const scores = space.logRewards(
        logR,
        Float32Array.from({ length: n * condition.length }, (_, i) => condition[i % condition.length]!),
      );
      diversity += topKDiversity(rows, d, scores, distance);
    });
    const sampledFront = paretoFront(points, k);
    const known = exactFront();
    const metrics: Record<string, number> = {
      hypervolume: hypervolume(points, k, ref),
      paretoSize: sampledFront.length,
      r2: r2Indicator(points, k, ideal),
      topKDiversity: diversity / drawn.length,
      ...known?.metrics,
    };
    if (metrics.hypervolumeExact !== undefined) metrics.hypervolumeRatio = metrics.hypervolume! / metrics.hypervolumeExact;
    // the view: the exact front's states and the sampled Pareto set's, with how often each was drawn
    const key = (state: ArrayLike<number>): string => Array.from(state).join(',');
    const draws = new Map<string, number>();
    for (let i = 0; i < states.length / d; i++) {
      const cell = key(states.slice(i * d, i * d + d));
      draws.set(cell, (draws.get(cell) ?? 0) + 1);
    }
    const rows = new Map<string, ParetoRow>((known?.front ?? []).map((r) => [key(r.state), { ...r, draws: draws.get(key(r.state)) ?? 0 }]));
    for (const i of sampledFront) {
      const state = states.slice(i * d, i * d + d);
      const row = rows.get(key(state)) ?? { state, objectives: points.slice(i * k, i * k + k), exact: false, sampled: true, draws: draws.get(key(state)) ?? 0 };
      rows.set(key(state), { ...row, sampled: true });
    }
    // the other sampled states, each once, for the two-objective scatter
    const others = new Map<string, ParetoRow>();
    for (let i = 0; i < states.length / d; i++) {
      const state = states.slice(i * d, i * d + d);
      const cell = key(state);
      if (!rows.has(cell) && !others.has(cell))
        others.set(cell, { state, objectives: points.slice(i * k, i * k + k), exact: false, sampled: false, draws: draws.get(cell)! });
    }
    return { metrics, view: paretoView(base.objectiveNames, [...rows.values()], [...others.values()]) };
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
