import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../core/di/tokens.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { onnxRuntimeEngine } from '../../plugins/node/onnx/onnx-engine.js';

const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`sparse-input runs on onnxruntime skipped: ${missing}\n`);

const ENVS: Record<string, Record<string, unknown>> = {
  // two ones per row of 16
  hypergrid: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.01 },
  // append: up to 4 ones per row of 64, none at s0, fewer than 4 until the sequence is full
  bitseq: { name: 'bitseq', ndim: 16, wordBits: 4, variant: 'append', codebook: 'words', nModes: 4, alpha: 0.1 },
};
/** 8 positions x 256 words: 2,048 wide, at least what "auto" gathers for. */
const WIDE = { ...ENVS.bitseq, ndim: 64, wordBits: 8 };

/** The first losses of a short TB run, and whether its P_F took few-hot columns. */
async function run(env: string, engine: string, sparseInput: boolean | 'auto'): Promise<{ losses: number[]; fewHot: boolean | undefined }> {
  const registry = new PluginRegistry([builtinPlugin]);
  const config = resolveConfig(
    {
      name: `sparse-input-${env}-${engine}-${sparseInput}`,
      seed: 3,
      iterations: 4,
      batchSize: 8,
      engine: { name: engine },
      env: env === 'wide' ? WIDE : ENVS[env],
      objective: { name: 'tb', backward: 'uniform' },
      estimator: { name: 'mlp', hidden: [32, 32], sparseInput },
      evaluation: { mode: 'none' },
    },
    registry,
  );
  const losses: number[] = [];
  let fewHot: boolean | undefined;
  await train(config, registry, {
    subscribers: [],
    beforeRun: (container, bus) => {
      fewHot = container.get(TOKENS.ForwardEstimator).fewHotInput;
      bus.iteration$.subscribe((e) => losses.push(e.metrics.loss!));
    },
  });
  return { losses, fewHot };
}

describe('estimator.sparseInput: a run with few-hot columns trains like one with dense rows', () => {
  const engines = missing ? ['backend'] : ['backend', 'onnxruntime'];
  for (const engine of engines) {
    it.each(Object.keys(ENVS))(`%s on ${engine}: the same losses to float32 rounding`, async (env) => {
      const dense = await run(env, engine, false);
      const sparse = await run(env, engine, true);
      expect([dense.fewHot, sparse.fewHot]).toEqual([false, true]);
      expect(sparse.losses).toHaveLength(4);
      // same seed, logits equal to rounding: the same trajectories and losses; a first layer that
      // dropped or double-counted a one would change the losses by far more than rounding
      sparse.losses.forEach((loss, i) => expect(Math.abs(loss - dense.losses[i]!) / Math.abs(dense.losses[i]!)).toBeLessThan(1e-4));
    });
  }

  it('"auto" leaves narrow observations dense and gathers for wide ones', async () => {
    expect((await run('hypergrid', 'backend', 'auto')).fewHot).toBe(false);
    expect((await run('wide', 'backend', 'auto')).fewHot).toBe(true);
  });
});
