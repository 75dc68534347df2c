/**
 * Side-by-side comparison of objectives on one HyperGrid, in-process and sequential:
 * final exact TV / JSD / |log Ẑ − log Z| (mean ± std over seeds) and iterations/s.
 *
 *   npm run bench:compare -- --height 16 --iterations 1000 --seeds 0,1,2 --objectives tb-u,rl-u,rl-b,rl-g,rl-t
 *
 * Settings follow the paper's small-grid runs: 2-D, R0 = 0.01, batch 16, MLP 4x256, lr 1e-3,
 * lr_Z 0.1, lr_V 5e-3, λ 0.99. Runs write nothing; the table goes to stdout.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { resolveConfig } from '../core/config/validate.js';
import type { EvaluationEvent } from '../core/events/bus.js';
import { PluginRegistry } from '../core/plugin.js';
import { train } from '../core/training/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

const OBJECTIVES: Record<string, Record<string, unknown>> = {
  'tb-u': { name: 'tb', backward: 'uniform' },
  'tb-b': { name: 'tb', backward: 'learned' },
  'db-u': { name: 'db', backward: 'uniform' },
  'db-b': { name: 'db', backward: 'learned' },
  'subtb-u': { name: 'subtb', backward: 'uniform' },
  'subtb-b': { name: 'subtb', backward: 'learned' },
  fm: { name: 'fm' },
  'rl-u': { name: 'rl', backward: 'uniform' },
  'rl-b': { name: 'rl', backward: 'coupled' },
  'rl-g': { name: 'rl', backward: 'guided' },
  'rl-t': { name: 'rl', backward: 'coupled', optimizer: 'trpo' },
};

const opts = new Command()
  .option('--height <n>', 'grid height', '16')
  .option('--iterations <n>', 'iterations per run', '1000')
  .option('--seeds <list>', 'comma-separated seeds', '0,1,2')
  .option('--objectives <list>', `comma-separated, from ${Object.keys(OBJECTIVES).join(', ')}`, 'tb-u,rl-u,rl-b,rl-g,rl-t')
  .option('--batch <n>', 'trajectories per iteration', '16')
  .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
  .parse()
  .opts<{ height: string; iterations: string; seeds: string; objectives: string; batch: string; backend: string }>();

const registry = new PluginRegistry([builtinPlugin]);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const fmt = (xs: number[], d = 4): string => `${mean(xs).toFixed(d)} ± ${std(xs).toFixed(d)}`;

const lines = [
  `2-D HyperGrid H=${opts.height} R0=0.01, batch ${opts.batch}, MLP 4x256, ${opts.iterations} iterations, seeds ${opts.seeds}`,
  '',
  '| objective | TV | JSD | abs(log Ẑ − log Z) | it/s | per-seed TV |',
  '|---|---|---|---|---|---|',
];
for (const label of opts.objectives.split(',')) {
  const objective = OBJECTIVES[label];
  if (!objective) throw new Error(`unknown objective '${label}'; valid: ${Object.keys(OBJECTIVES).join(', ')}`);
  const results: Array<{ ev: EvaluationEvent; itPerS: number }> = [];
  for (const seed of opts.seeds.split(',').map(Number)) {
    const config = resolveConfig(
      {
        name: `compare-${label}-${seed}`,
        seed,
        backend: opts.backend,
        iterations: Number(opts.iterations),
        batchSize: Number(opts.batch),
        env: { name: 'hypergrid', ndim: 2, height: Number(opts.height), R0: 0.01 },
        objective: { ...objective, lr: 1e-3, ...(objective.name === 'tb' || objective.name === 'rl' ? { lrZ: 0.1 } : {}), ...(objective.name === 'rl' ? { lrV: 5e-3, lambda: 0.99 } : {}) },
        estimator: { name: 'mlp', hidden: [256, 256, 256, 256] },
        evaluation: { every: 0 },
      },
      registry,
    );
    let last: EvaluationEvent | undefined;
    const { finished } = await train(config, registry, { subscribers: ['exact-evaluator'], beforeRun: (_c, bus) => bus.evaluation$.subscribe((e) => (last = e)) });
    results.push({ ev: last!, itPerS: finished.iterations / (finished.elapsedMs / 1000) });
    const ev = last!.metrics;
    process.stderr.write(`${label} seed ${seed}: TV ${ev.tv!.toFixed(4)}, JSD ${ev.jsd!.toFixed(5)}, logZError ${(ev.logZError ?? Number.NaN).toFixed(4)}, ${results.at(-1)!.itPerS.toFixed(1)} it/s\n`);
  }
  const m = (k: string): number[] => results.map((r) => r.ev.metrics[k] ?? Number.NaN);
  lines.push(`| ${label.toUpperCase()} | ${fmt(m('tv'))} | ${fmt(m('jsd'))} | ${fmt(m('logZError'))} | ${mean(results.map((r) => r.itPerS)).toFixed(1)} | ${m('tv').map((v) => v.toFixed(3)).join(', ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
