import embed, { type Result, vega } from 'vega-embed';
import type { EvaluationView, HeatmapsView, ScatterView, TableView } from '../../core/env/view.js';

const PANEL_SIZE = 240;

function heatmapSpec(view: HeatmapsView): Parameters<typeof embed>[1] {
  const cells = view.panels.flatMap((panel, p) => panel.values.map((value, k) => ({ panel: p, row: Math.floor(k / view.cols), col: k % view.cols, value })));
  const rect = {
    mark: { type: 'rect' as const, tooltip: true },
    encoding: {
      x: { field: 'col', type: 'ordinal' as const, title: view.colLabel, axis: { labelOverlap: true } },
      y: { field: 'row', type: 'ordinal' as const, title: view.rowLabel, axis: { labelOverlap: true } },
      color: { field: 'value', type: 'quantitative' as const, title: null, scale: { scheme: 'viridis' } },
    },
  };
  const text = {
    mark: { type: 'text' as const, fontSize: 11 },
    encoding: {
      x: { field: 'col', type: 'ordinal' as const },
      y: { field: 'row', type: 'ordinal' as const },
      text: { field: 'value', type: 'quantitative' as const, format: '.2f' },
      color: { value: 'white' },
    },
  };
  const side = Math.max(8, Math.floor(PANEL_SIZE / Math.max(view.rows, view.cols)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: view.title, anchor: 'start', fontSize: 13 },
    data: { values: cells },
    hconcat: view.panels.map((panel, p) => ({
      title: panel.title,
      width: side * view.cols,
      height: side * view.rows,
      transform: [{ filter: `datum.panel === ${p}` }],
      layer: view.showValues ? [rect, text] : [rect],
    })),
    resolve: { scale: { color: 'shared' } },
  };
}

function scatterSpec(view: ScatterView): Parameters<typeof embed>[1] {
  const sized = view.points.some((p) => p.size !== undefined);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: view.title, anchor: 'start', fontSize: 13 },
    width: PANEL_SIZE * 1.5,
    height: PANEL_SIZE * 1.5,
    data: { values: view.points },
    mark: { type: 'point', filled: true, opacity: 0.8, tooltip: { content: 'data' } },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: view.xLabel, scale: { zero: false, padding: 12 } },
      y: { field: 'y', type: 'quantitative', title: view.yLabel, scale: { zero: false, padding: 12 } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      shape: { field: 'series', type: 'nominal', title: null },
      ...(sized ? { size: { field: 'size', type: 'quantitative', title: 'draws', scale: { range: [20, 300] } } } : {}),
    },
  };
}

function renderTable(element: HTMLElement, view: TableView): void {
  const format = (v: string | number): string => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v));
  const table = document.createElement('table');
  table.className = 'view-table';
  const caption = table.createCaption();
  caption.textContent = view.title;
  const head = table.createTHead().insertRow();
  for (const c of view.columns) head.appendChild(document.createElement('th')).textContent = c;
  const body = table.createTBody();
  for (const row of view.rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = format(cell);
  }
  element.replaceChildren(table);
}

/**
 * Draws an evaluation view into `element`: heatmaps side by side (shared colour scale), a scatter
 * of labelled points, or a table. Returns the chart (to finalize before drawing the next) when
 * there is one.
 */
export async function renderView(element: HTMLElement, view: EvaluationView): Promise<Result | undefined> {
  element.dataset.kind = view.kind;
  if (view.kind === 'table') {
    renderTable(element, view);
    return undefined;
  }
  return embed(element, view.kind === 'scatter' ? scatterSpec(view) : heatmapSpec(view), { actions: false, renderer: 'svg', logLevel: vega.Error });
}
