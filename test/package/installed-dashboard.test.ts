import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxX, pageProblems, waitForHeatmaps, waitForMaxXBeyond, waitForPoints, waitForStatus } from '../dashboard/page-checks.js';
import { chromiumFor } from '../helpers/chromium.js';
import { spawnUntil } from '../helpers/spawn-until.js';
import { installPacked } from './pack-once.js';

// The dashboard as a user of the package gets it: the packed tarball installed into an empty
// project, its `gfn dashboard` and `gfn train --dashboard` serving the page built into dist/
// (no sources, no bundler at run time), looked at in headless Chromium.
const chromium = chromiumFor('installed dashboard test');

let project = '';
let browser: Browser | undefined;
const servers: ChildProcess[] = [];
const gfn = (): string => join(project, 'node_modules', '.bin', 'gfn');

/** A tiny HyperGrid run (8 x 8: two heatmaps of 64 cells in the environment's view). */
const config = (name: string, iterations: number, every: number): Record<string, unknown> => ({
  name,
  seed: 0,
  iterations,
  batchSize: 16,
  env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.1 },
  objective: { name: 'tb' },
  estimator: { name: 'mlp', hidden: [16, 16] },
  evaluation: { every },
  logging: { dir: 'runs', progress: 'none' },
});
const HEATMAP_CELLS = 2 * 8 * 8;

beforeAll(async () => {
  if (!chromium) return;
  ({ project } = installPacked('gfn-dashboard-'));
  // a finished run, with its evaluation views, trained by the installed command
  writeFileSync(join(project, 'done.json'), JSON.stringify(config('done', 60, 20)));
  execFileSync(gfn(), ['train', 'done.json'], { cwd: project, stdio: 'pipe' });
  browser = await puppeteer.launch({ executablePath: chromium, args: ['--no-sandbox', '--headless'] });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.kill('SIGKILL');
  if (project) rmSync(project, { recursive: true, force: true });
}, 300_000); // removing an installed project takes over a minute on a loaded machine

/** A page of the browser, with what goes wrong in it collected. */
async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage();
  const problems = pageProblems(page);
  await page.setViewport({ width: 1280, height: 1300 });
  await page.goto(url);
  return { page, problems };
}

const status = (page: Page, run: string): Promise<string | null> => page.$eval(`tr[data-run="${run}"] .status`, (e) => e.textContent);

describe.skipIf(!chromium)('the installed dashboard in headless Chromium', () => {
  it('gfn dashboard over a run folder: the page and its script are the files built into dist/, the run is listed, its curves and the HyperGrid view drawn, no error anywhere', async () => {
    const server = await spawnUntil(gfn(), ['dashboard', 'runs', '--port', '0'], /: (http:\/\/\S+) \(Ctrl-C/, project);
    servers.push(server.child);
    const url = server.match[1]!;

    const script = await fetch(new URL('app.js', url));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toBe(readFileSync(join(project, 'node_modules', 'gflownet-ts', 'dist', 'dashboard', 'public', 'app.js'), 'utf8'));

    const { page, problems } = await openPage(`${url}#/?select=done`);
    await page.waitForSelector('tr[data-run="done"]');
    expect(await status(page, 'done')).toBe('finished');
    await waitForPoints(page, 'loss', 2);
    // evaluations at iterations 0, 20, 40 and 60
    await waitForPoints(page, 'tv', 4);
    expect(await waitForHeatmaps(page, HEATMAP_CELLS)).toEqual(expect.arrayContaining(['learned P_T', 'target R/Z']));
    expect(problems).toEqual([]);
    expect(server.stderr()).toBe('');
  });

  it('gfn train --dashboard: the page follows the live run, listed beside the finished one, its curves growing and its view drawn, no error anywhere', async () => {
    // far more iterations than the test needs: it stops the run once it has seen enough. Evaluations
    // are sparse so that no view file is pruned (a run keeps the newest and 32 earlier ones) while the
    // page follows the run: a pruned file the page asks for would be a 404 in its console.
    writeFileSync(join(project, 'live.json'), JSON.stringify(config('live', 20_000, 50)));
    const training = await spawnUntil(gfn(), ['train', 'live.json', '--dashboard', '--dashboard-port', '0'], /dashboard: (http:\/\/\S+)/, project);
    servers.push(training.child);

    const { page, problems } = await openPage(training.match[1]!);
    await waitForPoints(page, 'loss', 1);
    const before = await maxX(page, 'loss');
    await waitForMaxXBeyond(page, 'loss', before + 5);
    await waitForStatus(page, 'live', 'running');
    expect(await status(page, 'done')).toBe('finished');
    expect(await waitForHeatmaps(page, HEATMAP_CELLS)).toEqual(expect.arrayContaining(['learned P_T', 'target R/Z']));
    expect(problems).toEqual([]);
    expect(training.stderr()).not.toMatch(/^dashboard:/m);
  });
});
