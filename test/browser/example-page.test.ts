import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserExample } from '../../examples/browser/build.js';
import { type ExampleServer, serveBrowserExample } from '../../examples/browser/serve.js';
import type { DemoStatus } from '../../examples/browser/status.js';

// The browser example in a real headless Chromium (Debian's `chromium` package; .ci/run installs
// it), served by a local static server: the page trains TB-U on a 2-D HyperGrid (H = 8) with the
// wasm backend and must bring the exact TV below the threshold. Without a Chromium binary the
// test says so and is skipped (never in CI).
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH].find((p) => p !== undefined && existsSync(p));
const TV_THRESHOLD = 0.1;
const artifacts = resolve(import.meta.dirname, '../../test-artifacts');

if (!CHROMIUM && process.env.GFN_REQUIRE_CHROMIUM)
  throw new Error('GFN_REQUIRE_CHROMIUM is set (.ci/run) but no Chromium binary was found at /usr/bin/chromium');
if (!CHROMIUM)
  console.warn(
    '[browser test] skipped: no Chromium binary at /usr/bin/chromium or /usr/bin/chromium-browser (set CHROMIUM_PATH); install it with `apt-get install -y chromium`',
  );

describe.skipIf(!CHROMIUM)('the browser example (examples/browser/)', () => {
  let server: ExampleServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildBrowserExample();
    server = await serveBrowserExample(0);
    browser = await puppeteer.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--headless'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`trains TB-U in the page until the exact TV falls below ${TV_THRESHOLD}, drawing the learned P_T next to the target`, async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(String(err)));
    await page.setViewport({ width: 900, height: 620 });
    await page.goto(`${server.url}?height=8&iterations=3000&seed=0`);
    await page.waitForFunction(
      (threshold: number) => {
        const s = (window as unknown as { gfnDemo?: DemoStatus }).gfnDemo;
        return s !== undefined && (s.error !== undefined || s.done || (s.tv !== undefined && s.tv < threshold));
      },
      { timeout: 240_000, polling: 250 },
      TV_THRESHOLD,
    );
    const status = (await page.evaluate(() => (window as unknown as { gfnDemo: DemoStatus }).gfnDemo)) as DemoStatus;
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'browser-example.png') });
    console.log(
      `[browser test] backend ${status.backend}, TV ${status.tv} after ${status.iteration} iterations (${status.evaluations} evaluations); screenshot test-artifacts/browser-example.png`,
    );
    expect(problems).toEqual([]);
    expect(status.error).toBeUndefined();
    expect(status.backend).toBe('wasm');
    expect(status.tv).toBeLessThan(TV_THRESHOLD);
    // the learned heatmap was redrawn while training: more than one evaluation, and its canvas is not blank
    expect(status.evaluations).toBeGreaterThan(1);
    const inked = await page.evaluate(() => {
      const c = document.getElementById('learned') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 250) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(0);
  }, 300_000);
});
