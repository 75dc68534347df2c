import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumFor } from '../helpers/chromium.js';
import { spawnUntil } from '../helpers/spawn-until.js';
import { actorRunLines, betaEvaluation, runLines, tempDir, writeBench, writeParetoView, writeRun } from './helpers.js';
import { VIEWS_DIR, viewFileIteration } from '../../run-folder/layout.js';
import { waitFor } from '../bench/queue-helpers.js';
import { filledCells, linePath, maxX, waitForHeatmaps, waitForMaxXBeyond, waitForPoints, waitForStatus, waitForViewAfter } from './page-checks.js';

const chromium = chromiumFor('dashboard browser test');

/** Screenshots are kept here (ignored by git) for a person to look at. */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

describe('dashboard in a real browser', () => {
  let browser: Browser | undefined;
  let training: ChildProcessWithoutNullStreams | undefined;
  afterAll(async () => {
    await browser?.close();
    training?.kill('SIGKILL');
  });

  it.skipIf(!chromium)(
    'follows a run started with gfn train --dashboard: the curves gain points while it trains, the HyperGrid heatmaps are drawn; a benchmark row opens its runs',
    async () => {
      const root = tempDir();
      writeBench(join(root, 'bench', 'tiny'));
      writeRun(join(root, 'actors'), { name: 'actors', actors: 2 }, actorRunLines(30));
      writeParetoView(join(root, 'actors'), 30);
      writeRun(join(root, 'cond'), { name: 'cond' }, runLines(30, 10, [{ type: 'finished', iterations: 30, elapsedMs: 3000 }], betaEvaluation));
      const config = {
        name: 'live',
        seed: 0,
        // far more than the test needs, on any machine: the test stops the run once it has seen enough
        iterations: 20_000,
        batchSize: 16,
        env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.1 },
        objective: { name: 'tb', backward: 'uniform' },
        estimator: { name: 'mlp', hidden: [16, 16] },
        evaluation: { every: 5 },
        logging: { dir: root, progress: 'none' },
      };
      const configPath = join(root, 'live.json');
      writeFileSync(configPath, JSON.stringify(config));
      const started = await spawnUntil('node', ['bin/gfn.js', 'train', configPath, '--dashboard', '--dashboard-port', '0'], /dashboard: (http:\/\/\S+)/);
      training = started.child;
      const url = started.match[1]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#\/\?select=live$/);

      browser = await puppeteer.launch({ executablePath: chromium!, args: ['--no-sandbox', '--headless'] });
      const page = await browser.newPage();
      // uncaught errors only: this run keeps its views for the newest and 32 earlier evaluations, so the
      // page, following it, may ask for a view file pruned meanwhile (a 404 in the console)
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.setViewport({ width: 1280, height: 1300 });
      await page.goto(url);

      // the loss curve appears, then reaches further while the run trains (the run is not finished yet)
      await waitForPoints(page, 'loss', 1);
      // the path before the x bound: a redraw between the two reads then leaves x the newer, and the
      // wait below is for a redraw after the path was read (read the other way round, a redraw that
      // jumped 5 iterations between them made the wait return at once on the same path)
      const beforePath = await linePath(page, 'loss');
      const before = { x: await maxX(page, 'loss'), d: beforePath };
      await waitForMaxXBeyond(page, 'loss', before.x + 5);
      const after = { x: await maxX(page, 'loss'), d: await linePath(page, 'loss') };
      expect(after.x).toBeGreaterThan(before.x);
      expect(after.d).not.toBe(before.d);
      // listed as running: the list is a listing of a moment, so wait for the one that shows the run's heartbeat
      await waitForStatus(page, 'live', 'running');
      expect(await page.$eval('tr[data-run="live"] input', (e) => (e as HTMLInputElement).checked)).toBe(true);

      // evaluation curves and the heatmaps of P_T and R/Z (two 8 x 8 panels)
      await waitForPoints(page, 'tv', 2);
      expect(await waitForHeatmaps(page, 128)).toEqual(expect.arrayContaining(['learned P_T', 'target R/Z']));
      expect(await filledCells(page)).toBeGreaterThanOrEqual(128);
      // the view follows the evaluations as they come: once the run has written the view of a later
      // evaluation (however long a loaded machine takes to train to it), the page shows a later one
      const firstView = await waitForViewAfter(page, -1);
      await waitFor(() => (readdirSync(join(root, 'live', VIEWS_DIR)).some((f) => (viewFileIteration(f) ?? -1) > firstView) ? true : undefined));
      await waitForViewAfter(page, firstView);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'run.png'), fullPage: true });

      // the benchmark page: its table, each row linking to its runs, and its plot from the run folder
      await page.goto(`${new URL(url).origin}/#/bench?id=${encodeURIComponent('bench/tiny')}`);
      await page.waitForSelector('a.bench-runs');
      const links = await page.$$eval('a.bench-runs', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
      expect(links).toEqual([
        ['2 runs', `#/?select=${encodeURIComponent('bench/tiny/runs/hg-tb-s0')},${encodeURIComponent('bench/tiny/runs/hg-tb-s1')}`],
        ['1 run', `#/?select=${encodeURIComponent('bench/tiny/runs/hg-db-s0')}`],
      ]);
      await page.waitForFunction(() => [...document.querySelectorAll('.bench-summary img')].some((i) => (i as HTMLImageElement).naturalWidth > 0));
      expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
      expect(await page.$$eval('.bench-summary a', (as) => as.filter((a) => (a.getAttribute('href') ?? '').startsWith('javascript')).length)).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'bench.png'), fullPage: true });
      await page.click('a.bench-runs');
      await page.waitForFunction(() => Number((document.querySelector('.chart[data-metric="tv"]') as HTMLElement | null)?.dataset.points ?? 0) === 4, {
        timeout: 30_000,
      });
      expect(await page.$$eval('#legend .legend-item', (items) => items.map((i) => i.textContent))).toEqual([
        'bench/tiny/runs/hg-tb-s0',
        'bench/tiny/runs/hg-tb-s1',
      ]);

      // a run with two actors and a reward service: a line per actor, the staleness histogram, the reward latency
      await page.goto(`${new URL(url).origin}/#/?select=actors`);
      await waitForPoints(page, 'actorRate', 60);
      await waitForPoints(page, 'rewardLatencyP95Ms', 30);
      await waitForPoints(page, 'meanStaleness', 30);
      await page.waitForFunction(() => Number((document.querySelector('.chart[data-metric="staleness"]') as HTMLElement | null)?.dataset.bars ?? 0) === 3);
      expect(await page.$$eval('.chart[data-metric="actorRate"] .mark-line path', (ps) => ps.length)).toBe(2);
      // its evaluation view, a two-objective Pareto scatter: one mark per point, a legend entry per series
      await page.waitForFunction(() => document.querySelectorAll('#view .mark-symbol.role-mark path').length === 4);
      expect(await page.$$eval('#view .role-legend-label text', (ts) => ts.map((t) => t.textContent))).toEqual(
        expect.arrayContaining(['exact front, drawn', 'exact front, not drawn', 'other samples']),
      );
      await page.screenshot({ path: join(ARTIFACTS, 'actors.png'), fullPage: true });

      // a temperature-conditional run: one TV chart, a line per β of its grid and one for their mean
      // (3 evaluations x 5 lines), named in the chart's legend; no chart of its own for any `tv@beta=…`
      await page.goto(`${new URL(url).origin}/#/?select=cond`);
      await waitForPoints(page, 'tv', 15);
      await waitForPoints(page, 'tvMax', 3);
      const betas = ['β = 0.5', 'β = 1', 'β = 2', 'β = 4'];
      expect(await page.$$eval('.chart[data-metric="tv"] .mark-line path', (ps) => ps.length)).toBe(5);
      expect(await page.$$eval('.chart[data-metric="tv"] .role-legend-label text', (ts) => ts.map((t) => t.textContent))).toEqual([
        ...betas,
        'mean over the grid',
      ]);
      expect(await page.$$eval('.chart', (cs) => cs.map((c) => (c as HTMLElement).dataset.metric))).toEqual(['loss', 'tv', 'itPerSec', 'tvMax']);
      await page.screenshot({ path: join(ARTIFACTS, 'conditional.png'), fullPage: true });
      // overlaid on an unconditional run: that run's TV is a line of the same chart, named as such
      await page.goto(`${new URL(url).origin}/#/?select=cond,${encodeURIComponent('bench/tiny/runs/hg-tb-s0')}`);
      await waitForPoints(page, 'tv', 17);
      expect(await page.$$eval('.chart[data-metric="tv"] .mark-line path', (ps) => ps.length)).toBe(6);
      expect(await page.$$eval('.chart[data-metric="tv"] .role-legend-label text', (ts) => ts.map((t) => t.textContent))).toEqual([
        ...betas,
        'mean over the grid',
        'unconditional',
      ]);
      expect(errors).toEqual([]);
    },
  );
});
