import type { TableView } from '../env/view.js';

/** At most this many rows in the Pareto view (a front of a few dozen states fits whole). */
export const PARETO_VIEW_ROWS = 60;

/** A state and its objective vector, on the exact front and/or on the sampled Pareto set, with how often it was drawn. */
export interface ParetoRow {
  state: ArrayLike<number>;
  objectives: ArrayLike<number>;
  exact: boolean;
  sampled: boolean;
  draws: number;
}

/**
 * The Pareto view of an evaluation: the exact front's states (where known) and the sampled Pareto
 * set's, one row each, by the first objective descending, so that the dashboard shows which part of
 * the front the samples reached and how often each was drawn.
 */
export function paretoView(objectiveNames: readonly string[], rows: readonly ParetoRow[]): TableView {
  const sorted = [...rows].sort((a, b) => b.objectives[0]! - a.objectives[0]!).slice(0, PARETO_VIEW_ROWS);
  const exact = rows.filter((r) => r.exact).length;
  const reached = rows.filter((r) => r.exact && r.draws > 0).length;
  return {
    kind: 'table',
    title: exact > 0 ? `Pareto front: ${reached} of its ${exact} states drawn` : `Pareto set of the samples (${rows.length} states)`,
    columns: ['state', ...objectiveNames, 'exact front', 'sampled Pareto set', 'draws'],
    rows: sorted.map((r) => [
      `[${Array.from(r.state).join(', ')}]`,
      ...Array.from(r.objectives, (v) => Number(v.toPrecision(4))),
      r.exact ? 'yes' : '',
      r.sampled ? 'yes' : '',
      r.draws,
    ]),
  };
}
