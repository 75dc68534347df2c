import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCRATCH_ROOT_NAME } from '../../harness/queue/scratch.js';
import { findRedisServer, useQueueFixture, waitFor } from './queue-helpers.js';

// A worker's runs train in its own scratch folder, named after its pid, under one folder per
// machine; a worker killed with SIGKILL cannot remove its own, so the next worker there does.
const redisServer = findRedisServer();
const tmp = mkdtempSync(join(tmpdir(), 'gfn-queue-scratch-'));
const root = join(tmp, SCRATCH_ROOT_NAME);
const fx = useQueueFixture(redisServer, tmp);

describe.runIf(redisServer !== undefined)('gfn worker scratch folders', () => {
  it('the folder of a worker killed with SIGKILL is removed by the next worker on the machine; a live worker keeps its own; a stopped one removes its own', async () => {
    const [killed, live] = await fx.startWorkers([], []);
    const owned = (): string[] => readdirSync(root).sort();
    const folderOf = (pid: number | undefined): string => owned().find((n) => n.startsWith(`${pid}-`))!;
    expect(owned()).toEqual([folderOf(killed!.process.pid), folderOf(live!.process.pid)].sort());
    // what a run in progress would have left there
    const left = join(root, folderOf(killed!.process.pid));
    writeFileSync(join(left, 'checkpoint.json'), '{}');
    killed!.process.kill('SIGKILL');
    await killed!.exited;
    expect(owned()).toContain(folderOf(killed!.process.pid));

    const [next] = await fx.startWorkers([]);
    expect(next!.output()).toMatch(/removed 1 scratch folder\(s\) of workers no longer running/);
    expect(owned()).toEqual([folderOf(live!.process.pid), folderOf(next!.process.pid)].sort());
    expect(owned().some((n) => n === left.split('/').at(-1))).toBe(false);

    await next!.stop();
    await live!.stop();
    await waitFor(() => (owned().length === 0 ? true : undefined));
  });
});
