import type { Result } from 'vega-embed';
import type { EvaluationView } from '../../core/env/view.js';
import { VIEWS_DIR, type ViewFile, viewFileName } from '../../run-folder/layout.js';
import type { ViewsListing } from '../views-listing.js';
import { el, fileUrl, getJson } from './api.js';
import { renderView } from './views.js';

/**
 * The environment view of one run at a chosen evaluation (a slider over the views the run kept;
 * at its right end it follows each new evaluation).
 */
export class ViewsPanel {
  readonly element: HTMLElement;
  private readonly picker = el('select', { id: 'view-run', 'aria-label': 'run whose view is shown' });
  private readonly slider = el('input', { id: 'view-slider', type: 'range', min: '0', max: '0', value: '0', 'aria-label': 'evaluation' });
  private readonly label = el('span', { id: 'view-label' });
  private readonly canvas = el('div', { id: 'view' });
  private iterations: number[] = [];
  private run?: string;
  private chart?: Result;
  private shown?: string;
  private loading = Promise.resolve();

  constructor() {
    this.element = el(
      'section',
      { id: 'views' },
      el('h2', {}, 'Environment view'),
      el('div', { class: 'view-controls' }, this.picker, this.slider, this.label),
      this.canvas,
    );
    this.picker.addEventListener('change', () => this.setRun(this.picker.value));
    this.slider.addEventListener('input', () => this.show(this.iterations[Number(this.slider.value)]));
  }

  /** The runs offered; keeps the current one when it is still among them. */
  setRuns(runs: readonly string[]): void {
    this.picker.replaceChildren(...runs.map((r) => el('option', { value: r }, r || '.')));
    this.element.hidden = runs.length === 0;
    const keep = this.run !== undefined && runs.includes(this.run) ? this.run : runs[0];
    if (keep !== undefined) this.picker.value = keep;
    this.setRun(keep);
  }

  private setRun(run: string | undefined): void {
    if (run === this.run) return;
    this.run = run;
    this.iterations = [];
    this.shown = undefined;
    this.canvas.replaceChildren();
    // the run may not have written anything yet: its first evaluation triggers the next look
    void this.refresh().catch(() => undefined);
  }

  /** Looks for new views of `run` (after an evaluation line of it arrived). */
  async refresh(run = this.run): Promise<void> {
    if (run === undefined || run !== this.run) return;
    const atEnd = this.iterations.length === 0 || Number(this.slider.value) === this.iterations.length - 1;
    const { iterations, latest } = await getJson<ViewsListing<EvaluationView>>(`/api/views?run=${encodeURIComponent(run)}`);
    if (run !== this.run) return;
    this.iterations = iterations;
    this.slider.max = String(Math.max(0, iterations.length - 1));
    if (iterations.length === 0) {
      this.label.textContent = 'no views yet (written at each evaluation, for environments that offer one)';
      return;
    }
    if (atEnd) this.slider.value = String(iterations.length - 1);
    const wanted = iterations[Number(this.slider.value)];
    // the newest view comes with the listing: a file asked for afterwards may be replaced already
    await this.show(wanted, latest?.iteration === wanted ? latest : undefined);
  }

  private fetchView(run: string, iteration: number): Promise<ViewFile<EvaluationView> | undefined> {
    return getJson<ViewFile<EvaluationView>>(fileUrl(run, VIEWS_DIR, viewFileName(iteration))).catch(() => undefined);
  }

  /** Draws the view of the evaluation at `wanted` (`file`: its contents, when at hand). */
  private async show(wanted: number | undefined, file?: ViewFile<EvaluationView>): Promise<void> {
    const run = this.run;
    if (run === undefined || wanted === undefined) return;
    const key = `${run}\n${wanted}`;
    if (key === this.shown) return;
    this.shown = key;
    // one drawing at a time, in order
    this.loading = this.loading
      .then(async () => {
        // a newer view was asked for meanwhile: that one is drawn instead
        if (this.shown !== key) return;
        file ??= await this.fetchView(run, wanted);
        // the newest view is replaced when the next evaluation comes: fall back to the ones kept before it
        for (let k = this.iterations.indexOf(wanted) - 1; !file && k >= 0 && k >= this.iterations.length - 4; k--)
          file = await this.fetchView(run, this.iterations[k]!);
        if (!file || this.shown !== key) return;
        this.chart?.finalize();
        this.chart = await renderView(this.canvas, file.view);
        this.canvas.dataset.iteration = String(file.iteration);
        this.label.textContent = `evaluation at iteration ${file.iteration} (${file.method}); ${this.iterations.length} kept`;
      })
      .catch((err: Error) => {
        // a failed drawing must not block the next ones
        console.error(`view of ${run} at iteration ${wanted}: ${err.message}`);
      });
    await this.loading;
  }
}
