import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

const objectives: Array<Record<string, unknown>> = [
  { name: 'tb', backward: 'uniform' },
  { name: 'tb', backward: 'learned' },
  { name: 'rl', backward: 'uniform' },
  { name: 'rl', backward: 'coupled' },
  { name: 'rl', backward: 'guided' },
  // a tiny δ makes backtracking (and rejected steps) likely inside the leak check; test/algorithms/trpo.test.ts asserts rejections directly
  { name: 'rl', backward: 'coupled', optimizer: 'trpo', trpo: { delta: 1e-4, backtrackSteps: 3 } },
];

describe('tensor leaks', () => {
  it.each(objectives)('tf.memory().numTensors is the same after iteration 20 and 200: %o', async (objective) => {
    const counts = new Map<number, number>();
    await recordRun(smallConfig({ iterations: 200, objective, estimator: { name: 'mlp', hidden: [16, 16] }, evaluation: { every: 7 } }), {
      beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => counts.set(e.iteration, tf.memory().numTensors)),
    });
    expect(counts.get(20)).toBeGreaterThan(0);
    expect(counts.get(200)).toBe(counts.get(20));
  });

  it('a finished run frees every tensor it created', async () => {
    for (const objective of objectives) {
      const before = tf.memory().numTensors;
      await recordRun(smallConfig({ iterations: 5, objective }));
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
