/**
 * The files of a run folder and of a benchmark folder that the dashboard reads, as the loggers,
 * the checkpointer and `gfn bench` write them.
 */
export { CHECKPOINT_FILE } from '../plugins/checkpoint/files.js';
export { VIEWS_DIR, viewFileIteration } from '../plugins/loggers/view-files.js';

/** One JSON record per line: start, iteration, evaluation, resume, finished, error. */
export const METRICS_FILE = 'metrics.jsonl';
/** The run's resolved config. */
export const CONFIG_FILE = 'config.json';
/** A benchmark folder: its validated config, summary, plots, and one run folder per grid point. */
export const BENCH_FILE = 'bench.json';
export const BENCH_SUMMARY_FILE = 'summary.md';
export const BENCH_RUNS_DIR = 'runs';

/** Run folder name of a benchmark grid point. */
export function benchRunName(env: string, objective: string, seed: number): string {
  return `${env}-${objective}-s${seed}`;
}
