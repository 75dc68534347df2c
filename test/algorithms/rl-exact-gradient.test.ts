import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backwardStepQuantities, forwardStepQuantities } from '../../algorithms/policy-based/costs.js';
import { PolicyGradientGFlowNet, type RlOptions } from '../../algorithms/policy-based/rl.js';
import { LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import { Rng } from '../../core/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions, segmentMatrix, type Transitions } from '../../core/sampling/transitions.js';
import { flattenGradients } from '../../core/tensor/flat-params.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { allBackwardActionLists, allForwardActionLists, backwardBatch, cosine, forwardBatch, relativeError, uniformLogPB } from './enumeration.js';

/*
 * The policy-gradient estimators of the RL objective against exact gradients.
 *
 * On the 2-D HyperGrid with H = 3 there are 19 complete trajectories, so the forward objective
 *   J_F(θ) = Σ_τ P_F(τ) · (log P_F(τ) − log P_B(τ|x) − log R(x) + log Ẑ)
 * and the backward objective of RL-B
 *   J_B(φ) = (1/|X|) Σ_x Σ_{τ from x} P_B(τ|x) · Σ_t (log P_B(s_{t+1}|s_t) − log P_G(s_t|s_{t+1}))
 * are finite sums whose gradients tfjs computes exactly.
 *
 * Why the sampled estimate mean_n Σ_t A_t ∇log π(a_t|s_t) is unbiased for ∇J (π = P_F or P_B, costs r_t):
 * - ∇ Σ_τ π(τ) C_θ(τ) = E[∇log π(τ) · C(τ)] + E[∇C(τ)] (score-function identity). Here
 *   ∇C = ∇log π(τ) (the only θ-dependent part of the cost), and E[∇log π(τ)] = ∇Σ_τ π(τ) = ∇1 = 0.
 * - ∇log π(τ) = Σ_t ∇log π(a_t|s_t), and a cost r_k with k < t is fixed before a_t is drawn, so
 *   E[∇log π(a_t|s_t) · r_k] = E[r_k · E[∇log π(a_t|s_t) | s_t]] = 0: only the cost-to-go
 *   Σ_{k≥t} r_k (the λ = 1, V = 0 advantage) is needed.
 * - A baseline b(s_t) (a value network, or a constant such as the batch mean of centring)
 *   contributes E[b(s_t) ∇log π(a_t|s_t)] = E[b(s_t) Σ_a π(a|s_t) ∇log π(a|s_t)] = E[b(s_t) ∇Σ_a π(a|s_t)] = 0.
 *   Centring uses the batch's own mean, which is a constant only up to O(1/√N) fluctuations:
 *   its bias is O(1/N), far below the tolerance at the batch sizes used here.
 * So both estimates converge to the exact gradient; with N trajectories the error is O(1/√N),
 * and N is chosen so that the measured relative error sits well inside 5 % for the fixed seeds.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const EXIT = env.nActions - 1;
const LOG_Z = 0.5;
const CLIP = -12;
const N_FORWARD = 40_000;
const REPEATS_BACKWARD = Number(process.env.RB ?? 10_000);

const rlOptions = (centerAdvantages: boolean, backward: RlOptions['backward']): RlOptions => ({
  backward,
  optimizer: 'adam',
  lr: 1e-3,
  lrB: 1e-3,
  lrZ: 0.1,
  lrV: 5e-3,
  lambda: 1,
  logZInit: LOG_Z,
  logRewardClip: CLIP,
  centerAdvantages,
  trpo: { delta: 0.01, cgIterations: 10, cgTolerance: 1e-10, backtrackSteps: 20, damping: 0 },
});

/** ∇ over `vars` of a scalar expression, flattened in `vars` order. */
function gradient(f: () => tf.Scalar, vars: readonly tf.Variable[]): Float64Array {
  const { value, grads } = tf.variableGrads(f, [...vars]);
  const flat = flattenGradients(vars, grads);
  tf.dispose([value, ...Object.values(grads)]);
  return flat;
}

/** ∇ of Σ_m A_m · logπ_m / N where `logProbs` rebuilds the differentiable per-row log-probs. */
function surrogateGradient(logProbs: () => tf.Tensor1D, advantages: Float32Array, n: number, vars: readonly tf.Variable[]): Float64Array {
  return gradient(() => tf.div(tf.sum(tf.mul(logProbs(), tf.tensor1d(advantages))), n) as tf.Scalar, vars);
}

/** Σ_τ π(τ) · (log π(τ) + c_τ) with log π(τ) summed per trajectory by one matMul. */
function expectedCost(stepLogProbs: tf.Tensor1D, tr: Transitions, nTraj: number, constants: Float32Array): tf.Scalar {
  const seg = tf.tensor2d(segmentMatrix(tr.traj, nTraj), [nTraj, tr.count]);
  const perTraj = tf.reshape(tf.matMul(seg, tf.reshape(stepLogProbs, [tr.count, 1])), [nTraj]);
  return tf.sum(tf.mul(tf.exp(perTraj), tf.add(perTraj, tf.tensor1d(constants)))) as tf.Scalar;
}

/** log P_B(s_t|s_{t+1}) of the uniform P_B for every non-exit forward step (0 at exits). */
function uniformLogPBRows(tr: Transitions): Float32Array {
  const d = env.stateDim;
  return Float32Array.from({ length: tr.count }, (_, m) => (tr.isExit[m] ? 0 : uniformLogPB(env, tr.nextStates.subarray(m * d, m * d + d))));
}

function hostValues(value: Mlp, states: Int32Array): Float32Array {
  const rows = states.length / env.stateDim;
  return tf.tidy(() => value.predict(tf.tensor2d(env.encode(states), [rows, env.obsDim])).dataSync() as Float32Array);
}

function report(label: string, est: Float64Array, exact: Float64Array): { cos: number; rel: number } {
  const cos = cosine(est, exact);
  const rel = relativeError(est, exact);
  console.log(`${label}: cosine ${cos.toFixed(6)}, relative error ${rel.toFixed(4)}`);
  return { cos, rel };
}

describe('forward policy gradient of RL (P_F) against the exact ∇J_F', () => {
  let forward: Mlp;
  let value: Mlp;
  let exact: Float64Array;
  let batch: Trajectories;
  let tr: Transitions;
  const parts: Mlp[] = [];
  beforeAll(() => {
    forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(101), 'rl-exact/forward');
    value = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'relu' }, new Rng(202), 'rl-exact/value');
    parts.push(forward);
    batch = new Sampler(env, forward, new Rng(303)).sampleForward(N_FORWARD);
    tr = gatherTransitions(batch, EXIT);
  });
  afterAll(() => parts.forEach((p) => p.dispose()));

  it('enumerates every trajectory and computes the exact gradient', () => {
    const lists = allForwardActionLists(env);
    // Σ_x multinomial(x) over the 3 x 3 grid: 1+1+1 + 1+2+3 + 1+3+6
    expect(lists.length).toBe(19);
    const all = forwardBatch(env, lists);
    const allTr = gatherTransitions(all, EXIT);
    const logPB = uniformLogPBRows(allTr);
    // c_τ = −log P_B(τ|x) − log R(x) + log Ẑ
    const c = new Float32Array(all.nTraj);
    for (let m = 0; m < allTr.count; m++) c[allTr.traj[m]!]! -= logPB[m]!;
    for (let i = 0; i < all.nTraj; i++) c[i]! += -all.logRewards[i]! + LOG_Z;
    const before = tf.memory().numTensors;
    // the enumeration is complete: Σ_τ P_F(τ) = 1
    const probs = tf.tidy(() => {
      const seg = tf.tensor2d(segmentMatrix(allTr.traj, all.nTraj), [all.nTraj, allTr.count]);
      return tf.sum(tf.exp(tf.matMul(seg, tf.reshape(forwardLogProbs(env, forward, allTr.states, allTr.actions), [allTr.count, 1])))).dataSync()[0]!;
    });
    expect(Math.abs(probs - 1)).toBeLessThan(1e-5);
    exact = gradient(() => expectedCost(forwardLogProbs(env, forward, allTr.states, allTr.actions), allTr, all.nTraj, c), forward.variables);
    expect(tf.memory().numTensors).toBe(before);
    expect(exact.length).toBe(6 * 8 + 8 + 8 * 3 + 3);
    expect(Math.hypot(...exact)).toBeGreaterThan(1e-2);
  });

  it('(i) no baseline: A = cost-to-go (V = 0, λ = 1, not centred)', () => {
    const logPF = tf.tidy(() => forwardLogProbs(env, forward, tr.states, tr.actions).dataSync());
    const q = forwardStepQuantities(batch, tr, logPF, uniformLogPBRows(tr), new Float32Array(tr.count), batch.logRewards, LOG_Z, 1, false);
    const est = surrogateGradient(() => forwardLogProbs(env, forward, tr.states, tr.actions), q.rowAdvantages, batch.nTraj, forward.variables);
    const { cos, rel } = report('forward, no baseline', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);
  });

  it('(ii) value baseline and centring; the objective’s forwardLoss implements the same estimator', () => {
    const logPF = tf.tidy(() => forwardLogProbs(env, forward, tr.states, tr.actions).dataSync());
    const v = hostValues(value, tr.states);
    const q = forwardStepQuantities(batch, tr, logPF, uniformLogPBRows(tr), v, batch.logRewards, LOG_Z, 1, true);
    // the advantages really are centred and baselined (not the plain cost-to-go)
    let sum = 0;
    for (const a of q.rowAdvantages) sum += a;
    expect(Math.abs(sum / tr.count)).toBeLessThan(1e-4);
    const est = surrogateGradient(() => forwardLogProbs(env, forward, tr.states, tr.actions), q.rowAdvantages, batch.nTraj, forward.variables);
    const { cos, rel } = report('forward, value baseline + centring', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);

    const rl = new PolicyGradientGFlowNet({ env, forward, backward: new UniformBackwardPolicy(env), value, sampler: new Sampler(env, forward, new Rng(1)) }, rlOptions(true, 'uniform'));
    try {
      const before = tf.memory().numTensors;
      const { loss, quantities } = rl.forwardLoss(batch);
      const fromObjective = gradient(loss, forward.variables);
      expect(tf.memory().numTensors).toBe(before);
      const same = relativeError(fromObjective, est);
      console.log(`forwardLoss policy gradient vs (ii): relative difference ${same.toExponential(2)}`);
      expect(same).toBeLessThan(1e-4);
      // and the advantages it used are those of (ii)
      const used = quantities().rowAdvantages;
      let maxDiff = 0;
      for (let m = 0; m < tr.count; m++) maxDiff = Math.max(maxDiff, Math.abs(used[m]! - q.rowAdvantages[m]!));
      expect(maxDiff).toBeLessThan(1e-4);
    } finally {
      rl.dispose(); // disposes the value network too
    }
  });
});

describe('backward policy gradient of RL-B (P_B) against the exact ∇J_B', () => {
  // x = (2,2): 6 paths; (1,2): 3 paths; (2,0): a single parent, one path; s0: the empty path
  const X = [Int32Array.from([2, 2]), Int32Array.from([1, 2]), Int32Array.from([2, 0]), Int32Array.from([0, 0])];
  let pf: Mlp;
  let pbNet: Mlp;
  let valueB: Mlp;
  let pb: LearnedBackwardPolicy;
  let exact: Float64Array;
  let bwd: Trajectories;
  let tr: Transitions;
  let logPG: Float32Array;
  let terminals: Int32Array;
  beforeAll(() => {
    pf = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(404), 'rl-exact/pg');
    pbNet = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions - 1, activation: 'relu' }, new Rng(505), 'rl-exact/pb');
    valueB = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'relu' }, new Rng(606), 'rl-exact/value-b');
    pb = new LearnedBackwardPolicy(env, pbNet);
    terminals = new Int32Array(X.length * REPEATS_BACKWARD * env.stateDim);
    for (let r = 0; r < REPEATS_BACKWARD; r++) X.forEach((x, j) => terminals.set(x, (r * X.length + j) * env.stateDim));
    bwd = new Sampler(env, pf, new Rng(Number(process.env.SB ?? 707))).sampleBackward(terminals, pb);
    tr = gatherTransitions(bwd, -1);
    // P_G(s_t|s_{t+1}) = P_F of the forward action with the backward action's index, from the parent
    logPG = tf.tidy(() => forwardLogProbs(env, pf, tr.nextStates, tr.actions).dataSync() as Float32Array);
  });
  afterAll(() => {
    pf.dispose();
    pb.dispose();
  });

  it('enumerates every backward path and computes the exact gradient', () => {
    const starts: Int32Array[] = [];
    const lists: number[][] = [];
    const countsPerX = X.map((x) => {
      const paths = allBackwardActionLists(env, x);
      for (const p of paths) {
        starts.push(x);
        lists.push(p);
      }
      return paths.length;
    });
    expect(countsPerX).toEqual([6, 3, 1, 1]);
    const all = backwardBatch(env, starts, lists);
    expect(Array.from(all.lengths)).toEqual(lists.map((l) => l.length));
    const allTr = gatherTransitions(all, -1);
    const allLogPG = tf.tidy(() => forwardLogProbs(env, pf, allTr.nextStates, allTr.actions).dataSync());
    // c_τ = −Σ_t log P_G, and the whole sum is divided by |X|
    const c = new Float32Array(all.nTraj);
    for (let m = 0; m < allTr.count; m++) c[allTr.traj[m]!]! -= allLogPG[m]!;
    // every x's paths carry probability 1 under P_B
    const perPath = tf.tidy(() => {
      const seg = tf.tensor2d(segmentMatrix(allTr.traj, all.nTraj), [all.nTraj, allTr.count]);
      return tf.exp(tf.matMul(seg, tf.reshape(pb.logProbs(allTr.states, allTr.actions), [allTr.count, 1]))).dataSync();
    });
    let off = 0;
    for (const k of countsPerX) {
      let s = 0;
      for (let j = 0; j < k; j++) s += perPath[off + j]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
      off += k;
    }
    const before = tf.memory().numTensors;
    exact = gradient(() => tf.div(expectedCost(pb.logProbs(allTr.states, allTr.actions), allTr, all.nTraj, c), X.length) as tf.Scalar, pb.variables);
    expect(tf.memory().numTensors).toBe(before);
    expect(exact.length).toBe(6 * 8 + 8 + 8 * 2 + 2);
    expect(Math.hypot(...exact)).toBeGreaterThan(1e-2);
  });

  it('the sampled backward batch starts at the given terminal states', () => {
    expect(bwd.nTraj).toBe(X.length * REPEATS_BACKWARD);
    expect(Array.from(bwd.terminalStates())).toEqual(Array.from(terminals));
    // s0 has no backward step; (2,0) exactly two
    expect(bwd.lengths[3]).toBe(0);
    expect(bwd.lengths[2]).toBe(2);
  });

  it('(i) no baseline: A = cost-to-go (V = 0, λ = 1, not centred)', () => {
    const logPB = tf.tidy(() => pb.logProbs(tr.states, tr.actions).dataSync());
    const q = backwardStepQuantities(bwd, tr, logPB, logPG, new Float32Array(tr.count), false);
    const est = surrogateGradient(() => pb.logProbs(tr.states, tr.actions), q.rowAdvantages, bwd.nTraj, pb.variables);
    const { cos, rel } = report('backward, no baseline', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);
  });

  it('(ii) value baseline and centring; the objective’s backwardLoss implements the same estimator', () => {
    const logPB = tf.tidy(() => pb.logProbs(tr.states, tr.actions).dataSync());
    const q = backwardStepQuantities(bwd, tr, logPB, logPG, hostValues(valueB, tr.states), true);
    const est = surrogateGradient(() => pb.logProbs(tr.states, tr.actions), q.rowAdvantages, bwd.nTraj, pb.variables);
    const { cos, rel } = report('backward, value baseline + centring', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);

    // RL-B with P_G = P_F = pf: backwardLoss's gradient w.r.t. P_B is the same estimate
    const value = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: 1, activation: 'relu' }, new Rng(808), 'rl-exact/value-f');
    // the objective disposes its backward policy: give it a view that does not own pbNet
    const shared = { kind: pb.kind, variables: pb.variables, logProbs: pb.logProbs.bind(pb), samplingLogits: pb.samplingLogits.bind(pb), dispose: () => {} };
    const rl = new PolicyGradientGFlowNet({ env, forward: pf, backward: shared, value, backwardValue: valueB, sampler: new Sampler(env, pf, new Rng(2)) }, rlOptions(true, 'coupled'));
    try {
      const before = tf.memory().numTensors;
      const { loss } = rl.backwardLoss(bwd, terminals);
      const fromObjective = gradient(loss, pb.variables);
      expect(tf.memory().numTensors).toBe(before);
      const same = relativeError(fromObjective, est);
      console.log(`backwardLoss policy gradient vs (ii): relative difference ${same.toExponential(2)}`);
      expect(same).toBeLessThan(1e-4);
    } finally {
      rl.dispose(); // disposes value and valueB
    }
  });
});
