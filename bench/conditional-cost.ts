/**
 * CPU time per training iteration of conditional TB on the 2-D HyperGrid (H = 8, the race's
 * settings: batch 16, MLP 128x128, β ~ log-uniform[0.5, 4]) under each condition encoding and
 * engine, no evaluation: what FiLM's networks, which run on the tensor backend, cost against the
 * others. The variants are interleaved, `--repeats` rounds, so that a change in the machine's load
 * reaches all of them (a first, uncounted round warms the process up); prints each variant's median.
 *
 *   npx tsx --tsconfig tsconfig.json bench/conditional-cost.ts [--iterations 300] [--repeats 3]
 */
import { parseArgs } from 'node:util';
import { resolveConfig } from '../core/config/validate.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '300' }, repeats: { type: 'string', default: '3' } } });
const iterations = Number(values.iterations);
const registry = new PluginRegistry([builtinPlugin]);
const VARIANTS = [
  ['film', 'backend'],
  ['concat', 'backend'],
  ['concat', 'auto'],
  ['product', 'backend'],
  ['product', 'auto'],
] as const;

/** CPU milliseconds (user + system) per iteration of one run, from its first iteration's start. */
async function cpuPerIteration(encoding: string, engine: string): Promise<{ ms: number; backend: string }> {
  const config = resolveConfig(
    {
      name: `cost-${encoding}-${engine}`,
      seed: 0,
      iterations,
      batchSize: 16,
      env: { name: 'hypergrid', ndim: 2, height: 8 },
      objective: { name: 'tb', lr: 1e-3, lrZ: 0.1, logRewardClip: -20 },
      estimator: { name: 'mlp', hidden: [128, 128] },
      engine: { name: engine },
      condition: { beta: { distribution: 'log-uniform', min: 0.5, max: 4 }, encoding },
      checkpoint: { every: 0 },
      logging: { dir: 'runs/bench-conditional-cost', progress: 'none' },
    },
    registry,
  );
  let start: NodeJS.CpuUsage | undefined;
  const { backend } = await train(config, registry, {
    subscribers: [],
    beforeRun: (_container, bus) => bus.runStarted$.subscribe(() => (start = process.cpuUsage())),
  });
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000 / iterations, backend };
}

const times = new Map<string, number[]>(VARIANTS.map(([e, g]) => [`${e} ${g}`, []]));
let backend = '';
// round 0 warms the process up (compilation, the engines' start) and is not counted
for (let r = 0; r <= Number(values.repeats); r++) {
  for (const [encoding, engine] of VARIANTS) {
    const run = await cpuPerIteration(encoding, engine);
    backend = run.backend;
    if (r > 0) times.get(`${encoding} ${engine}`)!.push(run.ms);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times.get('concat backend')!);
console.log(`backend ${backend}, ${iterations} iterations a run, CPU ms (user + system) per iteration, median of ${values.repeats}\n`);
console.log('| encoding | engine | CPU ms / iteration | runs | vs concat on the backend |\n|---|---|---|---|---|');
for (const [key, xs] of times) {
  const [encoding, engine] = key.split(' ');
  console.log(`| ${encoding} | ${engine} | ${median(xs).toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(', ')} | ${(median(xs) / base).toFixed(2)} |`);
}
