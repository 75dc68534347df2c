import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

describe('tensor leaks', () => {
  it('tf.memory().numTensors is the same after iteration 20 and iteration 200 (TB-U and TB-B, with evaluation)', async () => {
    for (const backward of ['uniform', 'learned']) {
      const counts = new Map<number, number>();
      await recordRun(smallConfig({ iterations: 200, objective: { name: 'tb', backward }, evaluation: { every: 7 } }), {
        beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => counts.set(e.iteration + 1, tf.memory().numTensors)),
      });
      expect(counts.get(20)).toBeGreaterThan(0);
      expect(counts.get(200)).toBe(counts.get(20));
    }
  });

  it('a finished run frees every tensor it created', async () => {
    const before = tf.memory().numTensors;
    await recordRun(smallConfig({ iterations: 5, objective: { name: 'tb', backward: 'learned' } }));
    expect(tf.memory().numTensors).toBe(before);
  });
});
