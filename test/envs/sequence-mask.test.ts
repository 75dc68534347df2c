import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { type RowSequenceReward, SequenceEnv } from '../../envs/sequence/sequence-env.js';

/** The forward mask by its definition, position by position and symbol by symbol (the computation before the block copies). */
function forwardMaskByDefinition(states: Int32Array, ndim: number, nbase: number): Uint8Array {
  const nA = nbase * ndim + 1;
  const n = states.length / ndim;
  const mask = new Uint8Array(n * nA);
  for (let i = 0; i < n; i++) {
    let full = 1;
    for (let p = 0; p < ndim; p++) {
      if (states[i * ndim + p] !== -1) continue;
      full = 0;
      for (let b = 0; b < nbase; b++) mask[i * nA + b * ndim + p] = 1;
    }
    mask[i * nA + nA - 1] = full;
  }
  return mask;
}

// the mask does not read the reward
const reward: RowSequenceReward = { logRewardOfSequence: () => 0, modeSequences: () => new Int32Array(0) };

describe('SequenceEnv.forwardMask', () => {
  // shapes of the shipped tasks (TFbind8, qm9str, sEH strings, bitseq n = 120 k = 8) and edge cases
  const shapes: Array<[number, number]> = [
    [8, 4],
    [5, 11],
    [6, 18],
    [15, 256],
    [1, 2],
    [3, 7],
  ];
  it.each(shapes)('equals the definition on random partial, empty and full states (ndim %i, nbase %i)', (ndim, nbase) => {
    const env = new SequenceEnv({ name: 'seq', ndim, nbase }, reward);
    const rng = new Rng(ndim * 1000 + nbase);
    const rows = 64;
    const states = new Int32Array(rows * ndim);
    for (let i = 0; i < rows; i++) {
      // row 0 empty, row 1 full, the rest filled with probability i / rows
      for (let p = 0; p < ndim; p++) {
        const filled = i === 1 || (i > 1 && rng.uniform() < i / rows);
        states[i * ndim + p] = filled ? Math.floor(rng.uniform() * nbase) : -1;
      }
    }
    expect(env.forwardMask(states)).toEqual(forwardMaskByDefinition(states, ndim, nbase));
    expect(env.forwardMask(new Int32Array(0))).toEqual(new Uint8Array(0));
  });
});
