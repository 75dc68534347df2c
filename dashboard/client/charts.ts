import embed, { type Result, vega } from 'vega-embed';
import { MEAN_PART } from './curve-groups.js';
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

/** The lines a chart draws per run, named by the `part` of its rows. */
export interface ChartLines {
  /** Their names, in legend order. */
  parts: readonly string[];
  /**
   * They are a conditional run's conditions (and its mean): with one run, a colour each; with several,
   * the run's colour dashed differently per condition. Otherwise (a line per actor) always dashed.
   */
  conditions: boolean;
}

/** The colour of a conditional run's mean over its grid, where its conditions have a colour each. */
const MEAN_COLOUR = '#333';

/** Widest chart legend row, in pixels (a chart is at least 360 wide). */
const LEGEND_ROW_PX = 320;

/** How a chart tells its runs, and each run's lines, apart: colour, dashes and point shapes, and the legend of the lines. */
function lineEncoding(runs: readonly string[], lines?: ChartLines): Record<string, unknown> {
  const colours = runColours(runs);
  const byRun = { field: 'run', type: 'nominal', scale: { domain: [...colours.keys()], range: [...colours.values()] }, legend: null };
  if (!lines || lines.parts.length === 0) return { color: byRun };
  // as many legend entries to a row as the longest name allows (labels of 10 px type: about 5 px a character, 20 for the symbol)
  const longest = Math.max(...lines.parts.map((p) => p.length));
  const legend = { orient: 'top', direction: 'horizontal', columns: Math.max(1, Math.floor(LEGEND_ROW_PX / (longest * 5 + 20))) };
  const byPart = { field: 'part', type: 'nominal', title: null, scale: { domain: [...lines.parts] }, legend };
  if (lines.conditions && runs.length === 1) {
    // the conditions in the scheme's colours, the mean over them in the text's dark grey
    const scheme = vega.scheme('tableau10') as string[];
    let next = 0;
    const range = lines.parts.map((p) => (p === MEAN_PART ? MEAN_COLOUR : scheme[next++ % scheme.length]!));
    return { color: { ...byPart, scale: { domain: [...lines.parts], range } } };
  }
  return { color: byRun, strokeDash: byPart, ...(lines.conditions ? { shape: byPart } : {}) };
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
    /** Several lines per run, told apart by their rows' `part` (a legend names them); none: one line per run. */
    lines?: ChartLines,
  ) {
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
          ...lineEncoding(runs, lines),
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
