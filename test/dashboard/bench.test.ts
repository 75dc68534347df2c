import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchDetails } from '../../dashboard/bench.js';
import { type Dashboard, startDashboard } from '../../dashboard/server.js';
import { rawGet, tempDir, writeBench } from './helpers.js';

describe('dashboard: benchmark folders', () => {
  let dashboard: Dashboard;
  beforeAll(async () => {
    const root = tempDir();
    writeBench(join(root, 'bench', 'tiny'));
    dashboard = await startDashboard({ root, port: 0 });
  });
  afterAll(async () => dashboard.close());

  it('are listed, with their runs', async () => {
    const listing = JSON.parse((await rawGet(dashboard.url, '/api/runs')).body) as { benches: Array<{ id: string }>; runs: Array<{ id: string }> };
    expect(listing.benches.map((b) => b.id)).toEqual(['bench/tiny']);
    expect(listing.runs.map((r) => r.id).sort()).toEqual(['bench/tiny/runs/hg-db-s0', 'bench/tiny/runs/hg-tb-s0', 'bench/tiny/runs/hg-tb-s1']);
  });

  it('give their summary and, per environment and objective, the runs that exist', async () => {
    const res = await rawGet(dashboard.url, '/api/bench?id=bench%2Ftiny');
    expect(res.status).toBe(200);
    const details = JSON.parse(res.body) as BenchDetails;
    expect(details.name).toBe('tiny-bench');
    expect(details.summary).toContain('## hg');
    expect(details.runs).toEqual({ hg: { tb: ['bench/tiny/runs/hg-tb-s0', 'bench/tiny/runs/hg-tb-s1'], db: ['bench/tiny/runs/hg-db-s0'] } });
    const plot = await rawGet(dashboard.url, '/files/bench/tiny/plots/hg-iterations.svg');
    expect(plot.status).toBe(200);
    expect(plot.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((await rawGet(dashboard.url, '/api/bench?id=bench%2Fnone')).status).toBe(404);
  });
});
