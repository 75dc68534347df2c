/**
 * Sampling actors: trajectories per second the learner trains on with `actors` 0 (it samples for
 * itself), 1, 2, … worker threads (schedule async by default, maxLag 8), on HyperGrid 2-D H = 16 TB-U, batch
 * 16, MLP 4x256, measured interleaved in one sitting (0, 1, 2, 0, 1, 2, …) so that a change of the
 * machine's load hits every count alike. Per run: trained trajectories per second after the warm-up
 * iterations (the threads' start-up excluded), each actor's rate over the whole run, the batches
 * dropped, the staleness histogram, wall and CPU seconds of the measured part (CPU of the whole
 * process: every thread), and the 1-minute load average when it started.
 *
 *   npm run bench:actors                                  # actors 0,1,2, 2 rounds
 *   npm run bench:actors -- --actors 0,1,2,4 --rounds 3 --iterations 400 --json out.json
 *   npm run bench:actors -- --actors 0,1 --schedule lockstep --max-lag 2   # one actor two batches ahead
 *   npm run bench:actors -- --actors 1,2,4,8 --reward-latency 20           # a reward service, 20 ms per object
 *   npm run bench:actors -- --actors 1,2,4,8 --reward-latency 20 --queue redis://127.0.0.1:6390   # gfn actor processes
 *
 * With `--queue <url>` (a redis-server you started) the actors are `gfn actor` processes meeting the
 * learner there (docs/actors.md, "Across processes"), one per actor, started for each run and ended
 * by it; the warm-up iterations cover their start-up.
 *
 * With `--reward-latency <ms>` every terminal state is scored by the example reward service
 * (examples/reward-service, a child process on a free loopback port) answering each call after that
 * many milliseconds per state, uncached (`reward.cacheSize` 0: a cache would soon hold all 256
 * cells), so that the reward, not the network, bounds what one actor can sample.
 *
 * Evaluation is off (no subscribers): the figures are sampling + update.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { resolveConfig } from '../core/config/validate.js';
import type { ActorStats } from '../core/sampling/actor-stats.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { type RunningService, startRewardService } from '../examples/reward-service/start.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { redisActorHost } from '../plugins/node/redis-actors/redis-actor-link.js';

const CONFIG = {
  batchSize: 16,
  env: { name: 'hypergrid', ndim: 2, height: 16, R0: 0.01 },
  objective: { name: 'tb', backward: 'uniform' },
  estimator: { name: 'mlp', hidden: [256, 256, 256, 256] },
};

const opts = new Command()
  .option('--actors <counts>', 'comma-separated actor counts', '0,1,2')
  .option('--rounds <n>', 'runs per count', '2')
  .option('--iterations <n>', 'measured iterations per run', '300')
  .option('--warmup <n>', 'iterations before the measurement starts', '30')
  .option('--max-lag <n>', 'maxLag of the actors', '8')
  .option('--schedule <name>', 'actorSchedule: async or lockstep', 'async')
  .option('--reward-latency <ms>', 'score terminal states by the example reward service, this many ms per state, uncached')
  .option('--queue <url>', 'actors as gfn actor processes over the redis-server at this URL')
  .option('--json <file>', 'also write the runs as JSON')
  .parse()
  .opts<{
    actors: string;
    rounds: string;
    iterations: string;
    warmup: string;
    maxLag: string;
    schedule: string;
    rewardLatency?: string;
    queue?: string;
    json?: string;
  }>();

const counts = opts.actors.split(',').map((s) => Number(s.trim()));
if (opts.schedule !== 'async' && opts.schedule !== 'lockstep') throw new Error(`--schedule: ${JSON.stringify(opts.schedule)}; valid choices: async, lockstep`);
for (const n of counts) if (!Number.isInteger(n) || n < 0) throw new Error(`--actors: ${JSON.stringify(opts.actors)} must list integers ≥ 0`);
const rewardLatency = opts.rewardLatency === undefined ? undefined : Number(opts.rewardLatency);
if (rewardLatency !== undefined && !(rewardLatency >= 0)) throw new Error(`--reward-latency: ${JSON.stringify(opts.rewardLatency)} must be a number of ms ≥ 0`);
const warmup = Number(opts.warmup);
const iterations = warmup + Number(opts.iterations);

/** The plugins of one run: the built-in ones, with `gfn actor` processes as the actors under `--queue` (run id `run`). */
function registryFor(run: string): PluginRegistry {
  const registry = new PluginRegistry([builtinPlugin]);
  if (opts.queue) registry.trajectoryWorker = redisActorHost({ url: opts.queue, run, log: (line) => void process.stderr.write(`${line}\n`) });
  return registry;
}

/** Under `--queue`: `count` gfn actor processes for run `run` (each exits when the run ends). */
function startActorProcesses(count: number, run: string): ChildProcess[] {
  if (!opts.queue) return [];
  const gfn = new URL('../bin/gfn.js', import.meta.url).pathname;
  return Array.from({ length: count }, () =>
    spawn(process.execPath, [gfn, 'actor', '--queue', opts.queue!, '--run', run], { stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}

interface Measured {
  actors: number;
  round: number;
  trajectoriesPerSecond: number;
  wallSeconds: number;
  cpuSeconds: number;
  load1: number;
  /** The actors' counts at the end (none with actors 0). */
  stats?: ActorStats;
}

/** One run with `actors` actors, timed from the end of its warm-up iterations to its end. */
async function measure(actors: number, round: number): Promise<Measured> {
  const run = `bench-actors-${actors}-${round}-${process.pid}`;
  const registry = registryFor(run);
  const config = resolveConfig(
    {
      ...CONFIG,
      name: `bench-actors-${actors}`,
      seed: 0,
      iterations,
      actors,
      maxLag: Number(opts.maxLag),
      actorSchedule: opts.schedule,
      logging: { progress: 'none', dir: 'runs/bench-actors' },
      ...(service ? { reward: { url: service.url, cacheSize: 0 } } : {}),
    },
    registry,
  );
  const load1 = loadavg()[0]!;
  const processes = actors > 0 ? startActorProcesses(actors, run) : [];
  let start = { wall: 0, cpu: process.cpuUsage(), trajectories: 0 };
  let end = { wall: 0, cpu: process.cpuUsage(), trajectories: 0 };
  let stats: ActorStats | undefined;
  await train(config, registry, {
    subscribers: [],
    beforeRun: (_c, bus) =>
      bus.iteration$.subscribe((e) => {
        const mark = { wall: performance.now(), cpu: process.cpuUsage(), trajectories: e.trajectoriesSeen };
        if (e.iteration === warmup) start = mark;
        if (e.iteration === iterations) end = mark;
        stats = e.actors;
      }),
  });
  await Promise.all(processes.map((p) => (p.exitCode === null ? once(p, 'exit') : undefined)));
  const wallSeconds = (end.wall - start.wall) / 1000;
  // the process's CPU time (every thread) between the two marks
  const cpuSeconds = (end.cpu.user + end.cpu.system - start.cpu.user - start.cpu.system) / 1e6;
  return {
    actors,
    round,
    trajectoriesPerSecond: (end.trajectories - start.trajectories) / wallSeconds,
    wallSeconds,
    cpuSeconds,
    load1,
    ...(stats ? { stats } : {}),
  };
}

const row = (m: Measured): string => {
  const s = m.stats;
  const perActor = s ? s.trajectoriesPerSecond.map((r) => r.toFixed(0)).join('/') : '-';
  const actorPart = s
    ? `${perActor.padStart(12)} ${String(s.droppedBatches).padStart(7)}  [${s.staleness.join(', ')}]`
    : `${'-'.padStart(12)} ${'-'.padStart(7)}  -`;
  return `${String(m.actors).padStart(6)} ${String(m.round).padStart(5)} ${m.trajectoriesPerSecond.toFixed(0).padStart(8)} ${m.wallSeconds.toFixed(2).padStart(7)} ${m.cpuSeconds.toFixed(2).padStart(7)} ${(m.cpuSeconds / m.wallSeconds).toFixed(2).padStart(8)} ${m.load1.toFixed(2).padStart(6)} ${actorPart}`;
};

const service: RunningService | undefined =
  rewardLatency === undefined ? undefined : await startRewardService({ env: CONFIG.env, latencyPerObjectMs: rewardLatency });
if (opts.queue) process.stdout.write(`actors: gfn actor processes over ${opts.queue}\n`);
if (service) process.stdout.write(`reward service ${service.url}: ${rewardLatency} ms per state, uncached\n`);
const runs: Measured[] = [];
process.stdout.write('actors round   traj/s  wall s   CPU s  CPU/wall  load1  actor traj/s dropped  staleness (batches per lag)\n');
for (let round = 1; round <= Number(opts.rounds); round++) {
  for (const actors of counts) {
    const m = await measure(actors, round);
    runs.push(m);
    process.stdout.write(`${row(m)}\n`);
  }
}
const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
const base = mean(runs.filter((r) => r.actors === counts[0]).map((r) => r.trajectoriesPerSecond));
process.stdout.write(`\ntrajectories per second trained on, mean over rounds, against actors ${counts[0]}:\n`);
for (const actors of counts) {
  const m = mean(runs.filter((r) => r.actors === actors).map((r) => r.trajectoriesPerSecond));
  process.stdout.write(`actors ${actors}: ${m.toFixed(0)} traj/s (${(m / base).toFixed(2)}x)\n`);
}
await service?.stop();
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(runs, null, 2)}\n`);
