import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/base/errors.js';
import { resolveConfig } from '../../../core/config/validate.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { Rng } from '../../../core/base/rng.js';
import { chooseEngine, startEngines } from '../../../core/tensor/engines.js';
import type { Engine } from '../../../core/tensor/dense-chain.js';
import type { Activation } from '../../../core/tensor/dense.js';
import { Mlp } from '../../../core/tensor/mlp.js';
import { train } from '../../../core/run/run.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { onnxRuntimeEngine } from '../../../plugins/node/onnx/onnx-engine.js';
import { hostKernels } from '../../helpers/host-kernels.js';
import { lossAndGradients, relativeDifference } from '../../helpers/compare-networks.js';

// onnxruntime-node is a dev dependency: `npm ci` installs it, so CI always runs these tests
const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`onnx-kernels tests skipped: ${missing}\n`);

describe.skipIf(missing !== undefined)('ONNX Runtime training kernels', () => {
  const kernels = onnxRuntimeEngine.kernels!({ threads: 1 });
  const nets: Mlp[] = [];
  afterAll(() => {
    nets.forEach((n) => n.dispose());
    kernels.dispose();
  });
  /** The same network (same seed: same initial parameters) on the backend and on the kernels. */
  const pair = (hidden: number[], activation: Activation): [Mlp, Mlp] => {
    const shape = { inputDim: 12, hidden, outputDim: 5, activation };
    const made: [Mlp, Mlp] = [new Mlp(shape, new Rng(4), `kern-test-${nets.length}-a`), new Mlp(shape, new Rng(4), `kern-test-${nets.length}-b`, kernels)];
    nets.push(...made);
    return made;
  };

  it.each([
    ['relu', [64, 64], 1],
    ['relu', [256, 256, 256, 256], 300],
    ['tanh', [32, 16], 17],
    ['linear', [], 5],
  ] as const)('computes the outputs and parameter gradients of the backend (%s, hidden %j, %i rows) to float32 rounding', (activation, hidden, rows) => {
    const [onBackend, onKernels] = pair([...hidden], activation);
    const x = tf.randomUniform([rows, 12], -1, 1, 'float32', 7) as tf.Tensor2D;
    const dy = tf.randomUniform([rows, 5], -1, 1, 'float32', 8) as tf.Tensor2D;
    try {
      const predicted = [onBackend, onKernels].map((net) => tf.tidy(() => net.predict(x).dataSync()));
      expect(relativeDifference(predicted[0]!, predicted[1]!)).toBeLessThan(1e-5);
      const expected = lossAndGradients(onBackend, x, dy);
      const actual = lossAndGradients(onKernels, x, dy);
      expect(actual.length).toBe(1 + 2 * (hidden.length + 1));
      // the same float32 sums in another order; a missing activation derivative or transposed
      // product would be off by O(1)
      actual.forEach((values, k) => expect(relativeDifference(expected[k]!, values)).toBeLessThan(1e-5));
    } finally {
      x.dispose();
      dy.dispose();
    }
  });

  it('follows parameter updates (the host copy is read again after an assignment) and leaks no tensor', () => {
    const [onBackend, onKernels] = pair([16], 'relu');
    const x = tf.randomUniform([3, 12], -1, 1, 'float32', 9) as tf.Tensor2D;
    const dy = tf.ones([3, 5]) as tf.Tensor2D;
    try {
      lossAndGradients(onKernels, x, dy);
      const before = tf.memory().numTensors;
      for (const net of [onBackend, onKernels]) {
        const layer = net.layers[0]!;
        layer.assign(new Float32Array(layer.inDim * layer.outDim).fill(0.25), new Float32Array(layer.outDim).fill(-0.1));
      }
      const expected = lossAndGradients(onBackend, x, dy);
      for (let i = 0; i < 5; i++) {
        const actual = lossAndGradients(onKernels, x, dy);
        actual.forEach((values, k) => expect(relativeDifference(expected[k]!, values)).toBeLessThan(1e-5));
        tf.tidy(() => void onKernels.predict(x));
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      x.dispose();
      dy.dispose();
    }
  });

  it('differentiates at the parameters of the forward pass even when they change before the backward pass', () => {
    const [, onKernels] = pair([8], 'tanh');
    const x = tf.randomUniform([4, 12], -1, 1, 'float32', 10) as tf.Tensor2D;
    const dy = tf.randomUniform([4, 5], -1, 1, 'float32', 11) as tf.Tensor2D;
    const layer = onKernels.layers[1]!;
    try {
      const atForward = lossAndGradients(onKernels, x, dy);
      const changed = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const loss = tf.sum(tf.mul(onKernels.apply(x), dy)) as tf.Scalar;
          // an update between the forward pass and its gradient: the host copy the pass used must survive it
          layer.assign(new Float32Array(layer.inDim * layer.outDim).fill(0.5), new Float32Array(layer.outDim).fill(2));
          onKernels.predict(x);
          return loss;
        }, onKernels.variables);
        return onKernels.variables.map((v) => grads[v.name]!.dataSync() as Float32Array);
      });
      changed.forEach((values, k) => expect(Array.from(values)).toEqual(Array.from(atForward[k + 1]!)));
      // and the next pass sees the new parameters
      const after = tf.tidy(() => onKernels.predict(x).dataSync());
      const expected = tf.tidy(() =>
        tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, onKernels.layers[0]!.weight), onKernels.layers[0]!.bias)), layer.weight), layer.bias).dataSync(),
      );
      expect(relativeDifference(expected, after)).toBeLessThan(1e-5);
    } finally {
      x.dispose();
      dy.dispose();
    }
  });

  it('refuses inputs of the wrong size, naming the numbers', () => {
    const [onBackend] = pair([4], 'relu');
    const layers = onBackend.denseChain().layers;
    expect(() => kernels.forward(layers, new Float32Array(13), 1, false)).toThrow(/13 input values for 1 rows of 12/);
    expect(() => kernels.backward(layers, new Float32Array(12), [], new Float32Array(5), 1)).toThrow(/0 kept layer outputs for 2 layers/);
  });

  it('trains like the backend: same first loss to rounding, and the same numbers again with the same seed', async () => {
    const registry = new PluginRegistry([builtinPlugin]);
    const lossesWith = async (kernelsChoice: string): Promise<number[]> => {
      const config = resolveConfig(
        {
          name: `kernels-${kernelsChoice}`,
          seed: 5,
          iterations: 25,
          batchSize: 8,
          engine: { name: kernelsChoice },
          env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.01 },
          objective: { name: 'tb' },
          estimator: { name: 'mlp', hidden: [64, 64] },
          evaluation: { mode: 'none' },
        },
        registry,
      );
      const losses: number[] = [];
      await train(config, registry, { subscribers: [], beforeRun: (_c, bus) => void bus.iteration$.subscribe((e) => losses.push(e.metrics.loss!)) });
      return losses;
    };
    const tensorsBefore = tf.memory().numTensors;
    const backend = await lossesWith('backend');
    const native = await lossesWith('onnxruntime');
    expect(native).toHaveLength(25);
    // the first batch is drawn before any update from logits equal to rounding: the same trajectories
    expect(Math.abs(native[0]! - backend[0]!) / Math.abs(backend[0]!)).toBeLessThan(1e-5);
    expect(await lossesWith('onnxruntime')).toEqual(native);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it("names the engine in the run's start event and in the start record of metrics.jsonl", async () => {
    const registry = new PluginRegistry([builtinPlugin]);
    const dir = mkdtempSync(join(tmpdir(), 'gfn-kernels-'));
    const startOf = async (kernelsChoice: string): Promise<[string, unknown]> => {
      const name = `start-${kernelsChoice}`;
      const config = resolveConfig(
        {
          name,
          iterations: 2,
          engine: { name: kernelsChoice },
          env: { name: 'hypergrid', ndim: 2, height: 4 },
          objective: { name: 'tb' },
          estimator: { name: 'mlp', hidden: [8] },
          evaluation: { mode: 'none' },
          logging: { dir, progress: 'none' },
        },
        registry,
      );
      let published = '';
      await train(config, registry, { subscribers: ['jsonl'], beforeRun: (_c, bus) => void bus.runStarted$.subscribe((e) => (published = e.kernels)) });
      const first = JSON.parse(readFileSync(join(dir, name, 'metrics.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
      expect(first.type).toBe('start');
      return [published, first.kernels];
    };
    try {
      expect(await startOf('onnxruntime')).toEqual(['onnxruntime', 'onnxruntime']);
      expect(await startOf('backend')).toEqual(['backend', 'backend']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is what engine "auto" picks here for training; "backend" picks none', () => {
    const engines = [...new PluginRegistry([builtinPlugin]).engines.values()];
    expect(chooseEngine({ name: 'auto', threads: 'auto' }, engines, 'training')?.name).toBe('onnxruntime');
    const started = startEngines({ name: 'auto', threads: 'auto' }, engines);
    expect(started.kernels?.name).toBe('onnxruntime');
    started.kernels!.dispose();
    expect(startEngines({ name: 'backend', threads: 'auto' }, engines)).toEqual({ kernels: undefined });
  });
});

describe('engine choices for training', () => {
  const fail = (): never => {
    throw new Error('not loadable');
  };
  const noKernels: Engine = { name: 'test-no-kernels', description: 'test', unavailable: () => undefined, load: fail };
  const absent: Engine = { name: 'test-absent-kernels', description: 'test', unavailable: () => 'its module is not installed', load: fail, kernels: fail };
  const broken: Engine = {
    name: 'test-broken-kernels',
    description: 'test',
    unavailable: () => undefined,
    load: fail,
    kernels: () => {
      throw new Error('libnative.so: cannot open shared object file');
    },
  };
  const engines = [noKernels, absent, broken];

  it('leaves training on the backend under an engine without training kernels (it runs exact evaluation only)', () => {
    const started = startEngines({ name: 'test-no-kernels', threads: 'auto' }, engines);
    expect(started.kernels).toBeUndefined();
    expect(started.evaluation).toEqual({ engine: noKernels, options: { threads: 0 }, always: true });
  });

  it('refuses an engine that cannot run here with the reason, and auto skips it', () => {
    expect(() => startEngines({ name: 'test-absent-kernels', threads: 'auto' }, engines)).toThrow(
      /field "engine.name" = "test-absent-kernels": its module is not installed/,
    );
    // picking it would throw (its kernels cannot be made): auto takes an available engine or none
    expect(chooseEngine({ name: 'auto', threads: 'auto' }, [absent], 'training')).toBeUndefined();
  });

  it('refuses an installed engine that cannot start, with its reason and the way out', () => {
    expect(() => startEngines({ name: 'test-broken-kernels', threads: 'auto' }, engines)).toThrow(ConfigError);
    expect(() => startEngines({ name: 'test-broken-kernels', threads: 'auto' }, engines)).toThrow(
      /field "engine.name" = "test-broken-kernels": test-broken-kernels could not start \(libnative.so: cannot open shared object file\); "backend" runs every pass on the tensor backend/,
    );
  });

  it('gives training one thread and exact evaluation every core under threads "auto", a number to both', () => {
    const onBoth = (threads: 'auto' | number): unknown => {
      let asked: number | undefined;
      const engine: Engine = {
        ...noKernels,
        name: 'counting',
        // correct kernels: they pass the self-test the engine is started with
        kernels: (o) => ((asked = o.threads), hostKernels('counting')),
      };
      const started = startEngines({ name: 'counting', threads }, [engine]);
      return [asked, started.evaluation?.options.threads];
    };
    expect(onBoth('auto')).toEqual([1, 0]);
    expect(onBoth(3)).toEqual([3, 3]);
  });

  it('fails a run in its preflight, before any work, when its engine is unknown', async () => {
    const registry = new PluginRegistry([builtinPlugin]);
    const config = resolveConfig(
      { name: 'kernels-bad', iterations: 1, env: { name: 'hypergrid', ndim: 2, height: 4 }, objective: { name: 'tb' }, evaluation: { mode: 'none' } },
      registry,
    );
    let iterations = 0;
    const run = train({ ...config, engine: { name: 'gpu', threads: 'auto' } }, registry, {
      subscribers: [],
      beforeRun: (_c, bus) => void bus.iteration$.subscribe(() => iterations++),
    });
    await expect(run).rejects.toThrow(/field "engine.name" = "gpu": no plugin contributes this engine; valid choices: "auto", "backend", "onnxruntime"/);
    expect(iterations).toBe(0);
  });
});
