/**
 * The references a DAG-GFlowNet result needs (not a test): on the synthetic data of an env config,
 * the empty graph, the true graph, and structure MCMC (MC³, `envs/dag/structure-mcmc.ts`) run for
 * the same number of local BGe scores as a GFlowNet run asked for; each with its expected SHD,
 * edge AUROC and mean log R.
 *
 *   npx tsx --tsconfig tsconfig.json bench/dag-baselines.ts --run runs/literature-dag10-mdb
 *   npx tsx --tsconfig tsconfig.json bench/dag-baselines.ts --d 10 --seed 0 --local-scores 2000000
 *
 * With `--run`, the data settings come from the run's saved config and the budget from the last
 * evaluation's `localScoreCalls` (training and evaluation together: generous to MCMC). The chain
 * starts from the empty graph; the first half of its kept states is discarded as burn-in.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { BgeScore } from '../envs/dag/bge.js';
import { syntheticDagData } from '../envs/dag/data.js';
import { structureMcmc } from '../envs/dag/structure-mcmc.js';
import { structureMetrics } from '../envs/dag/structure-metrics.js';
import { configPath } from '../run-folder/paths.js';
import { readMetricsLog } from '../run-folder/metrics-reader.js';
import { recordMetrics } from '../run-folder/records.js';

const program = new Command()
  .option('--run <dir>', 'a DAG run folder: data settings from its config, budget from its last evaluation')
  .option('--d <n>', 'number of variables', '10')
  .option('--seed <n>', 'data seed', '0')
  .option('--samples <n>', 'observations', '100')
  .option('--noise-std <x>', 'noise standard deviation', '0.1')
  .option('--local-scores <n>', "MCMC budget in local scores (default: the run's)")
  .option('--thin <n>', 'keep one state every thin proposals', '10')
  .option('--chain-seed <n>', 'seed of the chain', '0')
  .parse();
const o = program.opts<Record<string, string | undefined>>();

let env = { d: Number(o.d), seed: Number(o.seed), samples: Number(o.samples), noiseStd: Number(o.noiseStd) };
let budget = o.localScores === undefined ? NaN : Number(o.localScores);
let gfn: Record<string, number> | undefined;
if (o.run) {
  const config = JSON.parse(readFileSync(configPath(o.run), 'utf8')) as { env: typeof env & { name: string } };
  if (config.env.name !== 'dag') throw new Error(`--run ${o.run}: env.name is '${config.env.name}', not 'dag'`);
  env = { d: config.env.d, seed: config.env.seed, samples: config.env.samples, noiseStd: config.env.noiseStd };
  const last = readMetricsLog(o.run)
    ?.records.filter((r) => r.type === 'evaluation')
    .pop();
  if (!last) throw new Error(`--run ${o.run}: no evaluation in its metrics log`);
  gfn = { iteration: last.iteration, ...recordMetrics(last) };
  if (Number.isNaN(budget)) budget = Number(gfn.localScoreCalls);
}
if (!(budget > 0)) throw new Error('give --local-scores, or --run with a run whose evaluations report localScoreCalls');

const data = syntheticDagData(env);
const bge = new BgeScore(data.data, data.nSamples, env.d);
const d = env.d;
const empty = new Int32Array(d * d);
const logR = (g: Int32Array, offset = 0): number => bge.score(g, offset) - bge.score(empty);
const row = (label: string, samples: Int32Array, extra = ''): string => {
  const m = structureMetrics(samples, data.trueAdjacency, d);
  const n = samples.length / (d * d);
  let mean = 0;
  for (let s = 0; s < n; s++) mean += logR(samples, s * d * d) / n;
  return `| ${label} | ${m.expectedShd.toFixed(2)} | ${Number.isNaN(m.edgeAuroc) ? 'n/a' : m.edgeAuroc.toFixed(3)} | ${mean.toFixed(1)} | ${extra} |`;
};

const t0 = performance.now();
const chain = structureMcmc(bge, { maxLocalScores: budget, burnIn: 0, thin: Number(o.thin), seed: Number(o.chainSeed) });
const seconds = (performance.now() - t0) / 1000;
const kept = chain.samples.length / (d * d);
const after = chain.samples.slice(Math.floor(kept / 2) * d * d);

console.log(`DAG d = ${d}, data seed ${env.seed}, ${env.samples} samples, noise std ${env.noiseStd}; MCMC budget ${budget} local scores`);
console.log('| sampler | E-SHD | edge AUROC | mean log R | notes |');
console.log('|---|---|---|---|---|');
console.log(row('empty graph', empty, 'AUROC undefined for one graph; ½ by convention'));
console.log(row('true graph', data.trueAdjacency));
console.log(
  row(
    'structure MCMC (MC³)',
    after,
    `${chain.steps} proposals, acceptance ${chain.acceptanceRate.toFixed(3)}, ${after.length / (d * d)} states kept, ${seconds.toFixed(1)} s`,
  ),
);
if (gfn)
  console.log(
    `| GFlowNet run (${o.run}, iteration ${gfn.iteration}) | ${gfn.expectedShd?.toFixed(2)} | ${gfn.edgeAuroc?.toFixed(3)} | ${gfn.meanLogReward?.toFixed(1)} | last evaluation |`,
  );
