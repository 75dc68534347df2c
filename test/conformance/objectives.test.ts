import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../core/conformance/report.js';
import { ConfigError } from '../../core/base/errors.js';
import type { Objective } from '../../core/objectives/objective.js';
import { definePlugin } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { checkObjective } from '../../plugins/conformance.js';
import nanPlugin from '../bench/nan-plugin.js';

/** Options that keep an objective's update small (the rest are its defaults). */
const SMALL_OPTIONS: Record<string, Record<string, unknown>> = { ppo: { nSteps: 32, minibatchSize: 16, epochs: 2 } };
const small = { env: { name: 'hypergrid', ndim: 2, height: 4 }, estimator: { name: 'mlp', hidden: [8] }, batchSize: 4 };

describe('conformance kit: objectives', () => {
  for (const name of builtinPlugin.objectives!.map((o) => o.name)) {
    it(`built-in '${name}' passes on a small HyperGrid`, async () => {
      const before = tf.memory().numTensors;
      const report = await checkObjective({ config: { ...small, objective: { name, ...SMALL_OPTIONS[name] } } });
      expect(report.ok, formatReport(report)).toBe(true);
      expect(report.checks).toEqual(expect.arrayContaining(['finite-loss', 'no-tensor-leak', 'finite-parameters']));
      // the check frees the objective and P_F it built
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('an objective that keeps a tensor per update fails no-tensor-leak', async () => {
    const kept: tf.Tensor[] = [];
    const leaky = definePlugin({
      name: 'leaky-test',
      objectives: [
        {
          name: 'leaky',
          description: 'keeps one tensor per update',
          schema: { properties: {} },
          create: (): Objective => ({
            name: 'leaky',
            update: () => {
              kept.push(tf.scalar(1));
              return { loss: 1 };
            },
            dispose: () => kept.splice(0).forEach((t) => t.dispose()),
          }),
        },
      ],
    });
    const report = await checkObjective({ plugins: [leaky], config: { ...small, objective: { name: 'leaky' } }, updates: 3 });
    expect(report.failures).toEqual([{ check: 'no-tensor-leak', message: 'update 2 left 1 more tensors; update 3 left 1 more tensors' }]);
  });

  it('a NaN loss fails finite-loss and finite-metrics', async () => {
    const report = await checkObjective({ plugins: [nanPlugin], config: { ...small, objective: { name: 'nan-after', after: 2 } }, updates: 2 });
    expect(report.failures.map((f) => f.check)).toEqual(['finite-loss', 'finite-metrics']);
    expect(report.failures[0]!.message).toBe('update 2 returned loss = NaN');
  });

  it('a bad config is the same ConfigError as gfn train gives', async () => {
    await expect(checkObjective({ config: { ...small, objective: { name: 'tb', lr: -1 } } })).rejects.toThrow(ConfigError);
  });
});
