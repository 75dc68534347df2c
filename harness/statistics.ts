import { hasEnded } from '../run-folder/run-state.js';
import type { EvaluationPoint, RunLog } from './run-log.js';

/** A run of the grid with what its log says. */
export interface RunResult {
  id: string;
  env: string;
  objective: string;
  seed: number;
  log: RunLog;
}

/** Arithmetic mean; NaN for no values. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Sample standard deviation (n − 1 in the denominator: seeds are a sample of the run-to-run
 * spread); 0 for a single value, NaN for none.
 */
export function std(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** The first evaluation point whose TV is at or below `threshold`. */
export function firstReach(points: readonly EvaluationPoint[], threshold: number): EvaluationPoint | undefined {
  return points.find((p) => p.metrics.tv !== undefined && p.metrics.tv <= threshold);
}

/** When the seeds of one objective first reached a TV level. */
export interface ThresholdStats {
  threshold: number;
  /** Seeds that reached it, out of {@link ObjectiveStats.finished}. */
  reached: number;
  /** Means over the seeds that reached it. */
  trajectories: number;
  seconds: number;
}

/** One objective on one environment, over its seeds. */
export interface ObjectiveStats {
  env: string;
  objective: string;
  /** Runs that finished (the statistics are over these). */
  finished: number;
  /** Final value of each metric, one entry per finished seed that reports it. */
  final: Record<string, number[]>;
  /** Iterations per second of each finished seed (iterations / run wall time). */
  iterationsPerSecond: number[];
  thresholds: ThresholdStats[];
  failed: Array<{ seed: number; error: string }>;
  /** Runs with no complete log (not run yet, or interrupted). */
  incomplete: number[];
}

/** Aggregates the runs of one (environment, objective) cell. */
export function objectiveStats(env: string, objective: string, runs: readonly RunResult[], tvThresholds: readonly number[]): ObjectiveStats {
  const done = runs.filter((r) => r.log.state === 'finished');
  const final: Record<string, number[]> = {};
  for (const r of done) {
    const last = r.log.points.at(-1);
    for (const [k, v] of Object.entries(last?.metrics ?? {})) (final[k] ??= []).push(v);
  }
  const thresholds = tvThresholds.map((threshold) => {
    const hits = done.map((r) => firstReach(r.log.points, threshold)).filter((p): p is EvaluationPoint => p !== undefined);
    return { threshold, reached: hits.length, trajectories: mean(hits.map((p) => p.trajectories)), seconds: mean(hits.map((p) => p.elapsedSeconds)) };
  });
  return {
    env,
    objective,
    finished: done.length,
    final,
    iterationsPerSecond: done.map((r) => r.log.finished!.iterations / r.log.finished!.elapsedSeconds),
    thresholds,
    failed: runs.filter((r) => r.log.state === 'failed').map((r) => ({ seed: r.seed, error: r.log.error ?? 'unknown error' })),
    incomplete: runs.filter((r) => !hasEnded(r.log.state)).map((r) => r.seed),
  };
}

/** Statistics for every cell of the grid, environments and objectives in config order. */
export function gridStats(
  results: readonly RunResult[],
  envs: readonly string[],
  objectives: readonly string[],
  tvThresholds: readonly number[],
): ObjectiveStats[] {
  return envs.flatMap((env) =>
    objectives.map((o) =>
      objectiveStats(
        env,
        o,
        results.filter((r) => r.env === env && r.objective === o),
        tvThresholds,
      ),
    ),
  );
}
