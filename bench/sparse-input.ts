/**
 * Sparse inputs: ms per training iteration (sampling + update, evaluation off) with the first
 * layer as a gather over few-hot columns (`estimator.sparseInput`: "auto" on bit sequences, true on
 * HyperGrid, whose 32-wide observation "auto" leaves dense) and as a dense product
 * (`false`), on bit sequences n = 120 (append, k = 8: 3,840 one-hot inputs) and on 2-D HyperGrid
 * H = 16 (the issue's yardstick: bitseq at ≤ 3x HyperGrid's iteration time). TB with uniform P_B,
 * MLP 4x256, batch 16, seed 0, the MLPs' passes where `--engine` says. The settings run in turns,
 * `--rounds` times, so that both variants see the same load.
 *
 *   npx tsx --tsconfig tsconfig.json bench/sparse-input.ts
 *   npx tsx --tsconfig tsconfig.json bench/sparse-input.ts --iterations 200 --rounds 3 --engine backend
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { resolveConfig } from '../core/config/validate.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import { selectBackend } from '../core/tensor/backend.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

const BITSEQ = { name: 'bitseq', ndim: 120, codebook: 'words', nModes: 60, wordBits: 8, variant: 'append', alpha: 1 / 60, modeRadius: 28, seed: 0 };
const HYPERGRID = { name: 'hypergrid', ndim: 2, height: 16, R0: 0.01 };
const SETTINGS: Record<string, { env: Record<string, unknown>; sparseInput: boolean | 'auto' }> = {
  'bitseq-dense': { env: BITSEQ, sparseInput: false },
  'bitseq-sparse': { env: BITSEQ, sparseInput: 'auto' },
  'hypergrid-dense': { env: HYPERGRID, sparseInput: false },
  'hypergrid-sparse': { env: HYPERGRID, sparseInput: true },
};

const opts = new Command()
  .option('--iterations <n>', 'measured iterations per run', '100')
  .option('--warmup <n>', 'iterations before measuring', '10')
  .option('--rounds <n>', 'times each setting runs, in turns', '2')
  .option('--engine <name>', 'engine.name: auto | backend | onnxruntime', 'auto')
  .option('--only <ids>', `comma-separated settings (${Object.keys(SETTINGS).join(', ')})`)
  .parse()
  .opts<{ iterations: string; warmup: string; rounds: string; engine: string; only?: string }>();
const ids = opts.only ? opts.only.split(',') : Object.keys(SETTINGS);
for (const id of ids) if (!SETTINGS[id]) throw new Error(`--only: unknown setting '${id}'; valid: ${Object.keys(SETTINGS).join(', ')}`);

const registry = new PluginRegistry([builtinPlugin]);
const backend = await selectBackend('auto', registry.tensorHost);
const warmup = Number(opts.warmup);
const measured = Number(opts.iterations);

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Mean wall and process-CPU ms per iteration after the warm-up. */
async function msPerIteration(id: string): Promise<{ wall: number; cpu: number }> {
  const s = SETTINGS[id]!;
  const config = resolveConfig(
    {
      name: `bench-sparse-${id}`,
      seed: 0,
      backend,
      engine: { name: opts.engine },
      iterations: warmup + measured,
      batchSize: 16,
      env: s.env,
      objective: { name: 'tb', backward: 'uniform', lr: 0.001, lrZ: 0.1 },
      estimator: { name: 'mlp', hidden: [256, 256, 256, 256], sparseInput: s.sparseInput },
      evaluation: { mode: 'none' },
    },
    registry,
  );
  let start = { wall: 0, cpu: 0 };
  let end = start;
  await train(config, registry, {
    subscribers: [],
    beforeRun: (_c, bus) =>
      void bus.iteration$.subscribe(({ iteration }) => {
        const mark = { wall: performance.now(), cpu: cpuMs() };
        if (iteration === warmup) start = mark;
        end = mark;
      }),
  });
  return { wall: (end.wall - start.wall) / measured, cpu: (end.cpu - start.cpu) / measured };
}

const results = new Map<string, Array<{ wall: number; cpu: number }>>(ids.map((id) => [id, []]));
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const id of round % 2 === 0 ? ids : [...ids].reverse()) {
    const ms = await msPerIteration(id);
    results.get(id)!.push(ms);
    process.stdout.write(`round ${round + 1} ${id.padEnd(17)} ${ms.wall.toFixed(1)} ms/it, CPU ${ms.cpu.toFixed(1)} ms/it\n`);
  }
}
process.stdout.write(
  `\nbackend ${backend}, engine ${opts.engine}, ${measured} iterations after ${warmup}, mean of ${opts.rounds} rounds (wall; process CPU):\n`,
);
const mean = (id: string, key: 'wall' | 'cpu'): number => results.get(id)!.reduce((a, b) => a + b[key], 0) / results.get(id)!.length;
for (const id of ids) {
  const all = results
    .get(id)!
    .map((v) => v.wall.toFixed(1))
    .join(', ');
  process.stdout.write(`${id.padEnd(17)} ${mean(id, 'wall').toFixed(1)} ms/it (${all}); CPU ${mean(id, 'cpu').toFixed(1)} ms/it\n`);
}
const ratio = (a: string, b: string): void => {
  if (results.has(a) && results.has(b))
    process.stdout.write(`${a} / ${b}: ${(mean(a, 'wall') / mean(b, 'wall')).toFixed(2)}x wall, ${(mean(a, 'cpu') / mean(b, 'cpu')).toFixed(2)}x CPU\n`);
};
ratio('bitseq-dense', 'bitseq-sparse');
ratio('bitseq-sparse', 'hypergrid-sparse');
ratio('bitseq-sparse', 'hypergrid-dense');
