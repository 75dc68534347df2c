/**
 * Speed benchmark: training iterations/s and sampled trajectories/s of TB-U on 2-D HyperGrid
 * (R0 = 0.01) for H ∈ {16, 64}, batch ∈ {16, 128}, MLP 2x256 and 4x256, on the chosen backend.
 *
 *   npm run bench:speed                         # all 8 settings, 200 iterations each
 *   npm run bench:speed -- --iterations 100 --backend cpu
 *
 * Iterations/s is measured over a whole training run (trajectories get longer as the policy
 * learns, so early iterations are cheaper than late ones); sampling throughput is measured
 * separately on the trained policy.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { resolveConfig } from '../core/config/validate.js';
import { TOKENS } from '../core/di/tokens.js';
import type { EvaluationEvent } from '../core/events/bus.js';
import { PluginRegistry } from '../core/plugin.js';
import type { Sampler } from '../core/sampling/sampler.js';
import { train } from '../core/training/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

const program = new Command()
  .option('--iterations <n>', 'training iterations per setting', '200')
  .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
  .option('--heights <list>', 'comma-separated grid heights', '16,64')
  .option('--batches <list>', 'comma-separated batch sizes', '16,128')
  .option('--depths <list>', 'comma-separated numbers of 256-wide hidden layers', '2,4')
  .parse();
const opts = program.opts<{ iterations: string; backend: string; heights: string; batches: string; depths: string }>();
const list = (s: string): number[] => s.split(',').map(Number);

const registry = new PluginRegistry([builtinPlugin]);
const rows: string[] = [];
let backendUsed = '';
let sampleRate = 0;
for (const height of list(opts.heights)) {
  for (const batchSize of list(opts.batches)) {
    for (const depth of list(opts.depths)) {
      const config = resolveConfig(
        {
          name: 'bench-speed',
          seed: 0,
          backend: opts.backend,
          iterations: Number(opts.iterations),
          batchSize,
          env: { name: 'hypergrid', ndim: 2, height, R0: 0.01 },
          objective: { name: 'tb', backward: 'uniform' },
          estimator: { name: 'mlp', hidden: Array(depth).fill(256) },
          evaluation: { every: 0 },
        },
        registry,
      );
      let sampler: Sampler | undefined;
      let lastEval: EvaluationEvent | undefined;
      let sampleMs = 0;
      const { backend, finished } = await train(config, registry, {
        subscribers: ['evaluator'],
        beforeRun: (container, bus) => {
          sampler = container.get<Sampler>(TOKENS.Sampler);
          bus.iteration$.subscribe((e) => (sampleMs += e.timings.sampleMs));
          bus.evaluation$.subscribe((e) => (lastEval = e));
          bus.runFinished$.subscribe(() => {
            // sampling throughput of the trained policy, before the run's tensors are freed
            const t0 = performance.now();
            let n = 0;
            while (performance.now() - t0 < 2000) n += sampler!.sampleForward(batchSize).nTraj;
            sampleRate = n / ((performance.now() - t0) / 1000);
          });
        },
      });
      backendUsed = backend;
      const itPerS = finished.iterations / (finished.elapsedMs / 1000);
      rows.push(
        `| ${height} | ${batchSize} | ${depth}x256 | ${itPerS.toFixed(1)} | ${(finished.elapsedMs / finished.iterations).toFixed(1)} | ${((100 * sampleMs) / finished.elapsedMs).toFixed(0)}% | ${sampleRate.toFixed(0)} | ${lastEval?.metrics.tv?.toFixed(3) ?? '-'} |`,
      );
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    }
  }
}
process.stdout.write(
  [
    `TB-U on 2-D HyperGrid R0=0.01, ${opts.iterations} iterations per setting, backend ${backendUsed}`,
    '',
    '| H | batch | MLP | train it/s | ms/it | share sampling | sampled traj/s (trained policy) | TV at end |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
