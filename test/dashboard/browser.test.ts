import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeBench } from './helpers.js';

/** Debian's chromium (CI installs it), or the one CHROMIUM_PATH names. */
function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim());
  } catch {
    // not on the PATH
  }
  return candidates.find((c): c is string => !!c && existsSync(c));
}

const chromium = findChromium();
if (!chromium) {
  const why = 'no chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser and the PATH); install Debian\'s chromium to run the dashboard browser test';
  // CI sets GFN_REQUIRE_CHROMIUM: there the missing browser is a failure, never a skip
  if (process.env.GFN_REQUIRE_CHROMIUM) throw new Error(why);
  console.warn(`[dashboard browser test] skipped: ${why}`);
}

/** Screenshots are kept here (ignored by git) for a person to look at. */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

/** Starts `gfn train … --dashboard` and resolves with the address it prints. */
function trainWithDashboard(configPath: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn('node', ['bin/gfn.js', 'train', configPath, '--dashboard', '--dashboard-port', '0']);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (out += c));
    child.stdout.on('data', (c: string) => {
      out += c;
      const url = /dashboard: (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.on('exit', (code) => reject(new Error(`gfn train exited (${code}) before printing the dashboard address:\n${out}`)));
  });
}

const maxX = (page: Page, metric: string): Promise<number> => page.$eval(`.chart[data-metric="${metric}"]`, (e) => Number((e as HTMLElement).dataset.maxX ?? 0)).catch(() => 0);
const linePath = (page: Page, metric: string): Promise<string> => page.$eval(`.chart[data-metric="${metric}"] .mark-line path`, (e) => e.getAttribute('d') ?? '').catch(() => '');

describe('dashboard in a real browser', () => {
  let browser: Browser | undefined;
  let training: ChildProcessWithoutNullStreams | undefined;
  afterAll(async () => {
    await browser?.close();
    training?.kill('SIGKILL');
  });

  it.skipIf(!chromium)('follows a run started with gfn train --dashboard: the curves gain points while it trains, the HyperGrid heatmaps are drawn; a benchmark row opens its runs', async () => {
    const root = tempDir();
    writeBench(join(root, 'bench', 'tiny'));
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
    const started = await trainWithDashboard(configPath);
    training = started.child;
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#\/\?select=live$/);

    browser = await puppeteer.launch({ executablePath: chromium!, args: ['--no-sandbox', '--headless'] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewport({ width: 1280, height: 1300 });
    await page.goto(started.url);

    // the loss curve appears, then reaches further while the run trains (the run is not finished yet)
    await page.waitForFunction(() => Number((document.querySelector('.chart[data-metric="loss"]') as HTMLElement | null)?.dataset.points ?? 0) > 0, { timeout: 60_000 });
    const before = { x: await maxX(page, 'loss'), d: await linePath(page, 'loss') };
    await page.waitForFunction((x: number) => Number((document.querySelector('.chart[data-metric="loss"]') as HTMLElement | null)?.dataset.maxX ?? 0) > x + 5, { timeout: 60_000 }, before.x);
    const after = { x: await maxX(page, 'loss'), d: await linePath(page, 'loss') };
    expect(after.x).toBeGreaterThan(before.x);
    expect(after.d).not.toBe(before.d);
    expect(await page.$eval('tr[data-run="live"] .status', (e) => e.textContent)).toBe('running');
    expect(await page.$eval('tr[data-run="live"] input', (e) => (e as HTMLInputElement).checked)).toBe(true);

    // evaluation curves and the heatmaps of P_T and R/Z (two 8 x 8 panels)
    await page.waitForFunction(() => Number((document.querySelector('.chart[data-metric="tv"]') as HTMLElement | null)?.dataset.points ?? 0) >= 2, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('#view .mark-rect path').length >= 128, { timeout: 60_000 });
    const titles = await page.$$eval('#view svg text', (ts) => ts.map((t) => t.textContent));
    expect(titles).toEqual(expect.arrayContaining(['learned P_T', 'target R/Z']));
    const filled = await page.$$eval('#view .mark-rect path', (ps) => ps.filter((p) => /^#|rgb/.test(p.getAttribute('fill') ?? '')).length);
    expect(filled).toBeGreaterThanOrEqual(128);
    // the view follows the evaluations as they come
    const firstView = Number(await page.$eval('#view', (e) => (e as HTMLElement).dataset.iteration));
    await page.waitForFunction((first: number) => Number((document.querySelector('#view') as HTMLElement).dataset.iteration) > first, { timeout: 60_000 }, firstView);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'run.png'), fullPage: true });

    // the benchmark page: its table, each row linking to its runs, and its plot from the run folder
    await page.goto(`${new URL(started.url).origin}/#/bench?id=${encodeURIComponent('bench/tiny')}`);
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
    await page.waitForFunction(() => Number((document.querySelector('.chart[data-metric="tv"]') as HTMLElement | null)?.dataset.points ?? 0) === 4, { timeout: 30_000 });
    expect(await page.$$eval('#legend .legend-item', (items) => items.map((i) => i.textContent))).toEqual(['bench/tiny/runs/hg-tb-s0', 'bench/tiny/runs/hg-tb-s1']);
    expect(errors).toEqual([]);
  });
});
