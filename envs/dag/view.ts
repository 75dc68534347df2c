import type { HeatmapsView } from '../../core/env/view.js';

/** Fraction of the sampled graphs (flat `n x d²` adjacency rows) that contain each edge i → j, row-major `d x d`. */
export function edgeFrequencies(samples: Int32Array, d: number): Float64Array {
  const d2 = d * d;
  const n = samples.length / d2;
  const out = new Float64Array(d2);
  for (let r = 0; r < n; r++) for (let k = 0; k < d2; k++) if (samples[r * d2 + k]) out[k]! += 1 / n;
  return out;
}

/** One matrix of edge marginals and its title. */
export interface EdgePanel {
  title: string;
  values: Float64Array;
}

/** The panel of the edge frequencies among sampled graphs. */
export function sampledEdgePanel(samples: Int32Array, d: number): EdgePanel {
  return { title: `sampled (${samples.length / (d * d)} graphs)`, values: edgeFrequencies(samples, d) };
}

/** Edge-marginal matrices side by side (rows: parent i, columns: child j), values printed on the cells. */
export function edgeMarginalsView(d: number, panels: EdgePanel[]): HeatmapsView {
  return {
    kind: 'heatmaps',
    title: `DAG on ${d} nodes: edge marginals P(i → j)`,
    rows: d,
    cols: d,
    rowLabel: 'parent i',
    colLabel: 'child j',
    showValues: true,
    panels: panels.map((p) => ({ title: p.title, values: Array.from(p.values) })),
  };
}
