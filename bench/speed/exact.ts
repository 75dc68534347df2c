/**
 * The exact-evaluation settings: `ExactTerminatingDistribution.compute` on TFbind8, split into the
 * network pass over all states and the rest (the dynamic programme, encoding, masks), on the
 * tensor backend and on ONNX Runtime (the optional `onnxruntime-node`) with one thread and with
 * every core. The transition table is built once per setting and reported separately.
 */
import { Rng } from '../../core/base/rng.js';
import type { Enumerable, Environment } from '../../core/env/environment.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import type { Engine } from '../../core/tensor/dense-chain.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { createTfBind8 } from '../../envs/sequence/tfbind8.js';
import { nodeFileAccess } from '../../plugins/node/file-access.js';
import { onnxRuntimeEngine } from '../../plugins/node/onnx/onnx-engine.js';
import { difference, Profiler } from '../profile.js';
import { type BenchContext, cpuMs, perUnit, type Result } from './instrument.js';

/** One exact evaluation of an untrained MLP policy over every state of an enumerable environment. */
export interface ExactSetting {
  kind: 'evaluation';
  label: string;
  env: () => Environment & Enumerable;
  hidden: number[];
  /** Where the network pass runs: the tensor backend, or ONNX Runtime with this many threads (0 = every core). */
  onnxThreads?: number;
}

const tfbind8 = (): Environment & Enumerable => createTfBind8({ files: nodeFileAccess });

/** Every exact-evaluation setting by id. */
export const EXACT_SETTINGS: Record<string, ExactSetting> = {
  'exact-tfbind8': {
    kind: 'evaluation',
    label: 'exact evaluation, TFbind8 (390,625 states), MLP 4x256, tensor backend',
    env: tfbind8,
    hidden: [256, 256, 256, 256],
  },
  'exact-tfbind8-onnx1': {
    kind: 'evaluation',
    label: 'exact evaluation, TFbind8, MLP 4x256, onnxruntime 1 thread',
    env: tfbind8,
    hidden: [256, 256, 256, 256],
    onnxThreads: 1,
  },
  'exact-tfbind8-onnx': {
    kind: 'evaluation',
    label: 'exact evaluation, TFbind8, MLP 4x256, onnxruntime every core',
    env: tfbind8,
    hidden: [256, 256, 256, 256],
    onnxThreads: 0,
  },
};

/** Why `s` cannot run here (its engine is not installed), or undefined when it can. */
export function exactSettingUnavailable(s: ExactSetting): string | undefined {
  return s.onnxThreads !== undefined ? onnxRuntimeEngine.unavailable() : undefined;
}

/** Times `ctx.evaluations` exact evaluations of `s`; figures are per evaluation. */
export async function runExactSetting(id: string, s: ExactSetting, ctx: BenchContext): Promise<Result> {
  const env = s.env();
  const t0 = performance.now();
  const exact = new ExactTerminatingDistribution(env);
  const setupMs = performance.now() - t0;
  const mlp = new Mlp({ inputDim: env.obsDim, hidden: s.hidden, outputDim: env.nActions, activation: 'relu' }, new Rng(0), `bench-${id}`);
  const profiler = new Profiler().install();
  // the evaluation's inference pass is `predict`: charged to the network phase, the rest passes through
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
  const n = ctx.evaluations;
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
