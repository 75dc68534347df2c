import embed, { type Result, vega } from 'vega-embed';
import { replaceData, runColours } from './charts.js';

/** One bar: how many of a run's batches were trained on `lag` updates after the parameters that drew them. */
export interface StalenessRow {
  run: string;
  lag: number;
  batches: number;
}

/**
 * The staleness histogram of the selected runs with actors (docs/actors.md), as grouped bars: for
 * each lag, one bar per run. The element's `data-bars` attribute says how many bars are drawn.
 */
export class StalenessChart {
  private readonly embedded: Promise<Result>;

  constructor(
    readonly element: HTMLElement,
    runs: readonly string[],
  ) {
    const colours = runColours(runs);
    this.embedded = embed(
      element,
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: { text: 'staleness of the batches trained on', anchor: 'start', fontSize: 13 },
        width: 'container',
        height: 170,
        data: { name: 'bars' },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'lag', type: 'ordinal', title: 'updates stale' },
          xOffset: { field: 'run' },
          y: { field: 'batches', type: 'quantitative', title: 'batches' },
          color: { field: 'run', type: 'nominal', scale: { domain: [...colours.keys()], range: [...colours.values()] }, legend: null },
        },
        autosize: { type: 'fit-x', contains: 'padding' },
      },
      { actions: false, renderer: 'svg', logLevel: vega.Error },
    );
  }

  async update(rows: readonly StalenessRow[]): Promise<void> {
    await replaceData(this.embedded, 'bars', rows);
    this.element.dataset.bars = String(rows.length);
  }

  async dispose(): Promise<void> {
    (await this.embedded).finalize();
  }
}
