import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Objective } from '../../core/objectives/objective.js';
import { definePlugin, PluginRegistry, type Resolver } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import { loadSampler } from '../../plugins/node/load-sampler.js';
import { createCheckpointSubscriber } from '../../run-folder/writers/checkpoint.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import { failureContext } from '../../core/events/failure.js';
import { readMetricsLog } from '../../run-folder/metrics-reader.js';
import { tbUniform } from '../training/fault-plugin.js';
import { tempRunsDir } from './helpers.js';

const BREAK_AT = 25;

/** TB-U that breaks at iteration BREAK_AT: log Z becomes NaN after the update (`param`) or the loss is NaN (`loss`). */
function breakingTb(kind: 'param' | 'loss') {
  return {
    name: `tb-nan-${kind}`,
    description: 'TB-U that produces a NaN at a fixed iteration (tests)',
    schema: { properties: {} },
    create: (_o: object, resolve: Resolver): Objective => {
      const tb = tbUniform(resolve);
      return {
        name: `tb-nan-${kind}`,
        update: (batch) => {
          const metrics = tb.update(batch);
          if (batch.iteration !== BREAK_AT) return metrics;
          if (kind === 'loss') return { ...metrics, loss: Number.NaN };
          tb.logZVar.assign(tf.scalar(Number.NaN));
          return metrics;
        },
        logZ: () => tb.logZ(),
        checkpointParts: () => tb.checkpointParts(),
        dispose: () => tb.dispose(),
      };
    },
  };
}

/** An objective that keeps no checkpointable state. */
const opaque = {
  name: 'opaque',
  description: 'an objective without checkpoint support (tests)',
  schema: { properties: {} },
  create: (): Objective => ({ name: 'opaque', update: () => ({ loss: 1 }), dispose: () => {} }),
};

/** A checkpoint writer whose process "dies" between writing (half of) the temporary file and the rename. */
const crashy = createCheckpointSubscriber({
  name: 'crashy-checkpoint',
  ops: {
    writeFile: (p, c) => writeFileSync(p, c.slice(0, c.length >> 1)),
    rename: () => {
      throw new Error('simulated crash before rename');
    },
  },
});

const testPlugin = definePlugin({ name: 'checkpoint-tests', objectives: [breakingTb('param'), breakingTb('loss'), opaque], subscribers: [crashy] });
const registry = new PluginRegistry([builtinPlugin, testPlugin]);

/** TB-U on a 2-D H=8 HyperGrid (MLP 2x64), with `patch` applied. */
function smallConfig(patch: Record<string, unknown>): ResolvedConfig {
  const base = {
    name: 'test',
    seed: 0,
    backend: 'wasm',
    batchSize: 16,
    env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.1 },
    objective: { name: 'tb' },
    estimator: { name: 'mlp', hidden: [64, 64] },
  };
  return resolveConfig({ ...base, ...patch }, registry);
}

describe('checkpoints under failure', () => {
  it('an interrupted checkpoint write fails the run (error record naming the subscriber) and leaves the previous checkpoint intact and loadable', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'crash', iterations: 50, checkpoint: { every: 10 }, logging: { dir, progress: 'none' } });
    // a good checkpoint after 10 iterations; then the run continues and its next write is cut short
    await train({ ...config, iterations: 10 }, registry, { subscribers: ['checkpoint'] });
    const runDir = join(dir, 'crash');
    expect(readCheckpoint(runDir).iterations).toBe(10);
    const resumedFrom = readCheckpoint(runDir);
    const failure = await train(config, registry, { subscribers: ['jsonl', 'crashy-checkpoint'], resume: resumedFrom }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(failure)).toMatch(/checkpoint write to .* failed: simulated crash before rename; the previous checkpoint is intact/);
    expect(failureContext(failure)).toEqual({ where: "subscriber 'crashy-checkpoint' of plugin 'checkpoint-tests'", iteration: 20 });
    // the run stopped at the failed write: its log ends on the error, after iteration 20
    const records = readMetricsLog(runDir)!.records;
    expect(records.at(-1)).toEqual({
      type: 'error',
      message: (failure as Error).message,
      where: "subscriber 'crashy-checkpoint' of plugin 'checkpoint-tests'",
      iteration: 20,
    });
    expect(records.filter((r) => r.type === 'iteration').at(-1)).toMatchObject({ iteration: 20 });
    // the half-written temporary file is there, the checkpoint is the old one, whole
    expect(readdirSync(runDir).some((f) => f.endsWith('.tmp'))).toBe(true);
    const after = readCheckpoint(runDir);
    expect(after.iterations).toBe(10);
    expect(after).toEqual(resumedFrom);
    const sampler = await loadSampler(runDir, { plugins: [testPlugin] });
    expect(sampler.sample(100).logRewards.every(Number.isFinite)).toBe(true);
    sampler.dispose();
  });

  for (const kind of ['param', 'loss'] as const) {
    it(`a NaN ${kind === 'param' ? 'parameter' : 'loss'} stops the run naming objective and iteration; the checkpoint from before stays loadable`, async () => {
      const dir = tempRunsDir();
      const config = smallConfig({
        name: 'nan',
        iterations: 50,
        checkpoint: { every: 10 },
        logging: { dir, progress: 'none' },
        objective: { name: `tb-nan-${kind}` },
      });
      const message =
        kind === 'param'
          ? /objective 'tb-nan-param' produced a non-finite parameter \(NaN or Inf in variable 'tb\/logZ#\d+'\) at iteration 25/
          : /objective 'tb-nan-loss' produced loss = NaN at iteration 25/;
      await expect(train(config, registry, { subscribers: ['jsonl', 'checkpoint'] })).rejects.toThrow(message);
      const runDir = join(dir, 'nan');
      const checkpoint = readCheckpoint(runDir);
      expect(checkpoint.iterations).toBe(20);
      expect(checkpoint.notResumable).toBeUndefined();
      // the checkpoint is usable: sampling works and a resume restores it (and then breaks again at 25)
      const sampler = await loadSampler(runDir, { plugins: [testPlugin] });
      expect(sampler.sample(50).logRewards.every(Number.isFinite)).toBe(true);
      sampler.dispose();
      await expect(train(checkpoint.config, registry, { subscribers: [], resume: checkpoint })).rejects.toThrow(message);
    });
  }

  it('a run whose objective cannot be checkpointed refuses to resume, naming the objective', async () => {
    const dir = tempRunsDir();
    const config = smallConfig({ name: 'opaque', iterations: 5, logging: { dir, progress: 'none' }, objective: { name: 'opaque' } });
    await train(config, registry, { subscribers: ['checkpoint'] });
    const checkpoint = readCheckpoint(join(dir, 'opaque'));
    expect(checkpoint.notResumable).toMatch(/objective 'opaque' does not support checkpoints/);
    await expect(train({ ...config, iterations: 10 }, registry, { subscribers: [], resume: checkpoint })).rejects.toThrow(/cannot resume .*objective 'opaque'/);
    expect(existsSync(join(dir, 'opaque', 'checkpoint.json'))).toBe(true);
  });
});
