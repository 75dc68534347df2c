/**
 * Speed benchmark: where the time of a training iteration goes, per environment and per objective,
 * and how long one exact evaluation takes.
 *
 *   npm run bench:speed                               # every setting
 *   npm run bench:speed -- --only dag10,sehstr --iterations 30 --warmup 5
 *   npm run bench:speed -- --only rl-t --iterations 50
 *   npm run bench:speed -- --only tb-u,rl-u --kernels 10 --json out.json
 *   npm run bench:speed -- --only tb-u --engine backend   # the MLPs' passes on the tensor backend
 *   npm run bench:speed -- --list
 *
 * Environment settings (bench/speed/environments.ts) run each environment with its natural
 * objective from its shipped config, seed 0, no evaluation during training; per iteration they
 * report wall and CPU ms of a plain run, and from a second, instrumented run the shares of
 * environment work, network passes, loss + optimizer, the sampler's own work and the rest, the
 * network-only floor (the run's network passes replayed alone), and one evaluation of the config's
 * kind, timed after the measured iterations.
 *
 * Objective settings (bench/speed/objectives.ts) run 2-D HyperGrid per objective and report the
 * shares of sampling, loss forward, backward pass, optimizer, trust-region step and the rest, and
 * the tfjs kernels, uploads and reads per iteration. Exact-evaluation settings
 * (bench/speed/exact.ts) time `ExactTerminatingDistribution.compute` on TFbind8.
 * Counts are deterministic (same seed, same work); times depend on the load.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { selectBackend } from '../core/tensor/backend.js';
import { chooseEngine } from '../core/tensor/engines.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { ENVIRONMENT_SETTINGS, type EnvironmentSetting } from './speed/environments.js';
import { type EnvironmentResult, runEnvironmentSetting } from './speed/env-run.js';
import { EXACT_SETTINGS, type ExactSetting, exactSettingUnavailable, runExactSetting } from './speed/exact.js';
import type { BenchContext, Result } from './speed/instrument.js';
import { OBJECTIVE_SETTINGS, type ObjectiveSetting, runObjectiveSetting } from './speed/objectives.js';
import { environmentTable, exactTable, objectiveTable } from './speed/tables.js';

type Setting = EnvironmentSetting | ObjectiveSetting | ExactSetting;
const SETTINGS: Record<string, Setting> = { ...ENVIRONMENT_SETTINGS, ...OBJECTIVE_SETTINGS, ...EXACT_SETTINGS };

const program = new Command()
  .option('--only <ids>', `comma-separated settings (${Object.keys(SETTINGS).join(', ')})`)
  .option('--iterations <n>', 'measured training iterations per setting (default: per setting)')
  .option('--warmup <n>', 'training iterations before measuring (default: per setting; objective settings 10)')
  .option('--evaluations <n>', 'exact evaluations per evaluation setting', '1')
  .option('--no-evaluation', "environment settings: skip the evaluation timed after training (sEH's first builds a large table)")
  .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
  .option('--engine <name>', "where training's MLP passes run (config field engine.name): auto | backend | onnxruntime", 'auto')
  .option('--kernels <k>', 'also print the k kernels that took the most time in each setting', '0')
  .option('--json <file>', 'also write the results as JSON')
  .option('--list', 'list the settings and exit')
  .parse();
const opts = program.opts<{
  only?: string;
  iterations?: string;
  warmup?: string;
  evaluations: string;
  evaluation: boolean;
  backend: string;
  engine: string;
  kernels: string;
  json?: string;
  list?: boolean;
}>();

if (opts.list) {
  for (const [id, s] of Object.entries(SETTINGS)) process.stdout.write(`${id.padEnd(20)} ${s.label}\n`);
  process.exit(0);
}
const ids = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(SETTINGS);
for (const id of ids) if (!SETTINGS[id]) throw new Error(`--only: unknown setting '${id}'; valid: ${Object.keys(SETTINGS).join(', ')}`);
const count = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: expected a whole number >= 0, got '${value}'`);
  return n;
};

const registry = new PluginRegistry([builtinPlugin]);
const backend = await selectBackend(opts.backend as 'auto', registry.tensorHost);
// resolved once here so that a bad --engine fails before any work, and the header can name it
const engine = chooseEngine({ name: opts.engine, threads: 'auto' }, [...registry.engines.values()], 'training')?.name ?? 'backend';
const ctx: BenchContext = {
  registry,
  backend,
  engine: opts.engine,
  evaluations: count('--evaluations', opts.evaluations) ?? 1,
  evaluation: opts.evaluation,
  ...(opts.iterations === undefined ? {} : { iterations: count('--iterations', opts.iterations)! }),
  ...(opts.warmup === undefined ? {} : { warmup: count('--warmup', opts.warmup)! }),
};

const f1 = (x: number): string => x.toFixed(1);
const environments: EnvironmentResult[] = [];
const training: Result[] = [];
const evaluations: Result[] = [];
for (const id of ids) {
  const s = SETTINGS[id]!;
  if (s.kind === 'environment') {
    const r = await runEnvironmentSetting(id, s, ctx);
    environments.push(r);
    const byMethod = Object.entries(r.envMs).sort((a, b) => b[1] - a[1]);
    process.stderr.write(
      `${id}: ${f1(r.wallMs)} ms wall, ${f1(r.cpuMs)} ms cpu; network ${f1(r.split.network)} ms, env ${f1(r.split.env)} ms (${byMethod.map(([m, ms]) => `${m} ${ms.toFixed(2)}`).join(', ')})\n`,
    );
    continue;
  }
  const missing = s.kind === 'evaluation' ? exactSettingUnavailable(s) : undefined;
  if (missing) {
    process.stderr.write(`${id}: skipped, ${missing}\n`);
    continue;
  }
  const r = s.kind === 'training' ? await runObjectiveSetting(id, s, ctx) : await runExactSetting(id, s, ctx);
  (s.kind === 'training' ? training : evaluations).push(r);
  process.stderr.write(`${id}: ${f1(r.wallMs)} ms wall, ${f1(r.cpuMs)} ms cpu, ${r.profile.kernels.toFixed(0)} kernels\n`);
  const k = count('--kernels', opts.kernels) ?? 0;
  if (k > 0) {
    const top = [...r.profile.kernelMs].sort((a, b) => b[1] - a[1]).slice(0, k);
    process.stderr.write(
      `  kernels by time (count, ms per unit): ${top.map(([name, ms]) => `${name} ${f1(r.profile.byKernel.get(name)!)} ${ms.toFixed(2)}`).join(', ')}\n`,
    );
  }
}

const lines = [
  `backend ${backend}, training's MLP passes on ${engine}; wall times depend on the machine's load, kernel/upload/read counts do not. ms/it and CPU ms/it from a plain run; % = shares of the wall time of a second, instrumented run (its ms/it in "profiled ms/it": the timing wrappers cost a little per call)`,
  '',
  ...environmentTable(environments),
  ...objectiveTable(training),
  ...exactTable(evaluations),
];
process.stdout.write(lines.join('\n'));
if (opts.json) {
  const plain = (r: { profile: Result['profile'] }) => ({
    ...r,
    profile: { ...r.profile, byKernel: Object.fromEntries(r.profile.byKernel), kernelMs: Object.fromEntries(r.profile.kernelMs) },
  });
  const results = [...environments, ...training, ...evaluations].map(plain);
  writeFileSync(opts.json, `${JSON.stringify({ backend, engine, node: process.version, results }, null, 2)}\n`);
}
