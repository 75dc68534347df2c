import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from '../../dashboard/server.js';
import { rawGet, runLines, tempDir, writeRun } from './helpers.js';

// The page from the sources (the package's built page: test/package/installed-dashboard.test.ts)
// and the server's error reports.
describe('dashboard: the page, and errors reported', () => {
  let dashboard: Dashboard;
  let root: string;
  const logged: string[] = [];
  beforeAll(async () => {
    root = tempDir();
    writeRun(join(root, 'a'), { name: 'a' }, runLines(5, 5));
    // a run whose views/ is a file: listing its views fails on the server's side
    writeRun(join(root, 'broken'), { name: 'broken' }, runLines(5, 5));
    writeFileSync(join(root, 'broken', 'views'), 'not a folder');
    dashboard = await startDashboard({ root, port: 0, log: (message) => logged.push(message) });
  });
  afterAll(async () => {
    await dashboard.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the page and, run from the sources, its script bundled from dashboard/client/ in memory', async () => {
    const page = await rawGet(dashboard.url, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/app.js"></script>');
    const script = await rawGet(dashboard.url, '/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    // the bundle holds the page's code and its libraries (the charts' vega-embed among them)
    expect(script.body).toContain('/api/runs');
    expect(script.body.length).toBeGreaterThan(100_000);
    expect(logged).toEqual([]);
  });

  it('reports a request that fails on the server through its log, beside the error answer', async () => {
    const res = await rawGet(dashboard.url, '/api/views?run=broken');
    expect(res.status).toBe(500);
    expect(logged).toEqual([expect.stringMatching(/^GET \/api\/views\?run=broken failed: ENOTDIR/)]);
  });
});
