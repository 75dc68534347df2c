/**
 * The files of a run folder and of a benchmark folder that the dashboard reads, as the loggers,
 * the checkpointer and `gfn bench` write them.
 */
export { CHECKPOINT_FILE } from '../run-folder/checkpoint-file.js';
export { VIEWS_DIR, viewFileIteration } from '../run-folder/layout.js';

/** One JSON record per line: start, iteration, evaluation, resume, finished, error. */
export const METRICS_FILE = 'metrics.jsonl';
/** The run's resolved config. */
export const CONFIG_FILE = 'config.json';
/** A benchmark folder, as `gfn bench` writes it. */
export { BENCH_FILE, BENCH_RUNS_DIR, BENCH_SUMMARY_FILE, benchRunName } from '../harness/bench-layout.js';
