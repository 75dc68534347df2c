import type { Environment } from './environment.js';

/**
 * Same-shaped matrices shown side by side, e.g. the learned P_T and R/Z on a 2-D grid, or the
 * learned and exact edge marginals of a DAG posterior. Values are row-major, `rows x cols`.
 */
export interface HeatmapsView {
  kind: 'heatmaps';
  title: string;
  rows: number;
  cols: number;
  /** What the row and column indices stand for (axis titles). */
  rowLabel: string;
  colLabel: string;
  /** Print each cell's value on it (small matrices). */
  showValues?: boolean;
  panels: Array<{ title: string; values: number[] }>;
}

/** A ranked table, e.g. the best sampled sequences with their rewards. */
export interface TableView {
  kind: 'table';
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

/**
 * Labelled points in a plane, e.g. the objective vectors of a multi-objective environment's exact
 * Pareto front, of the sampled Pareto set and of the other samples. A point's `series` colours and
 * shapes it, `size` (optional, ≥ 0) scales its mark, and its `label` is shown on hovering.
 */
export interface ScatterView {
  kind: 'scatter';
  title: string;
  xLabel: string;
  yLabel: string;
  points: Array<{ x: number; y: number; series: string; size?: number; label?: string }>;
}

/** A small JSON picture of what the sampler has learned, at one evaluation. */
export type EvaluationView = HeatmapsView | TableView | ScatterView;

/**
 * What an evaluator has at hand when it asks for a view: the exact terminating distribution (exact
 * evaluation) and/or terminal states it drew from the sampler (exact or sampled evaluation).
 */
export interface ViewSource {
  /** P_T over `allStates()` of an enumerable environment. */
  terminating?: Float64Array;
  /** Terminal states drawn at this evaluation, flat `n x stateDim`. */
  samples?: Int32Array;
}

/**
 * Optional capability: turns what an evaluator has into a small view (a few KB; matrices larger
 * than a screen are aggregated). Returns undefined when the source does not carry what this
 * environment's view needs (e.g. no samples for a view of sampled objects).
 */
export interface WithEvaluationView {
  evaluationView(source: ViewSource): EvaluationView | undefined;
}

/** Type guard for the {@link WithEvaluationView} capability. */
export function hasEvaluationView(env: Environment): env is Environment & WithEvaluationView {
  return typeof (env as Partial<WithEvaluationView>).evaluationView === 'function';
}

/**
 * The view an evaluator attaches to its evaluation event: the environment's, or undefined when the
 * environment has none. Exact and sampled evaluators call this alike.
 */
export function evaluationViewOf(env: Environment, source: ViewSource): EvaluationView | undefined {
  return hasEvaluationView(env) ? env.evaluationView(source) : undefined;
}
