import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEnumerable } from '../../core/env/environment.js';
import { hasRewardBatch, rewardBatchOf } from '../../core/env/reward-batch.js';
import { type RemoteRewardConfig, withRemoteReward } from '../../core/env/remote-reward.js';
import { environmentFromSection } from '../../examples/reward-service/server.js';
import { type RunningService, startRewardService } from '../../examples/reward-service/start.js';

// The example reward service as a real child process over real HTTP: two instances, a quick one
// and one that answers after 30 s (for the timeout), each on a free port in a temporary folder.
const GRID = { name: 'hypergrid', ndim: 3, height: 5 };
const client = (url: string, fields: Partial<RemoteRewardConfig> = {}): RemoteRewardConfig => ({
  url,
  maxInFlight: 3,
  maxBatchSize: 7,
  cacheSize: 10_000,
  timeoutMs: 20_000,
  retries: 2,
  backoffMs: 10,
  ...fields,
});

let dir: string;
let quick: RunningService;
let slow: RunningService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gfn-reward-service-'));
  [quick, slow] = await Promise.all([
    startRewardService({ env: GRID, latencyPerObjectMs: 1, latencyPerBatchMs: 2, cwd: dir }),
    startRewardService({ env: GRID, latencyPerBatchMs: 30_000, cwd: dir }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([quick?.stop(), slow?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const served = async (service: RunningService): Promise<{ batches: number; states: number; failed: number }> =>
  (await fetch(new URL('stats', service.url))).json();

describe('the example reward service over HTTP', () => {
  it('answers exactly the in-process log-reward of every state, and cached states never reach it', async () => {
    const env = environmentFromSection(GRID);
    if (!isEnumerable(env)) throw new Error('hypergrid is enumerable');
    const remote = withRemoteReward(env, client(quick.url));
    expect(hasRewardBatch(remote)).toBe(true);
    const all = env.allStates();
    const values = await rewardBatchOf(remote)(all, env.nStates);
    expect(Array.from(values)).toEqual(Array.from(env.logReward(all)));
    expect(await served(quick)).toEqual({ batches: Math.ceil(env.nStates / 7), states: env.nStates, failed: 0 });
    // the same states again, reversed: all from the cache, the service sees nothing new
    const reversed = new Int32Array(all.length);
    for (let i = 0; i < env.nStates; i++) reversed.set(all.subarray(i * 3, i * 3 + 3), (env.nStates - 1 - i) * 3);
    const again = await remote.rewardBatch(reversed, env.nStates);
    expect(Array.from(again).reverse()).toEqual(Array.from(values));
    expect(await served(quick)).toEqual({ batches: Math.ceil(env.nStates / 7), states: env.nStates, failed: 0 });
    expect(remote.rewardStats()).toMatchObject({ hits: env.nStates, misses: env.nStates, inFlight: 0 });
    expect(remote.rewardStats().peakInFlight).toBeLessThanOrEqual(3);
    // the view's synchronous reward refuses, naming the service
    expect(() => remote.logReward(all)).toThrow(`takes its reward from reward service ${quick.url}, which answers asynchronously`);
  });

  it('a request the service refuses fails at once with its answer', async () => {
    const other = environmentFromSection({ name: 'hypergrid', ndim: 2, height: 5 });
    const remote = withRemoteReward(other, client(quick.url));
    await expect(remote.rewardBatch(other.s0, 1)).rejects.toThrow(
      `reward service ${quick.url}: reward call 1 (1 states) failed (not retried): HTTP 400 Bad Request: {"error":"field \\"stateDim\\" = 2: this service's states have stateDim 3"}`,
    );
  });

  it('a service that does not answer in time fails the run after its retries', async () => {
    const env = environmentFromSection(GRID);
    const remote = withRemoteReward(env, client(slow.url, { timeoutMs: 300, retries: 1 }));
    await expect(remote.rewardBatch(env.s0, 1)).rejects.toThrow(
      `reward service ${slow.url}: reward call 1 (1 states) failed (2 attempts): timed out after 300 ms`,
    );
    expect(await served(slow)).toEqual({ batches: 0, states: 0, failed: 0 });
  });

  it('a service nobody listens for is retried, then named with the connection failure', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${port}/`;
    const env = environmentFromSection(GRID);
    const remote = withRemoteReward(env, client(url, { retries: 2 }));
    await expect(remote.rewardBatch(env.s0, 1)).rejects.toThrow(
      new RegExp(`^reward service ${url}: reward call 1 \\(1 states\\) failed \\(3 attempts\\): fetch failed \\(connect ECONNREFUSED`),
    );
    expect(remote.rewardStats()).toMatchObject({ calls: 3, retried: 2 });
  });

  it('the example script starts its own service and finds every reward equal to the in-process one', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/reward-service/run.ts', '--latency-per-object', '1'], {
      cwd: root,
    });
    expect(stdout).toMatch(/^first request: 256 states in [\d.]+ s, 0 differ from the in-process reward$/m);
    expect(stdout).toMatch(/^second request: 256 states in [\d.]+ s, 0 differ from the in-process reward$/m);
    expect(stdout).toMatch(/^client: 256 cache hits, 256 misses, 4 calls with 62 states, peak 4 in flight$/m);
  });
});
