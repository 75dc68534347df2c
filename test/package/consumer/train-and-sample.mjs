// Runs inside a fresh project where gflownet-ts is installed from its tarball: plain Node, no
// TypeScript tooling. Trains a tiny HyperGrid run through the library API, loads the saved
// checkpoint with loadSampler, samples, and prints what the packaging test checks as one JSON line.
import { existsSync } from 'node:fs';
import { builtinPlugin, loadSampler, PluginRegistry, resolveConfig, train } from 'gflownet-ts';

const registry = new PluginRegistry([builtinPlugin]);
const config = resolveConfig(
  {
    name: 'tiny',
    seed: 0,
    backend: 'wasm',
    iterations: 200,
    batchSize: 16,
    env: { name: 'hypergrid', ndim: 2, height: 4, R0: 0.1 },
    objective: { name: 'tb', lr: 0.01 },
    estimator: { name: 'mlp', hidden: [32, 32] },
    evaluation: { every: 20 },
    logging: { dir: 'runs', progress: 'none' },
    checkpoint: { every: 0 },
  },
  registry,
);
const tvs = [];
const { finished } = await train(config, registry, { beforeRun: (_c, bus) => bus.evaluation$.subscribe((e) => tvs.push(e.metrics.tv)) });

const sampler = await loadSampler('runs/tiny', { seed: 1 });
const { states, logRewards, stateDim } = sampler.sample(500);
const recomputed = sampler.env.logReward(states);
sampler.dispose();

// a data-backed environment reads the data files shipped in the package
const tfbind8 = builtinPlugin.envs.find((e) => e.name === 'tfbind8').create({ exponent: 3 }, { get: () => undefined });

console.log(
  JSON.stringify({
    iterations: finished.iterations,
    firstTv: tvs[0],
    finalTv: finished.lastEvaluation.metrics.tv,
    checkpointSaved: existsSync('runs/tiny/checkpoint.json'),
    samples: logRewards.length,
    stateDim,
    statesInGrid: states.every((v) => v >= 0 && v < 4),
    logRewardsMatch: logRewards.every((v, i) => v === recomputed[i]),
    tfbind8LogZ: tfbind8.logPartition(),
  }),
);
