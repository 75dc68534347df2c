/**
 * The layout of a run folder (`<logging.dir>/<name>/`): the one place that names its files (the
 * paths to them: `paths.ts`). The JSONL logger, the checkpointer and the view writer write them;
 * `gfn train --resume`, `gfn sample`, the benchmark harness, its job queue and the dashboard (its
 * page included: nothing here needs Node) read them.
 */

/** The run's resolved config, as it started (written atomically when the run starts). */
export const CONFIG_FILE = 'config.json';
/** One JSON record per line: start, iteration, evaluation, resume, finished, error (see `records.ts`). */
export const METRICS_FILE = 'metrics.jsonl';
/** The run's latest checkpoint (written atomically every `checkpoint.every` iterations and at the end). */
export const CHECKPOINT_FILE = 'checkpoint.json';
/** The folder of the evaluation views: one file per view kept, named by {@link viewFileName}, holding a {@link ViewFile}. */
export const VIEWS_DIR = 'views';

/** File name (inside {@link VIEWS_DIR}) of the view of the evaluation at `iteration`. */
export function viewFileName(iteration: number): string {
  return `${iteration}.json`;
}

/** The iteration a view file name stands for, or undefined for any other file. */
export function viewFileIteration(name: string): number | undefined {
  const m = /^(\d{1,15})\.json$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** What a view file holds (see `EvaluationView`). */
export interface ViewFile<V = unknown> {
  iteration: number;
  method: string;
  view: V;
}
