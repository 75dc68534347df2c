/**
 * Scaling benchmark (not a test): training cost of TB-U on HyperGrid (height 8) against the
 * dimension, and resident memory over a long run. Nothing on the training path may grow with the
 * number of states (8^20 ≈ 1.2e18 at ndim 20), only with batch and trajectory length.
 *
 *   npm run bench:scaling                                   # ndim 2,4,8,12,16,20; 1000-iteration RSS run
 *   npm run bench:scaling -- --dims 2,8 --iterations 20 --long 300
 *
 * Per-iteration time is the median over the iterations after the first few (warm-up); the mean
 * trajectory length is over all trajectories trained on. Evaluation is off (`evaluation.mode:
 * none`): this measures training alone.
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { resolveConfig } from '../core/config/validate.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

const program = new Command()
  .option('--dims <list>', 'comma-separated HyperGrid dimensions', '2,4,8,12,16,20')
  .option('--height <n>', 'HyperGrid height', '8')
  .option('--iterations <n>', 'training iterations per dimension', '30')
  .option('--long <n>', 'iterations of the RSS run (ndim 8); 0 = skip', '1000')
  .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
  .parse();
const opts = program.opts<{ dims: string; height: string; iterations: string; long: string; backend: string }>();
const registry = new PluginRegistry([builtinPlugin]);
const MiB = 1024 * 1024;

function config(ndim: number, iterations: number) {
  return resolveConfig(
    {
      name: 'bench-scaling',
      seed: 0,
      backend: opts.backend,
      iterations,
      batchSize: 16,
      env: { name: 'hypergrid', ndim, height: Number(opts.height), R0: 0.01 },
      objective: { name: 'tb', backward: 'uniform' },
      estimator: { name: 'mlp', hidden: [256, 256] },
      evaluation: { mode: 'none' },
    },
    registry,
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[] = [];
let backendUsed = '';
for (const ndim of opts.dims.split(',').map(Number)) {
  const iterationMs: number[] = [];
  let steps = 0;
  let trajectories = 0;
  let peakRss = 0;
  const { backend } = await train(config(ndim, Number(opts.iterations)), registry, {
    subscribers: [],
    beforeRun: (_c, bus) => {
      bus.trajectories$.subscribe(({ batch }) => {
        steps += batch.nSteps;
        trajectories += batch.nTraj;
      });
      bus.iteration$.subscribe((e) => {
        // iterations are numbered from 1: skip the first 5 (warm-up)
        if (e.iteration > 5) iterationMs.push(e.timings.sampleMs + e.timings.updateMs);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      });
    },
  });
  backendUsed = backend;
  const states = Number(opts.height) ** ndim;
  rows.push(
    `| ${ndim} | ${states.toExponential(1)} | ${(steps / trajectories).toFixed(1)} | ${median(iterationMs).toFixed(1)} | ${(median(iterationMs) / (steps / trajectories)).toFixed(2)} | ${(peakRss / MiB).toFixed(0)} |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
}
process.stdout.write(
  `backend ${backendUsed}; TB-U, batch 16, MLP 2x256, height ${opts.height}, ${opts.iterations} iterations per row (median after 5 warm-up)\n\n` +
    '| ndim | states | mean trajectory length | ms / iteration | ms / iteration / step | peak RSS (MiB) |\n|---|---|---|---|---|---|\n' +
    `${rows.join('\n')}\n`,
);

const long = Number(opts.long);
if (long > 0) {
  const points: string[] = [];
  await train(config(8, long), registry, {
    subscribers: [],
    beforeRun: (_c, bus) =>
      bus.iteration$.subscribe((e) => {
        if (e.iteration % Math.max(1, Math.floor(long / 10)) === 0) {
          points.push(
            `| ${e.iteration} | ${(process.memoryUsage().rss / MiB).toFixed(0)} | ${(process.memoryUsage().heapUsed / MiB).toFixed(0)} | ${tf.memory().numTensors} |`,
          );
        }
      }),
  });
  process.stdout.write(
    `\nRSS over a ${long}-iteration run (ndim 8, height ${opts.height}):\n\n| iteration | RSS (MiB) | JS heap (MiB) | live tensors |\n|---|---|---|---|\n${points.join('\n')}\n`,
  );
}
