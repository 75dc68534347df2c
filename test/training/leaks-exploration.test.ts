import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

const cases: Array<[string, Record<string, unknown>]> = [
  ['TB-B with MH local search', { objective: { name: 'tb', backward: 'learned' }, localSearch: { share: 0.5, backRatio: 0.5 } }],
  ['SubTB-U with intrinsic reward', { objective: { name: 'subtb', backward: 'uniform', intrinsic: { weight: 0.5, hidden: [8] } } }],
  [
    'RL-B with importance weights under ε and an entropy bonus',
    { objective: { name: 'rl', backward: 'coupled', value: { hidden: [8] }, importanceWeights: true, entropyBonus: 0.1 }, sampler: { epsilon: 0.2 } },
  ],
];

describe('tensor leaks of the exploration mechanisms', () => {
  it.each(cases)('%s: tf.memory().numTensors is the same after iteration 10 and 60, and a finished run frees everything', async (_label, patch) => {
    const counts = new Map<number, number>();
    const before = tf.memory().numTensors;
    await recordRun(smallConfig({ iterations: 60, estimator: { name: 'mlp', hidden: [16] }, evaluation: { every: 7 }, ...patch }), {
      beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => counts.set(e.iteration + 1, tf.memory().numTensors)),
    });
    expect(counts.get(10)).toBeGreaterThan(0);
    expect(counts.get(60)).toBe(counts.get(10));
    expect(tf.memory().numTensors).toBe(before);
  });
});
