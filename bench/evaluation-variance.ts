/**
 * Statistical noise of the sampled evaluation against its sizes (a benchmark script, not a test):
 * a TB-U policy trained on HyperGrid 4-D H=8 (4,096 states, so P_T is also known exactly), then R
 * sampled evaluations of that one policy for each (test states n, backward samples K): mean and
 * standard deviation over the repetitions of the test and sample correlations and Var(log R − log p̂),
 * beside the exact values (the exact log P_T on the same n test states). What `maxTestStates` and
 * `backwardSamples` trade: precision per evaluation against its cost (n·K backward trajectories).
 *
 *   npx tsx --tsconfig tsconfig.json bench/evaluation-variance.ts [--iterations 300] [--repeats 20]
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { Rng } from '../core/base/rng.js';
import { resolveConfig } from '../core/config/validate.js';
import { TOKENS } from '../core/di/tokens.js';
import type { Enumerable, Environment } from '../core/env/environment.js';
import { ExactTerminatingDistribution } from '../core/evaluation/exact.js';
import { pearson, spearman, varianceOfDifference } from '../core/evaluation/sampled/correlation.js';
import { SAMPLED_EVALUATION_INTERNALS, SampledEvaluator } from '../core/evaluation/sampled/sampled-evaluator.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { UniformBackwardPolicy } from '../core/policy/backward.js';
import { train } from '../core/run/run.js';
import type { Estimator } from '../core/tensor/estimator.js';
import { HyperGrid } from '../envs/hypergrid.js';
import { builtinPlugin } from '../plugins/builtin/index.js';

const opts = new Command()
  .option('--iterations <n>', 'training iterations before the study', '300')
  .option('--repeats <n>', 'evaluations per (n, K)', '20')
  .option('--sizes <list>', 'n:K pairs', '256:10,128:10,64:10,256:5,64:20')
  .parse()
  .opts<{ iterations: string; repeats: string; sizes: string }>();
const envOptions = { ndim: 4, height: 8, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false };
const registry = new PluginRegistry([builtinPlugin]);
const config = resolveConfig(
  {
    seed: 0,
    iterations: Number(opts.iterations),
    batchSize: 16,
    env: { name: 'hypergrid', ...envOptions },
    objective: { name: 'tb', backward: 'uniform', lr: 0.001, lrZ: 0.1 },
    estimator: { name: 'mlp', hidden: [256, 256] },
    evaluation: { mode: 'none' },
  },
  registry,
);
const METRICS = ['testSpearman', 'testPearson', 'testLogRatioVar', 'sampleSpearman', 'samplePearson', 'sampleLogRatioVar', 'testLogPStdErr'] as const;
const lines: string[] = [];

function study(forward: Estimator): void {
  const env = new HyperGrid(envOptions) as Environment & Enumerable & HyperGrid;
  const pT = new ExactTerminatingDistribution(env).compute(forward);
  const exactOn = (states: Int32Array) => {
    const logP = Float64Array.from(env.stateIndex(states), (i) => Math.log(pT[i]!));
    const logR = env.logReward(states);
    return { spearman: spearman(logP, logR), pearson: pearson(logP, logR), logRatioVar: varianceOfDifference(logR, logP) };
  };
  lines.push(`exact, whole test set (${env.testSet().length / env.stateDim} states): ${JSON.stringify(exactOn(env.testSet()))}`);
  lines.push('', '| n | K | backward trajectories | metric | exact on the n states | mean | SD over evaluations |', '|---|---|---|---|---|---|---|');
  for (const pair of opts.sizes.split(',')) {
    const [n, K] = pair.split(':').map(Number) as [number, number];
    const options = { samples: 1000, backwardSamples: K, maxTestStates: n, topK: 100, ...SAMPLED_EVALUATION_INTERNALS };
    const runs: Record<string, number>[] = [];
    let test: Int32Array | undefined;
    for (let r = 0; r < Number(opts.repeats); r++) {
      const evaluator = new SampledEvaluator(env, forward, new UniformBackwardPolicy(env), () => undefined, options, new Rng(1000 + r));
      test ??= (evaluator as unknown as { testStates: Int32Array }).testStates;
      runs.push(evaluator.evaluate().metrics);
    }
    const exact = exactOn(test!);
    for (const m of METRICS) {
      const xs = runs.map((x) => x[m]!);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      const ex = m === 'testSpearman' ? exact.spearman : m === 'testPearson' ? exact.pearson : m === 'testLogRatioVar' ? exact.logRatioVar : NaN;
      lines.push(`| ${n} | ${K} | ${n * K} | ${m} | ${Number.isNaN(ex) ? '–' : ex.toFixed(3)} | ${mean.toFixed(3)} | ${sd.toFixed(3)} |`);
    }
    process.stderr.write(`n ${n} K ${K} done\n`);
  }
}

await train(config, registry, {
  subscribers: [],
  beforeRun: (container, bus) => {
    bus.iteration$.subscribe((e) => e.iteration === config.iterations && study(container.get(TOKENS.ForwardEstimator)));
  },
});
process.stdout.write(`${lines.join('\n')}\n`);
