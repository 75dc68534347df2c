/**
 * Speed benchmark: where the time of a training iteration goes, for every objective, and how long
 * one exact evaluation takes.
 *
 *   npm run bench:speed                               # every setting
 *   npm run bench:speed -- --only rl-t --iterations 50
 *   npm run bench:speed -- --only tb-u,rl-u --kernels 10 --json out.json
 *   npm run bench:speed -- --only tb-u --engine backend   # the MLPs' passes on the tensor backend
 *   npm run bench:speed -- --list
 *
 * Training settings run on 2-D HyperGrid (R0 = 0.01) with the default MLP 4x256 (value networks
 * 2x256), seed 0, no periodic evaluation, the MLPs' passes on the engine `--engine` names (the
 * config field `kernels`; `auto` = ONNX Runtime when installed), each twice from the same seed: a plain run gives ms/it,
 * an instrumented one the rest. After `--warmup` iterations (JIT, kernel set-up), it
 * reports per iteration: wall ms, process CPU ms (the better figure on a loaded machine), the
 * shares of the wall time spent in sampling (forward and backward trajectories), loss forward, backward pass,
 * optimizer (Adam), trust-region step (RL-T: CG and line search, its gradient excluded) and the
 * rest, and the number of tfjs kernels dispatched, host→tensor uploads and tensor→host reads.
 * Counts are deterministic (same seed, same work); times depend on the load.
 *
 * Evaluation settings time `ExactTerminatingDistribution.compute` (the transition table is built
 * once per run and reported separately), split into the network pass over all states and the rest
 * (the dynamic programme, encoding, masks): on the tensor backend, and on ONNX Runtime (the optional
 * `onnxruntime-node`, `engine.name`) with one thread and with every core.
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolveConfig } from '../core/config/validate.js';
import type { Enumerable, Environment } from '../core/env/environment.js';
import type { Estimator } from '../core/tensor/estimator.js';
import { ExactTerminatingDistribution } from '../core/evaluation/exact.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { Rng } from '../core/base/rng.js';
import { Sampler } from '../core/sampling/sampler.js';
import { selectBackend } from '../core/tensor/backend.js';
import { Float32Adam } from '../core/tensor/float32-adam.js';
import { chooseEngine } from '../core/tensor/engines.js';
import { Mlp } from '../core/tensor/mlp.js';
import { train } from '../core/run/run.js';
import { TrustRegionStep } from '../algorithms/policy-based/trpo.js';
import { createTfBind8 } from '../envs/sequence/tfbind8.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { nodeFileAccess } from '../plugins/node/file-access.js';
import { onnxRuntimeEngine } from '../plugins/node/onnx/onnx-engine.js';
import type { Engine } from '../core/tensor/dense-chain.js';
import { difference, type ProfileSnapshot, Profiler } from './profile.js';

interface TrainingSetting {
  kind: 'training';
  label: string;
  height: number;
  batchSize: number;
  iterations: number;
  objective: Record<string, unknown>;
}
interface EvaluationSetting {
  kind: 'evaluation';
  label: string;
  env: () => Environment & Enumerable;
  hidden: number[];
  /** Where the network pass runs: the tensor backend, or ONNX Runtime with this many threads (0 = every core). */
  onnxThreads?: number;
}
type Setting = TrainingSetting | EvaluationSetting;

const rl = (backward: string, optimizer = 'adam'): Record<string, unknown> => ({
  name: 'rl',
  backward,
  optimizer,
  lr: 0.001,
  lrZ: 0.1,
  lrV: 0.005,
  lambda: 0.99,
});
const hg = (label: string, objective: Record<string, unknown>, iterations = 100, height = 16, batchSize = 16): TrainingSetting => ({
  kind: 'training',
  label,
  height,
  batchSize,
  iterations,
  objective,
});

const SETTINGS: Record<string, Setting> = {
  'tb-u': hg('TB-U, H=16, batch 16', { name: 'tb', backward: 'uniform' }),
  'tb-b': hg('TB-B, H=16, batch 16', { name: 'tb', backward: 'learned' }),
  'db-u': hg('DB-U, H=16, batch 16', { name: 'db', backward: 'uniform' }),
  'subtb-u': hg('SubTB-U, H=16, batch 16', { name: 'subtb', backward: 'uniform', lambda: 0.99 }),
  fm: hg('FM, H=16, batch 16', { name: 'fm' }),
  'rl-u': hg('RL-U, H=16, batch 16', rl('uniform')),
  'rl-b': hg('RL-B, H=16, batch 16', rl('coupled')),
  'rl-g': hg('RL-G, H=16, batch 16', rl('guided')),
  'rl-t': hg('RL-T (uniform P_B), H=16, batch 16', rl('uniform', 'trpo'), 50),
  'tb-u-b128': hg('TB-U, H=16, batch 128', { name: 'tb', backward: 'uniform' }, 50, 16, 128),
  'rl-u-h64': hg('RL-U, H=64, batch 16', rl('uniform'), 100, 64),
  'exact-tfbind8': {
    kind: 'evaluation',
    label: 'exact evaluation, TFbind8 (390,625 states), MLP 4x256, tensor backend',
    env: () => createTfBind8({ files: nodeFileAccess }),
    hidden: [256, 256, 256, 256],
  },
  'exact-tfbind8-onnx1': {
    kind: 'evaluation',
    label: 'exact evaluation, TFbind8, MLP 4x256, onnxruntime 1 thread',
    env: () => createTfBind8({ files: nodeFileAccess }),
    hidden: [256, 256, 256, 256],
    onnxThreads: 1,
  },
  'exact-tfbind8-onnx': {
    kind: 'evaluation',
    label: 'exact evaluation, TFbind8, MLP 4x256, onnxruntime every core',
    env: () => createTfBind8({ files: nodeFileAccess }),
    hidden: [256, 256, 256, 256],
    onnxThreads: 0,
  },
};

const program = new Command()
  .option('--only <ids>', `comma-separated settings (${Object.keys(SETTINGS).join(', ')})`)
  .option('--iterations <n>', 'measured training iterations per setting (default: per setting, 50–100)')
  .option('--warmup <n>', 'training iterations before measuring', '10')
  .option('--evaluations <n>', 'exact evaluations per evaluation setting', '1')
  .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
  .option('--engine <name>', "where training's MLP passes run (config field engine.name): auto | backend | onnxruntime", 'auto')
  .option('--kernels <k>', 'also print the k kernels that took the most time in each setting', '0')
  .option('--json <file>', 'also write the results as JSON')
  .option('--list', 'list the settings and exit')
  .parse();
const opts = program.opts<{
  only?: string;
  iterations?: string;
  warmup: string;
  evaluations: string;
  backend: string;
  engine: string;
  kernels: string;
  json?: string;
  list?: boolean;
}>();

if (opts.list) {
  for (const [id, s] of Object.entries(SETTINGS)) process.stdout.write(`${id.padEnd(14)} ${s.label}\n`);
  process.exit(0);
}
const ids = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(SETTINGS);
for (const id of ids) if (!SETTINGS[id]) throw new Error(`--only: unknown setting '${id}'; valid: ${Object.keys(SETTINGS).join(', ')}`);

/** One setting's measurement, per iteration (training) or per evaluation. */
interface Result {
  id: string;
  label: string;
  count: number;
  wallMs: number;
  cpuMs: number;
  profile: ProfileSnapshot;
  setupMs?: number;
  /** Training: ms/it of the instrumented run, which the phase shares are of. */
  profiledWallMs?: number;
}

const registry = new PluginRegistry([builtinPlugin]);
const backend = await selectBackend(opts.backend as 'auto', registry.tensorHost);
// resolved once here so that a bad --engine fails before any work, and the header can name it
const engine = chooseEngine({ name: opts.engine, threads: 'auto' }, [...registry.engines.values()], 'training')?.name ?? 'backend';
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * A training setting run twice from the same seed: once plain (the ms/it reported: no timing
 * wrappers around the kernels) and once instrumented (phase shares and kernel counts).
 */
async function runTraining(id: string, s: TrainingSetting): Promise<Result> {
  const plain = await timeTraining(id, s, false);
  const profiled = await timeTraining(id, s, true);
  return { ...profiled, wallMs: plain.wallMs, cpuMs: plain.cpuMs, profiledWallMs: profiled.wallMs };
}

async function timeTraining(id: string, s: TrainingSetting, profiled: boolean): Promise<Result> {
  const warmup = Number(opts.warmup);
  const measured = opts.iterations ? Number(opts.iterations) : s.iterations;
  const config = resolveConfig(
    {
      name: `bench-speed-${id}`,
      seed: 0,
      backend,
      engine: { name: opts.engine },
      iterations: warmup + measured,
      batchSize: s.batchSize,
      env: { name: 'hypergrid', ndim: 2, height: s.height, R0: 0.01 },
      objective: s.objective,
      estimator: { name: 'mlp', hidden: [256, 256, 256, 256] },
      evaluation: { mode: 'none' },
    },
    registry,
  );
  const profiler = profiled ? instrument(new Profiler().install()) : new Profiler();
  let start: { snap: ProfileSnapshot; wall: number; cpu: number } | undefined;
  let end: { snap: ProfileSnapshot; wall: number; cpu: number } | undefined;
  try {
    await train(config, registry, {
      subscribers: [],
      beforeRun: (_container, bus) => {
        bus.iteration$.subscribe(({ iteration }) => {
          const mark = { snap: profiler.snapshot(), wall: performance.now(), cpu: cpuMs() };
          // iteration n is published after update n: the warm-up ends at iteration `warmup`;
          // without warm-up the measurement starts after the first update
          if (iteration === Math.max(warmup, 1)) start = mark;
          end = mark;
        });
      },
    });
  } finally {
    if (profiled) profiler.uninstall();
  }
  if (!start || !end) throw new Error('no iteration was measured');
  const count = warmup === 0 ? measured - 1 : measured;
  return {
    id,
    label: s.label,
    count,
    wallMs: (end.wall - start.wall) / count,
    cpuMs: (end.cpu - start.cpu) / count,
    profile: perUnit(difference(end.snap, start.snap), count),
  };
}

async function runEvaluation(id: string, s: EvaluationSetting): Promise<Result> {
  const env = s.env();
  const t0 = performance.now();
  const exact = new ExactTerminatingDistribution(env);
  const setupMs = performance.now() - t0;
  const mlp = new Mlp({ inputDim: env.obsDim, hidden: s.hidden, outputDim: env.nActions, activation: 'relu' }, new Rng(0), `bench-${id}`);
  const profiler = new Profiler().install();
  const timedNet: Estimator = {
    inputDim: mlp.inputDim,
    outputDim: mlp.outputDim,
    variables: mlp.variables,
    apply: (x) => mlp.apply(x),
    predict: (x) => profiler.timed('network', () => mlp.predict(x)),
    denseChain: () => mlp.denseChain(),
    dispose: () => mlp.dispose(),
  };
  // on ONNX Runtime the network pass is loading the session plus the runner's calls
  const accelerated =
    s.onnxThreads === undefined ? undefined : { engine: timedEngine(onnxRuntimeEngine, profiler), options: { threads: s.onnxThreads }, minRows: 0 };
  const n = Number(opts.evaluations);
  // no warm-up evaluation: one takes seconds, kernel set-up milliseconds
  const first = { snap: profiler.snapshot(), wall: performance.now(), cpu: cpuMs() };
  try {
    for (let k = 0; k < n; k++) profiler.timed('evaluation', () => exact.compute(timedNet, accelerated));
  } finally {
    profiler.uninstall();
  }
  const last = { snap: profiler.snapshot(), wall: performance.now(), cpu: cpuMs() };
  mlp.dispose();
  return {
    id,
    label: s.label,
    count: n,
    wallMs: (last.wall - first.wall) / n,
    cpuMs: (last.cpu - first.cpu) / n,
    profile: perUnit(difference(last.snap, first.snap), n),
    setupMs,
  };
}

/** The engine with its loading and the waits for its outputs charged to the network pass. */
function timedEngine(engine: Engine, p: Profiler): Engine {
  return {
    name: engine.name,
    description: engine.description,
    unavailable: () => engine.unavailable(),
    load: (chain, options) => {
      const runner = p.timed('network', () => engine.load(chain, options));
      // batches are queued ahead: the main thread's share of the pass is the wait in collect()
      return {
        ...runner,
        submit: (x, rows) => runner.submit(x, rows),
        collect: () => p.timed('network', () => runner.collect()),
        dispose: () => runner.dispose(),
      };
    },
  };
}

/** Charges sampling, Adam and the trust-region step to their phases. */
function instrument(p: Profiler): Profiler {
  return p
    .timeMethod(Sampler.prototype, 'sampleForward', 'sample')
    .timeMethod(Sampler.prototype, 'sampleBackward', 'sample')
    .timeMethod(tf.AdamOptimizer.prototype, 'applyGradients', 'optimizer')
    .timeMethod(Float32Adam.prototype, 'applyGradients', 'optimizer')
    .timeMethod(TrustRegionStep.prototype, 'step', 'trpo');
}

function perUnit(p: ProfileSnapshot, n: number): ProfileSnapshot {
  const ms = { ...p.ms };
  for (const k of Object.keys(ms) as Array<keyof typeof ms>) ms[k] /= n;
  const scale = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k, v / n]));
  return { ms, kernels: p.kernels / n, uploads: p.uploads / n, reads: p.reads / n, byKernel: scale(p.byKernel), kernelMs: scale(p.kernelMs) };
}

const f1 = (x: number): string => x.toFixed(1);
const f0 = (x: number): string => x.toFixed(0);
const results: Result[] = [];
for (const id of ids) {
  const s = SETTINGS[id]!;
  const missing = s.kind === 'evaluation' && s.onnxThreads !== undefined ? onnxRuntimeEngine.unavailable() : undefined;
  if (missing) {
    process.stderr.write(`${id}: skipped, ${missing}\n`);
    continue;
  }
  const r = s.kind === 'training' ? await runTraining(id, s) : await runEvaluation(id, s);
  results.push(r);
  process.stderr.write(`${id}: ${f1(r.wallMs)} ms wall, ${f1(r.cpuMs)} ms cpu, ${f0(r.profile.kernels)} kernels\n`);
  const k = Number(opts.kernels);
  if (k > 0) {
    const top = [...r.profile.kernelMs].sort((a, b) => b[1] - a[1]).slice(0, k);
    process.stderr.write(
      `  kernels by time (count, ms per unit): ${top.map(([name, ms]) => `${name} ${f1(r.profile.byKernel.get(name)!)} ${ms.toFixed(2)}`).join(', ')}\n`,
    );
  }
}

const training = results.filter((r) => SETTINGS[r.id]!.kind === 'training');
const evaluations = results.filter((r) => SETTINGS[r.id]!.kind === 'evaluation');
const lines = [
  `backend ${backend}, training's MLP passes on ${engine}; wall times depend on the machine's load, kernel/upload/read counts do not. Training: ms/it and CPU ms/it from a plain run; % = shares of the wall time of a second, instrumented run (its ms/it in "profiled ms/it": the timing wrappers cost a little per kernel)`,
  '',
];
if (training.length > 0) {
  lines.push(
    '| setting | iterations | ms/it | CPU ms/it | profiled ms/it | % sampling | % loss forward | % backward | % optimizer | % TRPO step | % other | kernels/it | uploads/it | reads/it |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of training) {
    const m = r.profile.ms;
    const profiledMs = r.profiledWallMs ?? r.wallMs;
    const other = profiledMs - m.sample - m.forward - m.backward - m.optimizer - m.trpo;
    const pct = (x: number): string => `${f0((100 * x) / profiledMs)}%`;
    lines.push(
      `| ${r.label} | ${r.count} | ${f1(r.wallMs)} | ${f1(r.cpuMs)} | ${f1(profiledMs)} | ${pct(m.sample)} | ${pct(m.forward)} | ${pct(m.backward)} | ${pct(m.optimizer)} | ${pct(m.trpo)} | ${pct(other)} | ${f0(r.profile.kernels)} | ${f0(r.profile.uploads)} | ${f0(r.profile.reads)} |`,
    );
  }
  lines.push('');
}
if (evaluations.length > 0) {
  lines.push(
    '| setting | evaluations | ms/evaluation | CPU ms | % network pass | % rest (DP, encoding) | kernels | uploads | reads | transition table (once) ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of evaluations) {
    const m = r.profile.ms;
    const pct = (x: number): string => `${f0((100 * x) / r.wallMs)}%`;
    lines.push(
      `| ${r.label} | ${r.count} | ${f0(r.wallMs)} | ${f0(r.cpuMs)} | ${pct(m.network)} | ${pct(r.wallMs - m.network)} | ${f0(r.profile.kernels)} | ${f0(r.profile.uploads)} | ${f0(r.profile.reads)} | ${f0(r.setupMs ?? 0)} |`,
    );
  }
  lines.push('');
}
process.stdout.write(lines.join('\n'));
if (opts.json) {
  const plain = results.map((r) => ({
    ...r,
    profile: { ...r.profile, byKernel: Object.fromEntries(r.profile.byKernel), kernelMs: Object.fromEntries(r.profile.kernelMs) },
  }));
  writeFileSync(opts.json, `${JSON.stringify({ backend, engine, results: plain }, null, 2)}\n`);
}
