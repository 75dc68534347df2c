import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from '../../dashboard/server.js';
import { rawGet, runLines, tempDir, writeRun } from './helpers.js';

const SECRET = 'secret-outside-the-runs-folder';

describe('dashboard: serves only what is under the runs folder', () => {
  let dashboard: Dashboard;
  let outside: string;
  beforeAll(async () => {
    const base = tempDir();
    const root = join(base, 'runs');
    outside = join(base, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(base, 'secret.txt'), SECRET);
    writeFileSync(join(outside, 'secret.txt'), SECRET);
    writeFileSync(join(outside, 'metrics.jsonl'), runLines(3, 1));
    writeRun(join(root, 'a'), { name: 'a' }, runLines(5, 5, [{ type: 'finished', iterations: 5, elapsedMs: 500 }]));
    symlinkSync(join(base, 'secret.txt'), join(root, 'a', 'link.txt'));
    symlinkSync(outside, join(root, 'linked-dir'));
    writeFileSync(join(root, '.hidden'), SECRET);
    dashboard = await startDashboard({ root, port: 0 });
  });
  afterAll(async () => dashboard.close());

  it('listens on 127.0.0.1 by default', () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const address = dashboard.app.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
  });

  it('names the option to change when the port is taken', async () => {
    const port = Number(new URL(dashboard.url).port);
    await expect(startDashboard({ root: dashboard.root, port })).rejects.toThrow(`port ${port} on 127.0.0.1 is in use; choose another with --port`);
  });

  it('serves a run file', async () => {
    const res = await rawGet(dashboard.url, '/files/a/config.json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ name: 'a' });
    expect(res.headers['content-security-policy']).toBe('sandbox');
  });

  it.each([
    '/files/../secret.txt',
    '/files/a/../../secret.txt',
    '/files/..%2fsecret.txt',
    '/files/%2e%2e/secret.txt',
    '/files/%2e%2e%2fsecret.txt',
    '/files/a/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/files/%252e%252e%252fsecret.txt',
    '/files/..%5csecret.txt',
    '/files/%2E%2E%5Csecret.txt',
    '/files//etc/passwd',
    '/files/%2fetc%2fpasswd',
    '/files/%2F..%2Fsecret.txt',
    '/files/a/link.txt',
    '/files/linked-dir/secret.txt',
    '/files/linked-dir/metrics.jsonl',
    '/files/.hidden',
    '/files/a/config.json%00.txt',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
  ])('refuses %s', async (path) => {
    const res = await rawGet(dashboard.url, path);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
  });

  it.each([
    '/api/views?run=..',
    '/api/views?run=../outside',
    '/api/views?run=%2e%2e%2foutside',
    '/api/views?run=linked-dir',
    '/api/stream?run=../outside',
    '/api/stream?run=linked-dir',
    '/api/stream?run=%2Fetc',
    '/api/bench?id=..',
    '/api/bench?id=/tmp',
  ])('refuses runs and benchmarks outside the folder: %s', async (path) => {
    const res = await rawGet(dashboard.url, path);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.body).not.toContain('"iteration"');
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    expect((await rawGet(dashboard.url, '/api/runs', { host: 'attacker.example:80' })).status).toBe(403);
    expect((await rawGet(dashboard.url, '/api/runs', { host: `localhost:${new URL(dashboard.url).port}` })).status).toBe(200);
  });

  it('lists only the runs inside the folder (links are not followed)', async () => {
    const res = await rawGet(dashboard.url, '/api/runs');
    const listing = JSON.parse(res.body) as { runs: Array<{ id: string; status: string }> };
    expect(listing.runs.map((r) => [r.id, r.status])).toEqual([['a', 'finished']]);
  });
});
