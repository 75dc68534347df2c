import type { ScatterView, TableView } from '../env/view.js';

/** At most this many rows in the Pareto view (a front of a few dozen states fits whole). */
export const PARETO_VIEW_ROWS = 60;
/** At most this many other samples (the most drawn) in the two-objective scatter, to keep a view file small. */
export const PARETO_VIEW_OTHERS = 200;

/** A state and its objective vector, on the exact front and/or on the sampled Pareto set, with how often it was drawn. */
export interface ParetoRow {
  state: ArrayLike<number>;
  objectives: ArrayLike<number>;
  exact: boolean;
  sampled: boolean;
  draws: number;
}

/**
 * The Pareto view of an evaluation. With two objectives, a scatter in objective space: the exact
 * front (where known), the sampled Pareto set and the other sampled states (`others`, the
 * {@link PARETO_VIEW_OTHERS} most drawn), each point sized by its draws and labelled with its state,
 * so that the dashboard shows which part of the front the samples reach. With more objectives, a
 * table of the front's and the Pareto set's states, by the first objective descending.
 */
export function paretoView(objectiveNames: readonly string[], rows: readonly ParetoRow[], others: readonly ParetoRow[] = []): TableView | ScatterView {
  const exact = rows.filter((r) => r.exact).length;
  const reached = rows.filter((r) => r.exact && r.draws > 0).length;
  const title = exact > 0 ? `Pareto front: ${reached} of its ${exact} states drawn` : `Pareto set of the samples (${rows.length} states)`;
  const stateText = (r: ParetoRow): string => `[${Array.from(r.state).join(', ')}]`;
  if (objectiveNames.length === 2) {
    const series = (r: ParetoRow): string =>
      r.exact ? (r.draws > 0 ? 'exact front, drawn' : 'exact front, not drawn') : r.sampled ? 'sampled Pareto set' : 'other samples';
    const shown = [...rows, ...[...others].sort((a, b) => b.draws - a.draws).slice(0, PARETO_VIEW_OTHERS)];
    return {
      kind: 'scatter',
      title,
      xLabel: objectiveNames[0]!,
      yLabel: objectiveNames[1]!,
      points: shown.map((r) => ({
        x: round(r.objectives[0]!),
        y: round(r.objectives[1]!),
        series: series(r),
        size: r.draws,
        label: `${stateText(r)}: ${r.draws} draws`,
      })),
    };
  }
  const sorted = [...rows].sort((a, b) => b.objectives[0]! - a.objectives[0]!).slice(0, PARETO_VIEW_ROWS);
  return {
    kind: 'table',
    title,
    columns: ['state', ...objectiveNames, 'exact front', 'sampled Pareto set', 'draws'],
    rows: sorted.map((r) => [stateText(r), ...Array.from(r.objectives, round), r.exact ? 'yes' : '', r.sampled ? 'yes' : '', r.draws]),
  };
}

function round(v: number): number {
  return Number(v.toPrecision(4));
}
