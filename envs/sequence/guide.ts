/**
 * The RL-G guide for sequence tasks. For a backward trajectory that ends at the full sequence x,
 * at a state s the candidate forward actions are "fill an empty position i with x_i", and
 *   P_G(fill i | s, x) ∝ mean reward of the replayed sequences that agree with s + (i ← x_i)
 *                        on every filled position,
 * falling back to P_F when every candidate scores 0. The replay holds training terminal
 * sequences (`observe`), indexed so that each score is a table look-up (see ReplayPatternIndex).
 * Actions are indexed `symbol·ndim + position`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { takenLogProbs } from '../../core/policy/categorical.js';
import type { Guide } from '../../core/policy/guide.js';
import { selectRows } from '../../core/sampling/transitions.js';
import { readValues } from '../../core/tensor/read.js';
import { ReplayPatternIndex } from './replay-index.js';

export class SequenceReplayGuide implements Guide {
  readonly replay: ReplayPatternIndex;

  constructor(
    private readonly env: Environment,
    private readonly ndim: number,
    nbase: number,
    private readonly forward: Estimator,
    capacity: number,
  ) {
    this.replay = new ReplayPatternIndex(ndim, nbase, capacity);
  }

  observe(terminals: Int32Array, logRewards: Float64Array): void {
    this.replay.add(terminals, Array.from(logRewards, Math.exp));
  }

  logProbs(states: Int32Array, actions: Int32Array, terminals: Int32Array): Float32Array {
    const { ndim } = this;
    const rows = actions.length;
    const out = new Float32Array(rows);
    const fallback: number[] = [];
    const probe = new Int32Array(ndim);
    for (let r = 0; r < rows; r++) {
      const s = states.subarray(r * ndim, (r + 1) * ndim);
      const x = terminals.subarray(r * ndim, (r + 1) * ndim);
      const position = actions[r]! % ndim;
      const symbol = Math.floor(actions[r]! / ndim);
      if (s[position] !== -1 || x[position] !== symbol) {
        throw new Error(`sequence guide: action ${actions[r]} (position ${position} ← ${symbol}) is not a candidate towards the terminal sequence of row ${r}`);
      }
      let total = 0;
      let taken = 0;
      for (let i = 0; i < ndim; i++) {
        if (s[i] !== -1) continue;
        probe.set(s);
        probe[i] = x[i]!;
        const score = this.replay.meanReward(probe);
        total += score;
        if (i === position) taken = score;
      }
      if (total > 0) out[r] = Math.log(taken / total);
      else fallback.push(r);
    }
    if (fallback.length > 0) {
      const idx = Int32Array.from(fallback);
      const sub = selectRows(states, ndim, idx);
      const lp = readValues(() =>
        takenLogProbs(
          this.forward.predict(tf.tensor2d(this.env.encode(sub), [idx.length, this.env.obsDim])),
          this.env.forwardMask(sub),
          selectRows(actions, 1, idx),
        ),
      );
      idx.forEach((r, k) => (out[r] = lp[k]!));
    }
    return out;
  }
}
