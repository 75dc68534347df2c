import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { mean } from './statistics.js';
import type { RunResult } from './statistics.js';

/** Metrics plotted (exact ones, then sampled ones), with their axis titles and scales; a panel appears when some run reports its metric. */
export const PLOTTED_METRICS: ReadonlyArray<{ key: string; title: string; scale?: 'linear' }> = [
  { key: 'tv', title: 'TV' },
  { key: 'jsd', title: 'JSD' },
  { key: 'logZError', title: '|log Ẑ − log Z|' },
  { key: 'testSpearman', title: 'Spearman(log p̂, log R), test set', scale: 'linear' },
  { key: 'logZIsError', title: '|log Ẑ_IS − log Z|' },
  { key: 'modesFound', title: 'modes found', scale: 'linear' },
  { key: 'topKReward', title: 'top-k mean reward', scale: 'linear' },
];

/** One aggregated point of one objective's curve: the seeds' mean and their min–max band. */
export interface SeriesPoint {
  objective: string;
  metric: string;
  iterations: number;
  /** The seeds' mean elapsed wall time at this evaluation point. */
  seconds: number;
  mean: number;
  lo: number;
  hi: number;
}

/** The two x axes of the plots. */
export type PlotAxis = 'iterations' | 'seconds';

/**
 * Aggregates the finished runs of one environment into curves: for each objective and metric, at
 * each evaluation point that every finished seed reached, the mean over seeds and the min–max band.
 * Non-positive values are left out of the metrics plotted on a logarithmic axis.
 */
export function aggregateSeries(results: readonly RunResult[], env: string, objectives: readonly string[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const objective of objectives) {
    const runs = results.filter((r) => r.env === env && r.objective === objective && r.log.state === 'finished');
    if (runs.length === 0) continue;
    const byIteration = runs.map((r) => new Map(r.log.points.map((p) => [p.iterations, p])));
    const common = [...byIteration[0]!.keys()].filter((it) => byIteration.every((m) => m.has(it))).sort((a, b) => a - b);
    for (const iterations of common) {
      const points = byIteration.map((m) => m.get(iterations)!);
      for (const { key, scale } of PLOTTED_METRICS) {
        const values = points.map((p) => p.metrics[key]).filter((v): v is number => v !== undefined && Number.isFinite(v));
        // a linear axis shows 0 (no mode found yet) and negative correlations; a log axis cannot
        if (values.length < points.length || (scale !== 'linear' && values.some((v) => v <= 0))) continue;
        out.push({
          objective,
          metric: key,
          iterations,
          seconds: mean(points.map((p) => p.elapsedSeconds)),
          mean: mean(values),
          lo: Math.min(...values),
          hi: Math.max(...values),
        });
      }
    }
  }
  return out;
}

/**
 * A vega-lite spec: one panel per metric (log scale unless the metric says linear), x = iterations or wall-clock seconds, one line
 * per objective (the mean over seeds) over a band (min–max over seeds). Each line carries the
 * objective's name as its accessible label, so the SVG names its series.
 */
export function plotSpec(points: readonly SeriesPoint[], objectives: readonly string[], axis: PlotAxis, title: string): TopLevelSpec {
  const metrics = PLOTTED_METRICS.filter((m) => points.some((p) => p.metric === m.key));
  const xTitle = axis === 'iterations' ? 'iterations' : 'wall-clock seconds';
  const color = {
    field: 'objective',
    type: 'nominal',
    scale: { domain: [...objectives] },
    legend: { title: 'objective', symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points.map((p) => ({ ...p })) },
    hconcat: metrics.map((m) => ({
      width: 260,
      height: 200,
      transform: [{ filter: { field: 'metric', equal: m.key } }],
      encoding: { x: { field: axis, type: 'quantitative', title: xTitle }, color },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18 },
          encoding: { y: { field: 'lo', type: 'quantitative', scale: { type: m.scale ?? 'log' }, title: m.title }, y2: { field: 'hi' } },
        },
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: { y: { field: 'mean', type: 'quantitative', scale: { type: m.scale ?? 'log' }, title: m.title }, description: { field: 'objective' } },
        },
      ],
    })),
    // the default font list names no font the headless renderer must measure; sans-serif is everywhere
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
  };
}

/** Renders a vega-lite spec to SVG text headless (vega's SVG renderer needs no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** File name of an environment's plot against an axis. */
export function plotFileName(env: string, axis: PlotAxis): string {
  return `${env}-${axis}.svg`;
}
