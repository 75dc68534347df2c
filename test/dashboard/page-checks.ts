import type { Page } from 'puppeteer-core';

// What the dashboard's browser tests read off the page: each chart keeps its metric, number of
// points and largest x in data attributes; the environment's view is drawn into #view.

const TIMEOUT_MS = 60_000;

/** Largest x of a metric's chart (0 before it is drawn). */
export const maxX = (page: Page, metric: string): Promise<number> =>
  page.$eval(`.chart[data-metric="${metric}"]`, (e) => Number((e as HTMLElement).dataset.maxX ?? 0)).catch(() => 0);

/** The SVG path of a metric's first line ('' before it is drawn). */
export const linePath = (page: Page, metric: string): Promise<string> =>
  page.$eval(`.chart[data-metric="${metric}"] .mark-line path`, (e) => e.getAttribute('d') ?? '').catch(() => '');

/** Waits until a metric's chart has at least `points` points. */
export async function waitForPoints(page: Page, metric: string, points: number, timeout = TIMEOUT_MS): Promise<void> {
  await page.waitForFunction(
    (m: string, n: number) => Number((document.querySelector(`.chart[data-metric="${m}"]`) as HTMLElement | null)?.dataset.points ?? 0) >= n,
    { timeout },
    metric,
    points,
  );
}

/** Waits until a metric's chart reaches beyond x (a run being followed gains points). */
export async function waitForMaxXBeyond(page: Page, metric: string, x: number, timeout = TIMEOUT_MS): Promise<void> {
  await page.waitForFunction(
    (m: string, beyond: number) => Number((document.querySelector(`.chart[data-metric="${m}"]`) as HTMLElement | null)?.dataset.maxX ?? 0) > beyond,
    { timeout },
    metric,
    x,
  );
}

/** Waits until the environment's view shows at least `cells` heatmap cells; returns its panels' titles. */
export async function waitForHeatmaps(page: Page, cells: number, timeout = TIMEOUT_MS): Promise<string[]> {
  await page.waitForFunction((n: number) => document.querySelectorAll('#view .mark-rect path').length >= n, { timeout }, cells);
  return page.$$eval('#view svg text', (ts) => ts.map((t) => t.textContent ?? ''));
}

/**
 * Waits until the environment's view shows an evaluation after iteration `after` (-1: any); returns
 * its iteration. The view's iteration is set once its drawing is complete, a moment after its cells
 * appear: read it only through this wait.
 */
export async function waitForViewAfter(page: Page, after: number, timeout = TIMEOUT_MS): Promise<number> {
  const shown = await page.waitForFunction(
    (a: number) => {
      const iteration = (document.querySelector('#view') as HTMLElement | null)?.dataset.iteration;
      // a string, truthy even for iteration 0
      return iteration !== undefined && Number(iteration) > a ? iteration : undefined;
    },
    { timeout },
    after,
  );
  return Number(await shown.jsonValue());
}

/**
 * Waits until the run list shows `run` with `status`. The list is the server's listing of a moment
 * (refreshed every few seconds): a status is asserted by waiting for the listing that shows it.
 */
export async function waitForStatus(page: Page, run: string, status: string, timeout = TIMEOUT_MS): Promise<void> {
  await page.waitForFunction((r: string, s: string) => document.querySelector(`tr[data-run="${r}"] .status`)?.textContent === s, { timeout }, run, status);
}

/** Heatmap cells of the environment's view that are filled with a colour. */
export const filledCells = (page: Page): Promise<number> =>
  page.$$eval('#view .mark-rect path', (ps) => ps.filter((p) => /^#|rgb/.test(p.getAttribute('fill') ?? '')).length);

/**
 * Collects what goes wrong in the page from now on: uncaught exceptions, console errors, and
 * responses of the dashboard's server with an error status.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}
