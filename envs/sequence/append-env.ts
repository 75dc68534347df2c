import { batchSize, type Environment, type WithModes, rowsEqual } from '../../core/env/environment.js';
import type { TokenLayout, WithTokenLayout } from '../../core/env/capabilities.js';
import { oneHotEntryColumns, type WithFewHotEncoding } from '../../core/env/few-hot.js';
import { encodeSequences } from './encode.js';
import type { RowSequenceReward } from './sequence-env.js';

/**
 * Sequence design, left to right ("append"): `ndim` positions filled in order; s0 is all empty
 * (−1). Forward action `a < nbase` writes symbol `a` at the first empty position; exit
 * (a = nbase) is allowed only once every position is filled. Backward action `a` empties the last
 * filled position and is allowed iff it holds `a` — one parent per state, so P_B is deterministic
 * and P_T(x) = P_F(τ_x). Observations are one-hot per position, as for insert-anywhere.
 */
export class AppendSequenceEnv implements Environment, WithModes, WithTokenLayout, WithFewHotEncoding {
  readonly stateDim: number;
  readonly nActions: number;
  readonly obsDim: number;
  readonly s0: Int32Array;
  readonly maxTrajectoryLength: number;
  /** One column per filled position (see {@link encodeColumns}). */
  readonly obsColumnsPerRow: number;

  constructor(
    readonly name: string,
    readonly ndim: number,
    readonly nbase: number,
    readonly reward: RowSequenceReward,
  ) {
    if (!Number.isInteger(ndim) || ndim < 1) throw new Error(`${name}: ndim must be an integer >= 1, got ${ndim}`);
    if (!Number.isInteger(nbase) || nbase < 2) throw new Error(`${name}: nbase must be an integer >= 2, got ${nbase}`);
    this.stateDim = ndim;
    this.nActions = nbase + 1;
    this.obsDim = ndim * nbase;
    this.s0 = new Int32Array(ndim).fill(-1);
    this.maxTrajectoryLength = ndim + 1;
    this.obsColumnsPerRow = ndim;
  }

  /** Number of filled positions of row i. */
  private filled(states: Int32Array, i: number): number {
    let k = 0;
    while (k < this.ndim && states[i * this.ndim + k] !== -1) k++;
    return k;
  }

  step(states: Int32Array, actions: Int32Array): Int32Array {
    const n = batchSize(states, this.ndim);
    const out = states.slice();
    for (let i = 0; i < n; i++) {
      const a = actions[i]!;
      const k = this.filled(states, i);
      if (!Number.isInteger(a) || a < 0 || a >= this.nbase)
        throw new Error(`${this.name}.step: action ${a} in row ${i} is not a symbol in [0, ${this.nbase}) (exit is handled by the sampler)`);
      if (k === this.ndim) throw new Error(`${this.name}.step: row ${i} is already full`);
      out[i * this.ndim + k] = a;
    }
    return out;
  }

  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    const n = batchSize(states, this.ndim);
    const out = states.slice();
    for (let i = 0; i < n; i++) {
      const k = this.filled(states, i);
      if (k === 0 || states[i * this.ndim + k - 1] !== actions[i])
        throw new Error(`${this.name}.backwardStep: action ${actions[i]} does not remove the last symbol of row ${i}`);
      out[i * this.ndim + k - 1] = -1;
    }
    return out;
  }

  forwardMask(states: Int32Array): Uint8Array {
    const n = batchSize(states, this.ndim);
    const nA = this.nActions;
    const mask = new Uint8Array(n * nA);
    for (let i = 0; i < n; i++) {
      if (this.filled(states, i) === this.ndim) mask[i * nA + this.nbase] = 1;
      else mask.fill(1, i * nA, i * nA + this.nbase);
    }
    return mask;
  }

  backwardMask(states: Int32Array): Uint8Array {
    const n = batchSize(states, this.ndim);
    const mask = new Uint8Array(n * this.nbase);
    for (let i = 0; i < n; i++) {
      const k = this.filled(states, i);
      if (k > 0) mask[i * this.nbase + states[i * this.ndim + k - 1]!] = 1;
    }
    return mask;
  }

  isInitial(states: Int32Array): Uint8Array {
    return rowsEqual(states, this.s0);
  }

  logReward(states: Int32Array): Float64Array {
    const d = this.ndim;
    const n = batchSize(states, d);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (this.filled(states, i) !== d) throw new Error(`${this.name}: row ${i} is not a full sequence; only full sequences terminate`);
      out[i] = this.reward.logRewardOfSequence(states.subarray(i * d, i * d + d));
    }
    return out;
  }

  encode(states: Int32Array): Float32Array {
    return encodeSequences(this.name, states, this.ndim, this.nbase);
  }

  /** The column position·nbase + symbol of each filled position (empty: none): `encode`'s ones. */
  encodeColumns(states: Int32Array): Int32Array {
    return oneHotEntryColumns(this.name, states, this.ndim, this.nbase);
  }

  /** Observations are `ndim` one-hot blocks over the `nbase` symbols (see `encode.ts`). */
  tokenLayout(): TokenLayout {
    return { positions: this.ndim, vocabulary: this.nbase };
  }

  modeStates(): Int32Array {
    return this.reward.modeSequences();
  }
}
