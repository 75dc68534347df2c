import type { MetricsRecord } from '../../run-folder/records.js';
import { ACTOR_RATE } from './actor-series.js';
import { el, getJson, type RunsResponse } from './api.js';
import { type ChartRow, MetricChart, runColours } from './charts.js';
import { type ChartLayout, layoutCharts } from './curve-groups.js';
import { LiveLogs } from './live.js';
import { runTable } from './run-table.js';
import { METRICS, type XAxis } from './series.js';
import { StalenessChart, type StalenessRow } from './staleness-chart.js';
import { ViewsPanel } from './views-panel.js';

const LIST_REFRESH_MS = 3000;
const REDRAW_MS = 400;
const X_AXES: XAxis[] = ['iterations', 'trajectories', 'seconds'];
/** Curves with a point per iteration: drawn as plain lines. */
const PER_ITERATION = new Set(['loss', 'itPerSec', ACTOR_RATE, 'meanStaleness', 'droppedBatches', 'rewardLatencyMeanMs', 'rewardLatencyP95Ms']);
/** The key of the staleness histogram's box among the charts. */
const STALENESS = 'staleness';

/**
 * The runs page: the run list, the overlaid live curves of the selected runs, and the environment
 * view of one of them. The selection and the x axis live in the address (`#/?select=a,b&x=seconds`),
 * so that a link (the one `gfn train --dashboard` prints, a benchmark row) opens the same picture.
 */
export class RunsPage {
  private readonly selected: string[];
  private xAxis: XAxis;
  private readonly live = new LiveLogs((run, records) => this.onRecords(run, records));
  private readonly views = new ViewsPanel();
  private readonly listBox = el('div', { id: 'run-list' });
  private readonly benchBox = el('div', { id: 'bench-list' });
  private readonly legend = el('div', { id: 'legend' });
  private readonly chartsBox = el('div', { id: 'charts' });
  private charts = new Map<string, MetricChart>();
  private stalenessChart?: StalenessChart;
  /** The charts drawn now, and where each selected run's curves go; rebuilt when a chart or a line appears. */
  private layout: ChartLayout = { charts: [], places: [] };
  private layoutKey = '';
  private listing?: RunsResponse;
  private dirty = false;
  private timers: Array<ReturnType<typeof setInterval>> = [];

  constructor(
    private readonly container: HTMLElement,
    params: URLSearchParams,
  ) {
    this.selected = (params.get('select') ?? '').split(',').filter((s) => s !== '');
    const x = params.get('x') as XAxis | null;
    this.xAxis = x && X_AXES.includes(x) ? x : 'iterations';
  }

  async start(): Promise<void> {
    const axis = el('select', { id: 'x-axis', 'aria-label': 'x axis' }, ...X_AXES.map((a) => el('option', { value: a }, a)));
    axis.value = this.xAxis;
    axis.addEventListener('change', () => {
      this.xAxis = axis.value as XAxis;
      this.saveAddress();
      this.rebuildCharts();
    });
    this.container.replaceChildren(
      this.benchBox,
      el('section', {}, el('h2', {}, 'Runs'), this.listBox),
      el('section', { id: 'curves' }, el('h2', {}, 'Curves'), el('div', { class: 'controls' }, el('label', {}, 'x axis ', axis), this.legend), this.chartsBox),
      this.views.element,
    );
    this.timers.push(setInterval(() => void this.refreshList(), LIST_REFRESH_MS));
    this.timers.push(setInterval(() => void this.redraw(), REDRAW_MS));
    await this.refreshList();
    this.selectionChanged();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.live.close();
    for (const c of this.charts.values()) void c.dispose();
  }

  private async refreshList(): Promise<void> {
    const listing = await getJson<RunsResponse>('/api/runs').catch(() => undefined);
    if (!listing) return;
    const known = new Set((this.listing?.runs ?? []).map((r) => r.id));
    this.listing = listing;
    document.getElementById('root')!.textContent = listing.root;
    this.listBox.replaceChildren(
      listing.runs.length > 0 ? runTable(listing.runs, new Set(this.selected), (id, on) => this.toggle(id, on)) : el('p', {}, 'No runs here yet.'),
      ...(listing.truncated ? [el('p', {}, 'Only the first runs are listed: open a narrower folder.')] : []),
    );
    this.benchBox.replaceChildren(
      ...(listing.benches.length > 0
        ? [
            el(
              'section',
              {},
              el('h2', {}, 'Benchmarks'),
              el('ul', {}, ...listing.benches.map((b) => el('li', {}, el('a', { href: `#/bench?id=${encodeURIComponent(b.id)}` }, b.name)))),
            ),
          ]
        : []),
    );
    // a selected run that appeared since (a run just started) is followed now
    if (this.selected.some((id) => !known.has(id) && listing.runs.some((r) => r.id === id))) this.follow();
  }

  private toggle(id: string, on: boolean): void {
    const i = this.selected.indexOf(id);
    if (on && i < 0) this.selected.push(id);
    if (!on && i >= 0) this.selected.splice(i, 1);
    this.listBox.querySelector(`tr[data-run="${CSS.escape(id)}"]`)?.classList.toggle('selected', on);
    this.selectionChanged();
  }

  private selectionChanged(): void {
    this.saveAddress();
    const colours = runColours(this.selected);
    this.legend.replaceChildren(
      ...this.selected.map((r) => el('span', { class: 'legend-item' }, el('span', { class: 'swatch', style: `background:${colours.get(r)}` }), r || '.')),
    );
    this.views.setRuns(this.selected);
    this.rebuildCharts();
    this.follow();
  }

  private follow(): void {
    const existing = new Set((this.listing?.runs ?? []).map((r) => r.id));
    this.live.follow(this.selected.filter((id) => existing.has(id)));
  }

  private saveAddress(): void {
    history.replaceState(null, '', `#/?select=${this.selected.map(encodeURIComponent).join(',')}&x=${this.xAxis}`);
  }

  private onRecords(run: string, records: readonly MetricsRecord[]): void {
    this.dirty = true;
    if (records.some((r) => r.type === 'evaluation' || r.type === 'start')) void this.views.refresh(run).catch(() => undefined);
  }

  /**
   * The charts for what the selected runs report (`layoutCharts`: a conditional run's conditions share
   * their metric's chart), and the staleness histogram's box where a run has actors.
   */
  private currentLayout(): { layout: ChartLayout; staleness: boolean } {
    const layout = layoutCharts(this.selected.map((id) => [...(this.live.series.get(id)?.curves.keys() ?? [])]));
    return { layout, staleness: this.selected.some((id) => this.live.series.get(id)?.staleness) };
  }

  private rebuildCharts(): void {
    for (const c of this.charts.values()) void c.dispose();
    this.charts.clear();
    void this.stalenessChart?.dispose();
    this.stalenessChart = undefined;
    const { layout, staleness } = this.currentLayout();
    this.layout = layout;
    this.layoutKey = JSON.stringify([layout.charts, staleness]);
    this.chartsBox.replaceChildren();
    if (layout.charts.length === 0 && !staleness)
      this.chartsBox.append(
        el('p', {}, this.selected.length === 0 ? 'Tick runs in the list to plot their curves.' : 'Waiting for the first lines of the selected runs…'),
      );
    for (const { key, parts, conditions } of layout.charts) {
      const box = el('div', { class: 'chart', 'data-metric': key });
      this.chartsBox.append(box);
      const label = METRICS.find((m) => m.key === key)?.label ?? key;
      this.charts.set(key, new MetricChart(box, label, this.xAxis, this.selected, !PER_ITERATION.has(key), { parts, conditions }));
    }
    if (staleness) {
      const box = el('div', { class: 'chart', 'data-metric': STALENESS });
      this.chartsBox.append(box);
      this.stalenessChart = new StalenessChart(box, this.selected);
    }
    this.dirty = true;
  }

  private async redraw(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const { layout, staleness } = this.currentLayout();
    if (JSON.stringify([layout.charts, staleness]) !== this.layoutKey) this.rebuildCharts();
    // the same charts, but a curve may have come to one of them (a second run's `tv@beta=1`)
    else this.layout = layout;
    const rows = new Map<string, ChartRow[]>([...this.charts.keys()].map((key) => [key, []]));
    this.selected.forEach((run, i) => {
      for (const [curveKey, curve] of this.live.series.get(run)?.curves ?? []) {
        const place = this.layout.places[i]?.get(curveKey);
        const chartRows = place && rows.get(place.chart);
        if (!chartRows) continue;
        for (const p of curve.points()) chartRows.push({ run, x: p[this.xAxis], y: p.value, ...(place.part !== undefined ? { part: place.part } : {}) });
      }
    });
    await Promise.all([...[...this.charts].map(([key, chart]) => chart.update(rows.get(key) ?? [])), this.stalenessChart?.update(this.stalenessRows())]);
  }

  /** The newest staleness histogram of each selected run that has actors. */
  private stalenessRows(): StalenessRow[] {
    return this.selected.flatMap((run) => (this.live.series.get(run)?.staleness ?? []).map((batches, lag) => ({ run, lag, batches })));
  }
}
