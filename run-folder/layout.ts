/**
 * Where a run keeps its evaluation views: `<run>/views/<iteration>.json`, each holding
 * `{ iteration, method, view }` (see `EvaluationView`). Shared by the writer and the dashboard.
 */
export const VIEWS_DIR = 'views';

/** File name of the view of the evaluation at `iteration`. */
export function viewFileName(iteration: number): string {
  return `${iteration}.json`;
}

/** The iteration a view file name stands for, or undefined for any other file. */
export function viewFileIteration(name: string): number | undefined {
  const m = /^(\d{1,15})\.json$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** What a view file holds. */
export interface ViewFile<V = unknown> {
  iteration: number;
  method: string;
  view: V;
}
