import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../core/config/validate.js';
import { definePlugin, PluginRegistry } from '../../../core/plugin/plugin.js';
import { train } from '../../../core/run/run.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { createBrowserPlugin } from '../../../plugins/browser.js';
import { ConfigError } from '../../../core/base/errors.js';
import { ExactTerminatingDistribution } from '../../../core/evaluation/exact.js';
import { Rng } from '../../../core/base/rng.js';
import { chooseEngine, engineProblems } from '../../../core/tensor/engines.js';
import type { Activation } from '../../../core/tensor/dense.js';
import type { ChainRunner, Engine } from '../../../core/tensor/dense-chain.js';
import { Mlp } from '../../../core/tensor/mlp.js';
import { HyperGrid } from '../../../envs/hypergrid.js';
import { forwardGraph } from '../../../plugins/node/onnx/onnx-graph.js';
import { onnxRuntimeEngine } from '../../../plugins/node/onnx/onnx-engine.js';

// onnxruntime-node is a dev dependency: `npm ci` installs it, so CI always runs these tests
const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`onnx-accelerator tests skipped: ${missing}\n`);

/** One batch through a runner. */
function runOnce(runner: ChainRunner, x: Float32Array, rows: number): Float32Array {
  runner.submit(x, rows);
  return runner.collect();
}

function randomInputs(rows: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * dim }, () => 2 * rng.uniform() - 1);
}

describe.skipIf(missing !== undefined)("ONNX Runtime engine: exact evaluation's pass in a worker thread", () => {
  const nets: Mlp[] = [];
  afterAll(() => nets.forEach((n) => n.dispose()));
  const mlp = (inputDim: number, hidden: number[], outputDim: number, activation: Activation, seed: number): Mlp => {
    const net = new Mlp({ inputDim, hidden, outputDim, activation }, new Rng(seed), `onnx-test-${nets.length}`);
    nets.push(net);
    return net;
  };

  it.each([
    ['relu', [64, 64], 1],
    ['relu', [256, 256, 256, 256], 1000],
    ['tanh', [32], 7],
    ['linear', [], 5],
  ] as const)('computes the network of Mlp.predict (%s, hidden %j, %i rows) to float32 rounding', (activation, hidden, rows) => {
    const net = mlp(12, [...hidden], 5, activation, 3);
    const x = randomInputs(rows, 12, 9);
    const expected = tf.tidy(() => net.predict(tf.tensor2d(x, [rows, 12]))).dataSync();
    const runner = onnxRuntimeEngine.load(net.denseChain(), { threads: 1 });
    try {
      const y = runOnce(runner, x, rows);
      expect(y.length).toBe(rows * 5);
      expect([runner.inputDim, runner.outputDim]).toEqual([12, 5]);
      let scale = 0;
      for (const v of expected) scale = Math.max(scale, Math.abs(v));
      let worst = 0;
      for (let k = 0; k < y.length; k++) worst = Math.max(worst, Math.abs(y[k]! - expected[k]!));
      // the same float32 function with its sums in another order
      expect(worst).toBeLessThan(1e-5 * Math.max(1, scale));
    } finally {
      runner.dispose();
    }
  });

  it('gives bit-identical outputs with one thread and with two (row results do not depend on the split)', () => {
    const net = mlp(20, [128, 128], 9, 'relu', 5);
    const x = randomInputs(3000, 20, 4);
    const outputs = [1, 2].map((threads) => {
      const runner = onnxRuntimeEngine.load(net.denseChain(), { threads });
      try {
        return Array.from(runOnce(runner, x, 3000));
      } finally {
        runner.dispose();
      }
    });
    expect(outputs[1]).toEqual(outputs[0]);
  });

  it('returns queued batches in the order they were submitted', () => {
    const net = mlp(10, [32], 4, 'relu', 6);
    const batches = [5, 1, 300].map((rows, k) => ({ rows, x: randomInputs(rows, 10, 20 + k) }));
    const runner = onnxRuntimeEngine.load(net.denseChain(), { threads: 1 });
    try {
      const alone = batches.map(({ x, rows }) => Array.from(runOnce(runner, x, rows)));
      for (const { x, rows } of batches) runner.submit(x, rows);
      expect(batches.map(() => Array.from(runner.collect()))).toEqual(alone);
      expect(() => runner.collect()).toThrow(/collect\(\) without a submitted batch/);
    } finally {
      runner.dispose();
    }
  });

  it('takes a snapshot: later parameter updates do not reach a loaded runner until it reloads', () => {
    const net = mlp(4, [8], 3, 'relu', 8);
    const x = randomInputs(2, 4, 1);
    const runner = onnxRuntimeEngine.load(net.denseChain(), { threads: 1 });
    try {
      const before = Array.from(runOnce(runner, x, 2));
      const layer = net.layers[1]!;
      layer.assign(new Float32Array(layer.inDim * layer.outDim).fill(0.5), new Float32Array(layer.outDim).fill(1));
      expect(Array.from(runOnce(runner, x, 2))).toEqual(before);
      // a reload puts the new snapshot in; a batch submitted before it is still answered by the old one
      runner.submit(x, 2);
      runner.reload!(net.denseChain());
      expect(Array.from(runner.collect())).toEqual(before);
      const expected = tf.tidy(() => net.predict(tf.tensor2d(x, [2, 4])).dataSync());
      const after = runOnce(runner, x, 2);
      after.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
      expect(Array.from(after)).not.toEqual(before);
    } finally {
      runner.dispose();
    }
  });

  it('refuses inputs of the wrong size and inconsistent layers, naming the numbers', () => {
    const net = mlp(6, [4], 2, 'relu', 2);
    const runner = onnxRuntimeEngine.load(net.denseChain(), { threads: 1 });
    try {
      expect(() => runner.submit(new Float32Array(7), 1)).toThrow(/7 input values for 1 rows of 6/);
    } finally {
      runner.dispose();
    }
    const chain = net.denseChain();
    const broken = { layers: [{ ...chain.layers[0]!, bias: new Float32Array(3) }, chain.layers[1]!] };
    expect(() => forwardGraph(broken.layers, 'embedded')).toThrow(/dense layer 0: weight has 24 values and bias 3, expected 6x4 and 4/);
  });

  it('gives exact evaluation the P_T of the tensor backend, to float32 rounding of the logits', () => {
    const env = new HyperGrid({ ndim: 3, height: 6, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const net = mlp(env.obsDim, [64, 64], env.nActions, 'relu', 11);
    const exact = new ExactTerminatingDistribution(env, 50);
    const onBackend = exact.compute(net);
    const accelerated = exact.compute(net, { engine: onnxRuntimeEngine, options: { threads: 2 }, minRows: 0 });
    let worst = 0;
    let total = 0;
    for (let s = 0; s < env.nStates; s++) {
      total += accelerated[s]!;
      if (onBackend[s]! > 0) worst = Math.max(worst, Math.abs(accelerated[s]! - onBackend[s]!) / onBackend[s]!);
    }
    expect(total).toBeCloseTo(1, 12);
    expect(worst).toBeLessThan(1e-5);
  });

  it('is used from minRows states with a choice on: below, the pass stays on the backend (bit for bit)', () => {
    const env = new HyperGrid({ ndim: 2, height: 5, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const net = mlp(env.obsDim, [16], env.nActions, 'relu', 12);
    const exact = new ExactTerminatingDistribution(env);
    let loads = 0;
    const counting = { ...onnxRuntimeEngine, load: (...args: Parameters<typeof onnxRuntimeEngine.load>) => (loads++, onnxRuntimeEngine.load(...args)) };
    const onBackend = Array.from(exact.compute(net));
    // 2-D H=5: the 25 states but the corner (4, 4) have a choice
    expect(Array.from(exact.compute(net, { engine: counting, options: { threads: 1 }, minRows: 25 }))).toEqual(onBackend);
    expect(loads).toBe(0);
    const accelerated = exact.compute(net, { engine: counting, options: { threads: 1 }, minRows: 24 });
    expect(loads).toBe(1);
    accelerated.forEach((p, s) => expect(p).toBeCloseTo(onBackend[s]!, 6));
  });

  it('is what engine "auto" picks here for exact evaluation; "backend" picks none', () => {
    const engines = [...new PluginRegistry([builtinPlugin]).engines.values()];
    expect(chooseEngine({ name: 'auto', threads: 'auto' }, engines, 'evaluation')?.name).toBe('onnxruntime');
    expect(chooseEngine({ name: 'onnxruntime', threads: 'auto' }, engines, 'evaluation')?.name).toBe('onnxruntime');
    expect(chooseEngine({ name: 'backend', threads: 'auto' }, engines, 'evaluation')).toBeUndefined();
  });

  it("serves a training run's exact evaluations: the metrics of the backend pass, to rounding", async () => {
    // an engine without training kernels runs exact evaluation only: training stays on the backend,
    // so the two runs differ by their evaluations' pass alone
    const evaluationOnly: Engine = {
      name: 'onnx-evaluation-only',
      description: 'test',
      unavailable: () => onnxRuntimeEngine.unavailable(),
      load: (chain, options) => onnxRuntimeEngine.load(chain, options),
    };
    const registry = new PluginRegistry([builtinPlugin, definePlugin({ name: 'evaluation-only', engines: [evaluationOnly] })]);
    const metricsWith = async (engine: string): Promise<Array<Record<string, number>>> => {
      const config = resolveConfig(
        {
          name: `onnx-${engine}`,
          seed: 3,
          iterations: 6,
          batchSize: 8,
          engine: { name: engine },
          env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.01 },
          objective: { name: 'tb' },
          estimator: { name: 'mlp', hidden: [32, 32] },
          evaluation: { every: 3 },
        },
        registry,
      );
      const seen: Array<Record<string, number>> = [];
      let kernels = '';
      await train(config, registry, {
        subscribers: ['evaluator'],
        beforeRun: (_c, bus) => {
          bus.runStarted$.subscribe((e) => (kernels = e.kernels));
          bus.evaluation$.subscribe((e) => seen.push(e.metrics));
        },
      });
      expect(kernels).toBe('backend');
      return seen;
    };
    const backend = await metricsWith('backend');
    const onnx = await metricsWith('onnx-evaluation-only');
    expect([backend.length, onnx.length]).toEqual([3, 3]);
    onnx.forEach((m, k) => {
      expect(m.tv).toBeCloseTo(backend[k]!.tv!, 6);
      expect(m.jsd).toBeCloseTo(backend[k]!.jsd!, 6);
    });
  });

  it('keeps one runner for every evaluation of a run: loaded once, reloaded with each snapshot, freed at the end', async () => {
    const calls = { load: 0, reload: 0, dispose: 0 };
    const counting: Engine = {
      name: 'onnx-counting',
      description: 'test',
      unavailable: () => undefined,
      load: (chain, options) => {
        calls.load++;
        const runner = onnxRuntimeEngine.load(chain, options);
        return {
          ...runner,
          inputDim: runner.inputDim,
          outputDim: runner.outputDim,
          reload: (next) => (calls.reload++, runner.reload!(next)),
          dispose: () => (calls.dispose++, runner.dispose()),
        };
      },
    };
    const registry = new PluginRegistry([builtinPlugin, definePlugin({ name: 'counting', engines: [counting] })]);
    const config = resolveConfig(
      {
        name: 'onnx-kept',
        seed: 4,
        iterations: 6,
        batchSize: 8,
        engine: { name: 'onnx-counting' },
        env: { name: 'hypergrid', ndim: 2, height: 6 },
        objective: { name: 'tb' },
        estimator: { name: 'mlp', hidden: [16] },
        evaluation: { every: 2 },
      },
      registry,
    );
    const tvs: number[] = [];
    await train(config, registry, { subscribers: ['evaluator'], beforeRun: (_c, bus) => void bus.evaluation$.subscribe((e) => tvs.push(e.metrics.tv!)) });
    // iterations 0, 2, 4 and 6, each on the snapshot of its moment (training changes P_F)
    expect(tvs).toHaveLength(4);
    expect(new Set(tvs).size).toBe(4);
    expect(calls).toEqual({ load: 1, reload: 3, dispose: 1 });
  });
});

describe('engines as contributions', () => {
  it('come from the plugins a registry holds, not from the modules a program imported', () => {
    // the Node plugin's modules are imported by this file: nothing of theirs is global
    expect([...new PluginRegistry([builtinPlugin]).engines.keys()]).toEqual(['onnxruntime']);
    expect([...new PluginRegistry([]).engines.keys()]).toEqual([]);
    const bare = new PluginRegistry([createBrowserPlugin()]);
    expect(() => resolveConfig({ env: { name: 'hypergrid' }, objective: { name: 'tb' }, engine: { name: 'onnxruntime' } }, bare)).toThrow(
      /field "engine.name" = "onnxruntime": no plugin contributes this engine; valid choices: "auto", "backend"$/m,
    );
    expect(resolveConfig({ env: { name: 'hypergrid' }, objective: { name: 'tb' } }, bare).engine).toEqual({ name: 'auto', threads: 'auto' });
  });

  it('are registered once: a second plugin with the same engine name is refused, naming both', () => {
    expect(() => new PluginRegistry([builtinPlugin, definePlugin({ name: 'copy', engines: [onnxRuntimeEngine] })])).toThrow(
      /plugin 'copy': engine 'onnxruntime' is already registered by plugin 'builtin'/,
    );
  });
});

describe('engine.name choices', () => {
  const absent: Engine = {
    name: 'test-absent',
    description: 'test',
    unavailable: () => 'its module is not installed',
    load: () => {
      throw new Error('not loadable');
    },
  };
  const engines = [absent, onnxRuntimeEngine];

  it('refuses an unknown engine, naming the field, the value and the valid choices', () => {
    expect(engineProblems({ name: 'gpu', threads: 'auto' }, engines)).toEqual([
      'field "engine.name" = "gpu": no plugin contributes this engine; valid choices: "auto", "backend", "test-absent", "onnxruntime"',
    ]);
    expect(() => chooseEngine({ name: 'gpu', threads: 'auto' }, engines, 'evaluation')).toThrow(ConfigError);
  });

  it('refuses an engine that cannot run here with the reason, and auto skips it', () => {
    expect(engineProblems({ name: 'test-absent', threads: 'auto' }, engines)).toEqual([
      expect.stringMatching(/^field "engine.name" = "test-absent": its module is not installed; valid choices: /),
    ]);
    expect(chooseEngine({ name: 'auto', threads: 'auto' }, engines, 'evaluation')?.name).not.toBe('test-absent');
    expect(engineProblems({ name: 'auto', threads: 'auto' }, engines)).toEqual([]);
  });
});
