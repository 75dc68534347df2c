import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config/validate.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { EvaluationEvent, IterationEvent } from '../../core/events/bus.js';
import { failureContext } from '../../core/events/failure.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { type TrainOptions, train } from '../../core/run/run.js';
import { createRewardServer, environmentFromSection } from '../../examples/reward-service/server.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { Rng } from '../../core/base/rng.js';
import type { Environment } from '../../core/env/environment.js';
import { createRunContainer } from '../../core/run/container.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { InThreadTrajectorySource, snapshotParameters } from '../../core/sampling/trajectory-source.js';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import { inThread } from '../training/actors/actor-run.js';
import type { IterationRecord } from '../../run-folder/records.js';

// Training against the example reward service over real HTTP on a free port (its server in this
// process, which saves starting one; test/examples/reward-service.test.ts starts it as a child):
// a run whose `reward` section points at it is the very run that reads the in-process reward (the
// service computes the same log-rewards), with the service's first two requests failing (retried),
// local search and terminal replay (whose known rewards are not asked again), and its counters in
// metrics.jsonl; the trajectory source that the sampling thread of `pipeline: true` runs awaits it
// too; a service nobody listens for fails the run naming its URL.
const GRID = { name: 'hypergrid', ndim: 2, height: 8, R0: 0.1 };
const CELLS = 64;
const registry = new PluginRegistry([builtinPlugin]);

let dir: string;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gfn-reward-training-'));
  server = createRewardServer({ env: environmentFromSection(GRID), latencyPerObjectMs: 1, latencyPerBatchMs: 2, failFirst: 2 });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
  rmSync(dir, { recursive: true, force: true });
});

const served = async (): Promise<{ batches: number; states: number; failed: number }> => (await fetch(new URL('stats', url))).json();

const config = (name: string, patch: Record<string, unknown> = {}) =>
  resolveConfig(
    {
      name,
      seed: 7,
      backend: 'wasm',
      iterations: 6,
      batchSize: 32,
      env: GRID,
      objective: { name: 'tb', backward: 'uniform' },
      estimator: { name: 'mlp', hidden: [32, 32] },
      localSearch: { share: 0.25, backSteps: 2 },
      replay: { kind: 'terminal', ratio: 0.25, capacity: 64 },
      evaluation: { every: 3 },
      logging: { dir, progress: 'none' },
      ...patch,
    },
    registry,
  );

/** What a run published, its reward metrics apart. */
interface Recorded {
  iterations: IterationEvent[];
  evaluations: EvaluationEvent[];
  /** Log-rewards of training batches that differ from the environment's own (should stay 0). */
  differing: number;
}

async function record(name: string, patch: Record<string, unknown> = {}): Promise<Recorded> {
  const rec: Recorded = { iterations: [], evaluations: [], differing: 0 };
  const options: TrainOptions = {
    subscribers: ['jsonl', 'evaluator'],
    beforeRun: (container, bus) => {
      const env = container.get(TOKENS.EvaluationEnvironment);
      bus.iteration$.subscribe((e) => rec.iterations.push(e));
      bus.evaluation$.subscribe((e) => rec.evaluations.push(e));
      bus.trajectories$.subscribe(({ batch }) => {
        const own = env.logReward(batch.terminalStates());
        rec.differing += own.filter((v, i) => !Object.is(v, batch.logRewards[i])).length;
      });
    },
  };
  await train(config(name, patch), registry, options);
  return rec;
}

const withoutReward = (metrics: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(metrics).filter(([k]) => !k.startsWith('reward')));

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('training against a reward service', () => {
  it('gives exactly the run of the in-process reward, retries the failed requests and logs the calls', async () => {
    const local = await record('local');
    const reward = { url, maxInFlight: 2, maxBatchSize: 16, retries: 3, backoffMs: 5 };
    const remote = await record('remote', { reward });
    expect(remote.differing).toBe(0);
    expect(remote.iterations.map((e) => withoutReward(e.metrics))).toEqual(local.iterations.map((e) => e.metrics));
    expect(remote.evaluations.map((e) => e.metrics)).toEqual(local.evaluations.map((e) => e.metrics));
    expect(local.iterations.every((e) => !('rewardCalls' in e.metrics))).toBe(true);

    const records = readMetricsLog(join(dir, 'remote'))!.records.filter((r): r is IterationRecord => r.type === 'iteration');
    expect(records.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of records) {
      expect(r).toHaveProperty('rewardCalls');
      expect(r).toHaveProperty('rewardLatencyMeanMs');
      expect(r.rewardLatencyP95Ms as number).toBeGreaterThanOrEqual(r.rewardLatencyMeanMs as number);
    }
    const last = records.at(-1)!;
    const seen = await served();
    // the two failed requests were tried again, and every call the client made is one the service
    // saw: nothing else (the evaluation, the replay, the backward walks) called it
    expect(seen.failed).toBe(2);
    expect(last.rewardRetries).toBe(2);
    expect(last.rewardCalls).toBe(seen.batches + seen.failed);
    // each of the grid's cells was scored at most once, however often the run met it
    expect(seen.states).toBeLessThanOrEqual(CELLS);
    expect((last.rewardCacheHits as number) + (last.rewardCacheMisses as number)).toBeGreaterThan(3 * seen.states);
    expect(last.rewardCacheHits as number).toBeGreaterThan(last.rewardCacheMisses as number);
  });

  it("is awaited by the pipelined trainer's trajectory source, as its sampling thread runs it", async () => {
    const before = await served();
    const container = createRunContainer(config('source', { localSearch: { share: 0 }, replay: { kind: 'none' }, reward: { url } }), registry, 'wasm');
    const forward = container.get(TOKENS.ForwardEstimator);
    const batches = async (env: Environment): Promise<Trajectories[]> => {
      const source = new InThreadTrajectorySource(env, forward, new Rng(11));
      const out: Trajectories[] = [];
      for (let k = 0; k < 3; k++) {
        source.request({ n: 32, exploration: { epsilon: 0, temperature: 1 } }, snapshotParameters(forward, 0));
        out.push((await source.next()).trajectories);
      }
      return out;
    };
    const remote = await batches(container.get(TOKENS.Environment));
    const local = await batches(container.get(TOKENS.EvaluationEnvironment));
    expect(remote.map((t) => [t.actions, t.logRewards])).toEqual(local.map((t) => [t.actions, t.logRewards]));
    // the client of this container has a cache of its own: the service scores again what it scored before
    expect((await served()).states).toBeGreaterThan(before.states);
    expect(container.dispose()).toEqual([]);
  });

  it('with actors, each scores its batches through a client of its own, and the iteration records carry their counters summed', async () => {
    const before = await served();
    const iterations: IterationEvent[] = [];
    const c = config('actors', {
      localSearch: { share: 0 },
      replay: { kind: 'none' },
      evaluation: { every: 0 },
      actors: 2,
      actorSchedule: 'lockstep',
      maxLag: 0,
      reward: { url, cacheSize: 0 },
    });
    await train(c, inThread, { subscribers: [], beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => iterations.push(e)) });
    const after = await served();
    const last = iterations.at(-1)!.metrics;
    // no cache: every terminal state of the 6 batches of 32 was asked for, and the two clients sent
    // what the service received, in as many calls as it answered
    expect(last.rewardCacheHits).toBe(0);
    expect(last.rewardCacheMisses).toBe(6 * 32);
    expect(last.rewardStatesSent).toBe(after.states - before.states);
    expect(last.rewardCalls).toBe(after.batches - before.batches);
    expect(last.rewardLatencyMeanMs).toBeGreaterThan(0);
    expect(last.rewardLatencyP95Ms).toBeGreaterThan(0);
    // the counts grow batch by batch as each actor's newest batch reports them
    const misses = iterations.map((e) => e.metrics.rewardCacheMisses);
    expect(misses).toEqual([32, 64, 96, 128, 160, 192]);
  });

  it('fails, naming the URL, when nobody answers at it', async () => {
    const down = `http://127.0.0.1:${await freePort()}/`;
    const run = train(config('down', { reward: { url: down, retries: 1, backoffMs: 5 } }), registry, { subscribers: ['jsonl'] });
    const message = new RegExp(`^reward service ${down}: reward call 1 \\(\\d+ states\\) failed \\(2 attempts\\): fetch failed \\(connect ECONNREFUSED`);
    const error = await run.then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error?.message).toMatch(message);
    expect(failureContext(error)).toMatchObject({ iteration: 1 });
    const last = readMetricsLog(join(dir, 'down'))!.records.at(-1);
    expect(last).toMatchObject({ type: 'error', iteration: 1 });
    expect((last as { message: string }).message).toMatch(message);
  });
});
