import embed, { type Result, vega } from 'vega-embed';
import type { XAxis } from './series.js';

const X_TITLES: Record<XAxis, string> = { iterations: 'iteration', trajectories: 'trajectories sampled', seconds: 'seconds' };

/** One row of a chart's data: a point of one run's curve. */
export interface ChartRow {
  run: string;
  x: number;
  y: number;
  /** The line within the run's, where a chart draws several per run (an actor's rate: `actor 1`). */
  part?: string;
}

/** The colours of the runs, in selection order (shared by every chart and the legend). */
export function runColours(runs: readonly string[]): Map<string, string> {
  const scheme = vega.scheme('tableau10') as string[];
  return new Map(runs.map((r, i) => [r, scheme[i % scheme.length]!]));
}

/**
 * One metric's curves for the selected runs, overlaid, as a Vega-Lite line chart. New data
 * replaces the chart's dataset in place (no re-embedding); the element's `data-points` and
 * `data-max-x` attributes say how many points are drawn and how far along the x axis they reach.
 */
export class MetricChart {
  private readonly embedded: Promise<Result>;

  constructor(
    readonly element: HTMLElement,
    label: string,
    xAxis: XAxis,
    runs: readonly string[],
    /** Mark each point (evaluations, a few dozen per run) or draw the line alone (per-iteration curves). */
    markPoints: boolean,
    /** Several lines per run, told apart by their rows' `part` (dashed differently, with a legend). */
    parts = false,
  ) {
    const colours = runColours(runs);
    this.embedded = embed(
      element,
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: { text: label, anchor: 'start', fontSize: 13 },
        width: 'container',
        height: 170,
        data: { name: 'points' },
        mark: { type: 'line', point: markPoints ? { size: 12 } : false, tooltip: true, clip: true, strokeWidth: markPoints ? 2 : 1.2 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: X_TITLES[xAxis] },
          y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
          color: { field: 'run', type: 'nominal', scale: { domain: [...colours.keys()], range: [...colours.values()] }, legend: null },
          ...(parts ? { strokeDash: { field: 'part', type: 'nominal', title: null, legend: { orient: 'top', direction: 'horizontal' } } } : {}),
        },
        autosize: { type: 'fit-x', contains: 'padding' },
      },
      { actions: false, renderer: 'svg', logLevel: vega.Error },
    );
  }

  async update(rows: readonly ChartRow[]): Promise<void> {
    await replaceData(this.embedded, 'points', rows);
    this.element.dataset.points = String(rows.length);
    this.element.dataset.maxX = String(rows.reduce((m, r) => Math.max(m, r.x), 0));
  }

  async dispose(): Promise<void> {
    (await this.embedded).finalize();
  }
}

/** Replaces the rows of an embedded chart's named dataset in place (no re-embedding) and redraws it. */
export async function replaceData(embedded: Promise<Result>, dataset: string, rows: readonly object[]): Promise<void> {
  const { view } = await embedded;
  await view
    .change(
      dataset,
      vega
        .changeset()
        .remove(() => true)
        .insert(rows),
    )
    .runAsync();
}
