import type { WithKnownLogPartition, WithModeThreshold, WithTerminalDistance, WithTestSet } from '../core/env/capabilities.js';
import { batchSize, type Enumerable, type Environment, rowsEqual, type WithExactMetrics } from '../core/env/environment.js';
import { Rng } from '../core/base/rng.js';
import { oneHotEntryColumns, type WithFewHotEncoding } from '../core/env/few-hot.js';
import { coordinateFactors, hyperGridFactors, hyperGridTestSet } from './hypergrid-factors.js';
import type { EvaluationView, ViewSource, WithEvaluationView } from '../core/env/view.js';
import type { Estimator } from '../core/tensor/estimator.js';
import { cappedExitGuide } from '../core/policy/capped-exit-guide.js';
import type { Guide, GuideProvider } from '../core/policy/guide.js';
import { type FactorisedReward, hypergridView } from './hypergrid-view.js';
import { cornerRegions, regionCoverage } from './hypergrid-regions.js';

/** Options of {@link HyperGrid}. */
export interface HyperGridOptions {
  /** Number of coordinates. */
  ndim: number;
  /** Cells per coordinate; coordinates live in [0, height − 1]. */
  height: number;
  R0: number;
  R1: number;
  R2: number;
  /** Use the cosine reward R0 + R1·Π_d (cos(50·a_d) + 1)·φ(5·a_d) instead of the step reward. */
  rewardCos: boolean;
}

/**
 * The HyperGrid: start at the origin of an ndim-dimensional grid of side `height`, add 1 to one
 * coordinate per step, exit anywhere. With a_d = |s_d/(H−1) − ½| the reward is
 * R(s) = R0 + R1·Π_d 1[a_d > 0.25] + R2·Π_d 1[0.3 < a_d < 0.4]
 * (or the cosine variant). Forward action d < ndim increments coordinate d (allowed while
 * s_d < H−1); action ndim is exit (always allowed). Backward action d decrements coordinate d
 * (allowed while s_d > 0). Observations are K-hot: x[d·H + s_d] = 1.
 */
export class HyperGrid
  implements
    Environment,
    Enumerable,
    GuideProvider,
    WithKnownLogPartition,
    WithModeThreshold,
    WithTerminalDistance,
    WithTestSet,
    WithEvaluationView,
    WithExactMetrics,
    WithFewHotEncoding
{
  readonly name = 'hypergrid';
  readonly stateDim: number;
  readonly nActions: number;
  readonly obsDim: number;
  readonly s0: Int32Array;
  readonly maxTrajectoryLength: number;
  readonly nStates: number;
  /** One column per coordinate: `encode`'s ones as columns (see {@link encodeColumns}). */
  readonly obsColumnsPerRow: number;
  private cachedLogRewards?: Float64Array;
  private cachedRegions?: Int32Array;

  constructor(readonly options: HyperGridOptions) {
    const { ndim, height } = options;
    if (!Number.isInteger(ndim) || ndim < 1) throw new Error(`hypergrid: ndim must be an integer >= 1, got ${ndim}`);
    if (!Number.isInteger(height) || height < 2) throw new Error(`hypergrid: height must be an integer >= 2, got ${height}`);
    this.stateDim = ndim;
    this.nActions = ndim + 1;
    this.obsDim = ndim * height;
    this.s0 = new Int32Array(ndim);
    this.maxTrajectoryLength = ndim * (height - 1) + 1;
    this.nStates = height ** ndim;
    this.obsColumnsPerRow = ndim;
  }

  step(states: Int32Array, actions: Int32Array): Int32Array {
    const n = batchSize(states, this.stateDim);
    const out = states.slice();
    for (let i = 0; i < n; i++) {
      const a = actions[i]!;
      if (a < 0 || a >= this.stateDim) throw new Error(`hypergrid.step: action ${a} is not a coordinate move (exit is handled by the sampler)`);
      const k = i * this.stateDim + a;
      if (out[k]! >= this.options.height - 1) throw new Error(`hypergrid.step: coordinate ${a} is already at the border in row ${i}`);
      out[k]! += 1;
    }
    return out;
  }

  backwardStep(states: Int32Array, actions: Int32Array): Int32Array {
    const n = batchSize(states, this.stateDim);
    const out = states.slice();
    for (let i = 0; i < n; i++) {
      const a = actions[i]!;
      if (a < 0 || a >= this.stateDim) throw new Error(`hypergrid.backwardStep: invalid backward action ${a}`);
      const k = i * this.stateDim + a;
      if (out[k]! <= 0) throw new Error(`hypergrid.backwardStep: coordinate ${a} is already 0 in row ${i}`);
      out[k]! -= 1;
    }
    return out;
  }

  forwardMask(states: Int32Array): Uint8Array {
    const d = this.stateDim;
    const n = batchSize(states, d);
    const mask = new Uint8Array(n * this.nActions);
    const top = this.options.height - 1;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) mask[i * this.nActions + c] = states[i * d + c]! < top ? 1 : 0;
      mask[i * this.nActions + d] = 1;
    }
    return mask;
  }

  backwardMask(states: Int32Array): Uint8Array {
    const d = this.stateDim;
    const n = batchSize(states, d);
    const mask = new Uint8Array(n * d);
    for (let k = 0; k < n * d; k++) mask[k] = states[k]! > 0 ? 1 : 0;
    return mask;
  }

  isInitial(states: Int32Array): Uint8Array {
    return rowsEqual(states, this.s0);
  }

  /**
   * log Z in closed form at any size: R is R0 plus per-coordinate products, so
   * Z = R0·H^D + R1·(Σ_i o(i))^D + R2·(Σ_i r(i))^D (o, r: the outer-region and ring indicators,
   * or the cosine factor with R2's term absent).
   */
  knownLogPartition(): number {
    return hyperGridFactors(this.options).logPartition(this.stateDim);
  }

  /** Modes are the cells of maximal reward (the ring in every coordinate, for the step reward). */
  modeLogRewardThreshold(): number {
    // a hair below log R_max: the same float expression as reward(), guarded against rounding
    return Math.log(hyperGridFactors(this.options).maxReward(this.stateDim)) - 1e-12;
  }

  /** Number of maximal-reward cells, (cells of maximal factor per coordinate)^D. */
  modeCount(): number {
    return hyperGridFactors(this.options).maxRewardCells(this.stateDim);
  }

  /** L1 (Manhattan) distance between cells. */
  terminalDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let d = 0;
    for (let c = 0; c < this.stateDim; c++) d += Math.abs(a[c]! - b[c]!);
    return d;
  }

  /** 999 seeded cells, a third each uniform, in the outer region and in the ring (where non-empty). */
  testSet(): Int32Array {
    return hyperGridTestSet(this.options, this.stateDim, 999, new Rng(0x9e1d));
  }

  /** R(s) of one state given as coordinates. */
  reward(state: ArrayLike<number>): number {
    const { R0, R1, R2, height, rewardCos } = this.options;
    let outer = 1;
    let ring = 1;
    let cos = 1;
    for (let c = 0; c < this.stateDim; c++) {
      const f = coordinateFactors(state[c]!, height);
      outer *= f.outer;
      ring *= f.ring;
      cos *= f.cos;
    }
    return rewardCos ? R0 + R1 * cos : R0 + R1 * outer + R2 * ring;
  }

  /** The reward as R0 + Σ_t weight_t·Π_d factor_t[s_d] (what the closed-form marginals of the view use). */
  factorisedReward(): FactorisedReward {
    return { constant: this.options.R0, terms: hyperGridFactors(this.options).terms };
  }

  /** Learned distribution vs R/Z over the first two coordinates (see `hypergridView`). */
  evaluationView(source: ViewSource): EvaluationView | undefined {
    return hypergridView({ ndim: this.stateDim, height: this.options.height, reward: this.factorisedReward() }, source);
  }

  logReward(states: Int32Array): Float64Array {
    const d = this.stateDim;
    const n = batchSize(states, d);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.log(this.reward(states.subarray(i * d, i * d + d)));
    return out;
  }

  /** Coverage of the corner regions by P_T (see hypergrid-regions.ts), next to TV in exact evaluation. */
  exactMetrics(terminating: Float64Array): Record<string, number> {
    const { ndim, height } = this.options;
    this.cachedRegions ??= cornerRegions(this.allStates(), ndim, height);
    return regionCoverage(this.cachedRegions, ndim, terminating, this.trueDistribution());
  }

  encode(states: Int32Array): Float32Array {
    const { height } = this.options;
    const d = this.stateDim;
    const n = batchSize(states, d);
    const obs = new Float32Array(n * this.obsDim);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) {
        const v = states[i * d + c]!;
        // s_f padding (−1) encodes as all zeros; it is never fed to a network in training
        if (v >= 0) obs[i * this.obsDim + c * height + v] = 1;
      }
    }
    return obs;
  }

  /** The column d·H + s_d of each coordinate (s_f's padding −1: none): `encode`'s ones. */
  encodeColumns(states: Int32Array): Int32Array {
    return oneHotEntryColumns(this.name, states, this.stateDim, this.options.height);
  }

  /** All states in index order (index = Σ_d s_d·H^(ndim−1−d)), which lists parents before children. */
  allStates(): Int32Array {
    const { height } = this.options;
    const d = this.stateDim;
    const out = new Int32Array(this.nStates * d);
    for (let idx = 0; idx < this.nStates; idx++) {
      let rest = idx;
      for (let c = d - 1; c >= 0; c--) {
        out[idx * d + c] = rest % height;
        rest = Math.floor(rest / height);
      }
    }
    return out;
  }

  stateIndex(states: Int32Array): Int32Array {
    const { height } = this.options;
    const d = this.stateDim;
    const n = batchSize(states, d);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let idx = 0;
      for (let c = 0; c < d; c++) idx = idx * height + states[i * d + c]!;
      out[i] = idx;
    }
    return out;
  }

  private allLogRewards(): Float64Array {
    this.cachedLogRewards ??= this.logReward(this.allStates());
    return this.cachedLogRewards;
  }

  logPartition(): number {
    const lr = this.allLogRewards();
    let max = -Infinity;
    for (const v of lr) max = Math.max(max, v);
    let s = 0;
    for (const v of lr) s += Math.exp(v - max);
    return max + Math.log(s);
  }

  trueDistribution(): Float64Array {
    const lr = this.allLogRewards();
    const logZ = this.logPartition();
    return lr.map((v) => Math.exp(v - logZ));
  }

  /**
   * The RL-G guide: P_F's logits with the exit logit capped at log 1e−5 in states whose reward is
   * only the background R0 — a backward policy trained towards it avoids parents where a forward
   * trajectory would have had reason to stop only at a low-reward state.
   */
  createGuide(forward: Estimator): Guide {
    const logR0 = Math.log(this.options.R0);
    return cappedExitGuide(this, forward, (logR) => logR <= logR0);
  }
}
