/**
 * Both cores: trajectories per second of the pipelined trainer (`pipeline: true`, the next batch
 * sampled in a worker thread during the update) against the sequential one, on the same configs,
 * measured interleaved in one sitting (sequential, pipelined, sequential, pipelined, …) so that a
 * change of the machine's load hits both alike. Per run: trajectories per second after the warm-up
 * iterations (the thread's start-up excluded), wall and CPU seconds of the measured part (CPU of
 * the whole process: both threads), and the 1-minute load average when it started.
 *
 *   npm run bench:pipeline                                  # every setting, 2 rounds
 *   npm run bench:pipeline -- --only hypergrid-tb-u --rounds 3 --iterations 400
 *   npm run bench:pipeline -- --json out.json
 *
 * Evaluation is off (no subscribers): the figures are sampling + update. The CPU/wall column says
 * whether the pipelined runs had two cores: above 1 they did; at or below 1 their two threads
 * time-shared one (a busy machine), and the figure says nothing about the speed-up on idle cores.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { resolveConfig } from '../core/config/validate.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

interface Setting {
  label: string;
  config: Record<string, unknown>;
  iterations: number;
  warmup: number;
}

const MLP_4x256 = { name: 'mlp', hidden: [256, 256, 256, 256] };
const RL_U = { name: 'rl', backward: 'uniform', lr: 0.001, lrZ: 0.1, lrV: 0.005, lambda: 0.99, value: { hidden: [256, 256] } };
const grid = (objective: Record<string, unknown>): Record<string, unknown> => ({
  batchSize: 16,
  env: { name: 'hypergrid', ndim: 2, height: 16, R0: 0.01 },
  objective,
  estimator: MLP_4x256,
});
const shipped = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

const SETTINGS: Record<string, Setting> = {
  'hypergrid-tb-u': { label: 'HyperGrid 2-D H=16, TB-U, batch 16, 4x256', config: grid({ name: 'tb', backward: 'uniform' }), iterations: 300, warmup: 30 },
  'hypergrid-rl-u': { label: 'HyperGrid 2-D H=16, RL-U, batch 16, 4x256', config: grid(RL_U), iterations: 300, warmup: 30 },
  'bitseq-tb-u': {
    label: 'bitseq n=120 append, TB-U, batch 16, 4x256',
    config: shipped('configs/scale/bitseq120-append-tb-u.json'),
    iterations: 60,
    warmup: 8,
  },
  'bitseq-rl-u': {
    label: 'bitseq n=120 append, RL-U, batch 16, 4x256',
    config: shipped('configs/scale/bitseq120-append-rl-u.json'),
    iterations: 60,
    warmup: 8,
  },
};

const opts = new Command()
  .option('--only <ids>', `comma-separated settings (${Object.keys(SETTINGS).join(', ')})`)
  .option('--rounds <n>', 'sequential + pipelined pairs per setting', '2')
  .option('--iterations <n>', 'measured iterations per run (default: per setting)')
  .option('--json <file>', 'also write the runs as JSON')
  .parse()
  .opts<{ only?: string; rounds: string; iterations?: string; json?: string }>();

const ids = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(SETTINGS);
for (const id of ids) if (!SETTINGS[id]) throw new Error(`--only: unknown setting '${id}'; valid: ${Object.keys(SETTINGS).join(', ')}`);
const registry = new PluginRegistry([builtinPlugin]);

interface Measured {
  setting: string;
  pipeline: boolean;
  round: number;
  trajectoriesPerSecond: number;
  wallSeconds: number;
  cpuSeconds: number;
  load1: number;
}

/** One run of `s`, timed from the end of its warm-up iterations to its end. */
async function measure(id: string, s: Setting, pipeline: boolean, round: number): Promise<Measured> {
  const iterations = s.warmup + (opts.iterations ? Number(opts.iterations) : s.iterations);
  const config = resolveConfig(
    { ...s.config, name: `bench-pipeline-${id}`, seed: 0, iterations, pipeline, logging: { progress: 'none', dir: 'runs/bench-pipeline' } },
    registry,
  );
  const load1 = loadavg()[0]!;
  let start = { wall: 0, cpu: process.cpuUsage(), trajectories: 0 };
  let end = { wall: 0, cpu: process.cpuUsage(), trajectories: 0 };
  await train(config, registry, {
    subscribers: [],
    beforeRun: (_c, bus) =>
      bus.iteration$.subscribe((e) => {
        const mark = { wall: performance.now(), cpu: process.cpuUsage(), trajectories: e.trajectoriesSeen };
        if (e.iteration === s.warmup) start = mark;
        if (e.iteration === iterations) end = mark;
      }),
  });
  const wallSeconds = (end.wall - start.wall) / 1000;
  // the process's CPU time (every thread) between the two marks
  const cpuSeconds = (end.cpu.user + end.cpu.system - start.cpu.user - start.cpu.system) / 1e6;
  return { setting: id, pipeline, round, trajectoriesPerSecond: (end.trajectories - start.trajectories) / wallSeconds, wallSeconds, cpuSeconds, load1 };
}

const runs: Measured[] = [];
const row = (m: Measured): string =>
  `${m.setting.padEnd(16)} ${String(m.round).padStart(5)} ${(m.pipeline ? 'pipelined' : 'sequential').padEnd(11)} ${m.trajectoriesPerSecond.toFixed(0).padStart(8)} ${m.wallSeconds.toFixed(2).padStart(7)} ${m.cpuSeconds.toFixed(2).padStart(7)} ${(m.cpuSeconds / m.wallSeconds).toFixed(2).padStart(8)} ${m.load1.toFixed(2).padStart(6)}`;
process.stdout.write(`${'setting'.padEnd(16)} round mode        traj/s  wall s   CPU s  CPU/wall  load1\n`);
for (const id of ids) {
  const s = SETTINGS[id]!;
  for (let round = 1; round <= Number(opts.rounds); round++) {
    for (const pipeline of [false, true]) {
      const m = await measure(id, s, pipeline, round);
      runs.push(m);
      process.stdout.write(`${row(m)}\n`);
    }
  }
}
process.stdout.write('\nspeed-up (pipelined / sequential trajectories per second, per round, and of the means):\n');
for (const id of ids) {
  const of = (pipeline: boolean) => runs.filter((r) => r.setting === id && r.pipeline === pipeline).map((r) => r.trajectoriesPerSecond);
  const [seq, pipe] = [of(false), of(true)];
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const perRound = pipe.map((p, i) => (p / seq[i]!).toFixed(2)).join(', ');
  process.stdout.write(`${SETTINGS[id]!.label.padEnd(46)} ${perRound}; of the means ${(mean(pipe) / mean(seq)).toFixed(2)}x\n`);
}
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(runs, null, 2)}\n`);
