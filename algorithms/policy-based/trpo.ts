/**
 * The trust-region step of RL-T (TRPO, Schulman et al. 2015) for a masked categorical policy.
 *
 * Over the visited (state, action) rows m of a batch of N trajectories, with advantages A_m:
 *   surrogate L(θ) = Σ_m exp(log π_θ(a_m|s_m) − log π_old(a_m|s_m)) · A_m / N        (a cost)
 *   KL(θ)        = Σ_m KL(π_old(·|s_m) ‖ π_θ(·|s_m)) / N
 * g = ∇L at θ_old; F = ∇²KL at θ_old = Σ_m J_mᵀ (diag p_m − p_m p_mᵀ) J_m / N with J_m the
 * Jacobian of the logits of state s_m — products F·v are exact: J·v by forward mode and Jᵀ·u
 * by backpropagation through the estimator's linearisation (`linearize`), which is computed once
 * per step at the batch's distinct states and also gives g = Jᵀ (∂L/∂logits) and L(θ_old) (its
 * outputs are the inference logits). s = CG(F, g) in `cgIterations` iterations — in parameter
 * space with matrix-free products, or in output space on the Gram matrix of the Jacobian's rows
 * when the estimator offers it and that is estimated cheaper (`output-space-cg.ts`, `cg-choice.ts`);
 * step = sqrt(2δ / sᵀg) · s; try θ_old − 0.5^k · step for k = 0 … backtrackSteps − 1 and keep the
 * first with L < L(θ_old) and KL ≤ δ; if none, θ_old stays.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator, Linearization } from '../../core/tensor/estimator.js';
import { maskPenalty } from '../../core/policy/categorical.js';
import { uniqueRows } from '../../core/policy/unique-states.js';
import { assignFlat, flattenValues, parameterCount, unflatten } from '../../core/tensor/flat-params.js';
import { readValues, withFloatValues } from '../../core/tensor/read.js';
import { preferOutputSpace } from './cg-choice.js';
import { conjugateGradient, dot } from './conjugate-gradient.js';
import { expandRows, gramTimes, outputRows, outputSpaceConjugateGradient, restrictToRows, rowGram, rowSeeds } from './output-space-cg.js';

export { conjugateGradient } from './conjugate-gradient.js';

/** Options of the trust-region step. */
export interface TrpoOptions {
  /** Trust-region radius δ on the mean KL. */
  delta: number;
  /** Conjugate-gradient iterations. */
  cgIterations: number;
  /** CG stops early when the squared residual falls below this. */
  cgTolerance: number;
  /** Backtracking line-search tries (step halves each time). */
  backtrackSteps: number;
  /** Added to the Fisher matrix's diagonal (0 = as in the reference code). */
  damping: number;
}

/** v ↦ F·v, holding cached tensors until `dispose()`. */
export type FisherProduct = ((v: Float64Array) => Float64Array) & { dispose(): void };

/** Which conjugate-gradient solver computes the search direction (see `searchDirection`). */
export type CgSolver = 'auto' | 'matrix-free' | 'output-space';

/** What one step did. */
export interface TrpoStepResult {
  accepted: boolean;
  /** Backtracking exponent of the accepted step (−1 when none). */
  backtracks: number;
  surrogateBefore: number;
  surrogateAfter: number;
  kl: number;
}

/** Visited rows of a batch, with the quantities the step needs. */
export interface TrpoBatch {
  states: Int32Array;
  actions: Int32Array;
  advantages: Float32Array;
  nTraj: number;
}

/** A batch's distinct states, the policy linearised there, and its probabilities (one network pass). */
interface Linearized {
  /** The distinct states (rows of stateDim) and their encodings. */
  unique: Int32Array;
  obs: Float32Array;
  /** Distinct-state index of every row. */
  inverse: Int32Array;
  /** Rows per distinct state. */
  counts: Float32Array;
  nUnique: number;
  /** Forward masks and masked softmax of the logits at each distinct state (float64). */
  mask: Uint8Array;
  probs: Float64Array;
  lin: Linearization;
  dispose(): void;
}

export class TrustRegionStep {
  /** The line search's parameter vectors (the current ones and a candidate), reused from step to step. */
  private lineSearch?: { old: Float64Array; candidate: Float64Array };

  constructor(
    private readonly env: Environment,
    private readonly policy: Estimator,
    private readonly options: TrpoOptions,
  ) {
    if (!policy.linearize)
      throw new Error("RL-T (optimizer 'trpo') needs an estimator that can be linearised (Jacobian products); the 'mlp' and 'transformer' estimators can");
  }

  /** ∇ of the surrogate at the current parameters, flattened in `policy.variables` order. */
  surrogateGradient(batch: TrpoBatch): Float64Array {
    const at = this.linearizeAt(batch);
    try {
      return this.gradientAt(at, batch);
    } finally {
      at.dispose();
    }
  }

  /**
   * v ↦ F·v (+ damping·v) for the Fisher matrix of the batch at the current parameters. The
   * policy is linearised once at the batch's distinct states (cached activations reused by every
   * product); call `dispose()` on the returned function when done.
   */
  fisherVectorProduct(batch: TrpoBatch): FisherProduct {
    const at = this.linearizeAt(batch);
    return Object.assign(this.productAt(at, batch.nTraj), { dispose: () => at.dispose() });
  }

  /**
   * The step's search direction s = CG(F + damping·I, g) and sᵀg at the current parameters.
   * `solver` picks the CG variant: 'matrix-free' (parameter space), 'output-space' (Gram matrix
   * of the Jacobian's rows; needs an estimator whose linearisation offers `gram`), or 'auto' (the
   * one estimated cheaper, as `step` does). Both give the same direction up to rounding.
   */
  searchDirection(batch: TrpoBatch, solver: CgSolver = 'auto'): { direction: Float64Array; sg: number } {
    const at = this.linearizeAt(batch);
    try {
      return this.directionAt(at, batch, solver);
    } finally {
      at.dispose();
    }
  }

  /** One trust-region step on the policy's parameters. */
  step(batch: TrpoBatch): TrpoStepResult {
    const { delta, backtrackSteps } = this.options;
    const vars = this.policy.variables;
    // one linearisation serves the gradient, the Fisher products and the surrogate before the step
    const at = this.linearizeAt(batch);
    let direction: Float64Array;
    let sg: number;
    let before: { surrogate: number; kl: number; logProbs: Float64Array };
    try {
      ({ direction, sg } = this.directionAt(at, batch, 'auto'));
      before = this.surrogateAndKl(batch, at.inverse, at.probs);
    } finally {
      at.dispose();
    }
    const none: TrpoStepResult = { accepted: false, backtracks: -1, surrogateBefore: before.surrogate, surrogateAfter: before.surrogate, kl: 0 };
    if (!(sg > 0) || !Number.isFinite(sg)) return none;
    const n = parameterCount(vars);
    // the parameter-sized buffers are kept between steps: megabytes per step otherwise
    if (this.lineSearch?.old.length !== n) this.lineSearch = { old: new Float64Array(n), candidate: new Float64Array(n) };
    const old = flattenValues(vars, this.lineSearch.old);
    const maxLength = Math.sqrt((2 * delta) / sg);
    const candidate = this.lineSearch.candidate;
    // the distinct states are host arrays, still valid after the linearisation is disposed
    const { unique, obs, inverse } = at;
    for (let k = 0; k < backtrackSteps; k++) {
      const scale = maxLength * 0.5 ** k;
      for (let j = 0; j < old.length; j++) candidate[j] = old[j]! - scale * direction[j]!;
      assignFlat(vars, candidate);
      const after = this.surrogateAndKl(batch, inverse, this.probabilities(unique, obs), before.logProbs);
      if (after.surrogate < before.surrogate && after.kl <= delta) {
        return { accepted: true, backtracks: k, surrogateBefore: before.surrogate, surrogateAfter: after.surrogate, kl: after.kl };
      }
    }
    assignFlat(vars, old);
    return none;
  }

  /** The policy linearised at the batch's distinct states, with its probabilities there. */
  private linearizeAt(batch: TrpoBatch): Linearized {
    const { env } = this;
    const { unique, inverse } = uniqueRows(batch.states, env.stateDim);
    const nUnique = unique.length / env.stateDim;
    const counts = new Float32Array(nUnique);
    for (const u of inverse) counts[u]! += 1;
    const obs = env.encode(unique);
    const x = tf.tensor2d(obs, [nUnique, env.obsDim]);
    const lin = this.policy.linearize!(x);
    // the linearisation's outputs are the inference logits, bit for bit
    const mask = env.forwardMask(unique);
    const probs = softmaxRows(lin.outputs.dataSync(), mask, env.nActions);
    return {
      unique,
      obs,
      inverse,
      counts,
      nUnique,
      mask,
      probs,
      lin,
      dispose: () => {
        lin.dispose();
        x.dispose();
      },
    };
  }

  /** s = CG(F + λI, g) and sᵀg by the given solver ('auto': whichever of the two is estimated cheaper). */
  private directionAt(at: Linearized, batch: TrpoBatch, solver: CgSolver): { direction: Float64Array; sg: number } {
    const { cgIterations, cgTolerance, damping } = this.options;
    const nA = this.env.nActions;
    const gram = at.lin.gram;
    if (solver === 'output-space' && !gram)
      throw new Error("the 'output-space' CG solver needs an estimator whose linearisation offers `gram` (the 'mlp' estimator's does)");
    const rows = gram && solver !== 'matrix-free' ? outputRows(at.mask, nA) : undefined;
    if (!gram || !rows || (solver === 'auto' && !preferOutputSpace(gram, rows, parameterCount(this.policy.variables), cgIterations))) {
      const g = this.gradientAt(at, batch);
      const direction = conjugateGradient(this.productAt(at, batch.nTraj), g, cgIterations, cgTolerance);
      return { direction, sg: dot(direction, g) };
    }
    // g = Jᵀ q = Jᵀ B b with b = q at the rows (q sums to 0 over each state's allowed actions);
    // CG on row coordinates with K̃ = the rows' Gram matrix (see output-space-cg.ts)
    const b = restrictToRows(rows, this.logitGradient(at, batch), nA);
    const k = rows.count === 0 ? new Float64Array(0) : rowGram(rows, gram.matrix(rowSeeds(rows, nA), rows.blocks));
    const weights = Float64Array.from(at.counts, (c) => c / batch.nTraj);
    const u = outputSpaceConjugateGradient(k, rows, { probs: at.probs, weights }, nA, b, damping, cgIterations, cgTolerance);
    // sᵀg = (Jᵀ B u)·(Jᵀ B b) = uᵀ K̃ b
    return { direction: this.vjpFlat(at, expandRows(rows, u, nA)), sg: dot(u, gramTimes(k, b)) };
  }

  /**
   * ∇ surrogate = Jᵀ q with q the gradient w.r.t. the logits (`logitGradient`).
   */
  private gradientAt(at: Linearized, batch: TrpoBatch): Float64Array {
    return this.vjpFlat(at, Float32Array.from(this.logitGradient(at, batch)));
  }

  /**
   * The surrogate's gradient w.r.t. the logits at the distinct states (nUnique x nA): at the
   * current parameters (ratio 1) row m contributes A_m (e_{a_m} − p) / N at its state.
   */
  private logitGradient(at: Linearized, batch: TrpoBatch): Float64Array {
    const nA = this.env.nActions;
    const q = new Float64Array(at.nUnique * nA);
    const perState = new Float64Array(at.nUnique * nA);
    const weight = new Float64Array(at.nUnique);
    for (let m = 0; m < batch.actions.length; m++) {
      const s = at.inverse[m]!;
      const w = batch.advantages[m]! / batch.nTraj;
      perState[s * nA + batch.actions[m]!]! += w;
      weight[s]! += w;
    }
    for (let k = 0; k < q.length; k++) q[k] = perState[k]! - weight[Math.floor(k / nA)]! * at.probs[k]!;
    return q;
  }

  /** v ↦ F·v (+ damping·v) on a linearisation (not disposed here). */
  private productAt(at: Linearized, nTraj: number): (v: Float64Array) => Float64Array {
    const vars = this.policy.variables;
    const nA = this.env.nActions;
    const { probs, counts, nUnique } = at;
    return (v) => {
      const tangents = unflatten(vars, v);
      const jv = readValues(() => at.lin.jvp(tangents));
      tf.dispose(tangents);
      // u_s = count_s · (diag p − p pᵀ) J_s v / N
      const u = new Float32Array(nUnique * nA);
      for (let s = 0; s < nUnique; s++) {
        let pjv = 0;
        for (let a = 0; a < nA; a++) pjv += probs[s * nA + a]! * jv[s * nA + a]!;
        for (let a = 0; a < nA; a++) u[s * nA + a] = (counts[s]! * probs[s * nA + a]! * (jv[s * nA + a]! - pjv)) / nTraj;
      }
      const fv = this.vjpFlat(at, u);
      if (this.options.damping > 0) for (let k = 0; k < fv.length; k++) fv[k]! += this.options.damping * v[k]!;
      return fv;
    };
  }

  /** Jᵀ·u flattened in `policy.variables` order, for u given per distinct state (nUnique x nA). */
  private vjpFlat(at: Linearized, u: Float32Array): Float64Array {
    const grads = tf.tidy(() => at.lin.vjp(tf.tensor2d(u, [at.nUnique, this.env.nActions])));
    const out = new Float64Array(parameterCount(this.policy.variables));
    let off = 0;
    for (const g of grads) {
      withFloatValues(g, (values) => out.set(values, off));
      off += g.size;
    }
    tf.dispose(grads);
    return out;
  }

  /** Masked softmax probabilities of the given states (float64, host). */
  private probabilities(states: Int32Array, obs: Float32Array): Float64Array {
    const rows = states.length / this.env.stateDim;
    const logits = readValues(() => this.policy.predict(tf.tensor2d(obs, [rows, this.env.obsDim])));
    return softmaxRows(logits, this.env.forwardMask(states), this.env.nActions);
  }

  /**
   * Surrogate and mean KL of the policy whose probabilities at the distinct states are `p`,
   * relative to `oldLogProbs` (full per-row log-distributions); without it, `p` is the old policy.
   */
  private surrogateAndKl(
    batch: TrpoBatch,
    inverse: Int32Array,
    p: Float64Array,
    oldLogProbs?: Float64Array,
  ): { surrogate: number; kl: number; logProbs: Float64Array } {
    const nA = this.env.nActions;
    const rows = batch.actions.length;
    const logProbs = new Float64Array(rows * nA);
    let surrogate = 0;
    let kl = 0;
    for (let m = 0; m < rows; m++) {
      const u = inverse[m]!;
      for (let a = 0; a < nA; a++) logProbs[m * nA + a] = Math.log(p[u * nA + a]!);
      const a = batch.actions[m]!;
      const ratio = oldLogProbs ? Math.exp(logProbs[m * nA + a]! - oldLogProbs[m * nA + a]!) : 1;
      surrogate += ratio * batch.advantages[m]!;
      if (oldLogProbs) {
        for (let b = 0; b < nA; b++) {
          const po = Math.exp(oldLogProbs[m * nA + b]!);
          if (po > 0) kl += po * (oldLogProbs[m * nA + b]! - logProbs[m * nA + b]!);
        }
      }
    }
    return { surrogate: surrogate / batch.nTraj, kl: kl / batch.nTraj, logProbs };
  }
}

/** Row-wise softmax of logits under a 0/1 mask, float64. */
export function softmaxRows(logits: ArrayLike<number>, mask: Uint8Array, nA: number): Float64Array {
  const rows = mask.length / nA;
  const out = new Float64Array(rows * nA);
  const penalty = maskPenalty(mask);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let a = 0; a < nA; a++) max = Math.max(max, logits[r * nA + a]! + penalty[r * nA + a]!);
    let z = 0;
    for (let a = 0; a < nA; a++) {
      const e = mask[r * nA + a] ? Math.exp(logits[r * nA + a]! - max) : 0;
      out[r * nA + a] = e;
      z += e;
    }
    for (let a = 0; a < nA; a++) out[r * nA + a]! /= z;
  }
  return out;
}
