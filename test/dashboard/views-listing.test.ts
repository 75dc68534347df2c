import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listViews } from '../../dashboard/views-listing.js';
import { type Dashboard, startDashboard } from '../../dashboard/server.js';
import { rawGet, tempDir } from './helpers.js';

describe('the views a run kept', () => {
  const root = tempDir();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const views = join(root, 'run', 'views');
  mkdirSync(views, { recursive: true });
  for (const iteration of [0, 5, 40, 10])
    writeFileSync(join(views, `${iteration}.json`), JSON.stringify({ iteration, method: 'exact', view: { n: iteration } }));
  writeFileSync(join(views, 'notes.txt'), 'not a view');

  it('lists their iterations in order, with the newest one read in the same request (a page asking for it afterwards may find it replaced)', () => {
    expect(listViews(views)).toEqual({ iterations: [0, 5, 10, 40], latest: { iteration: 40, method: 'exact', view: { n: 40 } } });
    expect(listViews(undefined)).toEqual({ iterations: [] });
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(listViews(empty)).toEqual({ iterations: [] });
  });

  it('GET /api/views answers the same', async () => {
    const dashboard: Dashboard = await startDashboard({ root, port: 0 });
    try {
      const res = await rawGet(dashboard.url, '/api/views?run=run');
      expect(JSON.parse(res.body)).toEqual(listViews(views));
    } finally {
      await dashboard.close();
    }
  });
});
