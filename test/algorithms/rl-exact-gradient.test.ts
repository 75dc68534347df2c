import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backwardStepQuantities, forwardStepQuantities } from '../../algorithms/policy-based/costs.js';
import { PolicyGradientGFlowNet } from '../../algorithms/policy-based/rl.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions, selectRows, type Transitions } from '../../core/sampling/transitions.js';
import { parameterCount } from '../../core/tensor/flat-params.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { allBackwardActionLists, allForwardActionLists, backwardBatch, cosine, dot, forwardBatch, gradient, norm, relativeError } from './enumeration.js';
import { EXACT_LOG_Z, exactRlOptions, expectedCost, uniformForwardCostConstants, uniformLogPBRows as uniformLogPBRowsOf } from './rl-exact-setup.js';

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
 * The first two points and the value baseline are checked without sampling noise: the expectation, an
 * enumeration-weighted sum, equals the exact gradient. The sampled estimates then differ from it by
 * noise only, whose size the enumeration also gives: rms relative error =
 * sqrt(Σ Var(g_n) / N) / ‖∇J‖ with g_n = Σ_t A_t ∇log π(a_t|s_t) of one trajectory. The batch sizes
 * keep that prediction (without a baseline, the noisier case) below half the 5 % tolerance.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const EXIT = env.nActions - 1;
const LOG_Z = EXACT_LOG_Z;
const N_FORWARD = 40_000;
const REPEATS_BACKWARD = 60_000;

const mlp = (outputDim: number, seed: number, name: string): Mlp =>
  new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim, activation: 'relu' }, new Rng(seed), `rl-exact/${name}`);

/** Differentiable per-row log-probabilities of a policy for (state, action) rows. */
type RowLogProbs = (states: Int32Array, actions: Int32Array) => tf.Tensor1D;

/** ∇ of Σ_m w_m · log π(a_m|s_m) / n. */
function weightedScore(
  logProbs: RowLogProbs,
  states: Int32Array,
  actions: Int32Array,
  weights: ArrayLike<number>,
  n: number,
  vars: readonly tf.Variable[],
): Float64Array {
  return gradient(() => tf.div(tf.sum(tf.mul(logProbs(states, actions), tf.tensor1d(Float32Array.from(weights)))), n) as tf.Scalar, vars);
}

/** π(τ) of each trajectory of an enumerated batch, float64 from the per-step log-probs. */
function pathProbabilities(stepLogProbs: ArrayLike<number>, tr: Transitions, nTraj: number): Float64Array {
  const logP = new Float64Array(nTraj);
  for (let m = 0; m < tr.count; m++) logP[tr.traj[m]!]! += stepLogProbs[m]!;
  return logP.map(Math.exp);
}

/** g_τ = Σ_t A_t ∇log π(a_t|s_t) of each trajectory (zero for one without steps). */
function perPathGradients(logProbs: RowLogProbs, tr: Transitions, nTraj: number, advantages: Float32Array, vars: readonly tf.Variable[]): Float64Array[] {
  return Array.from({ length: nTraj }, (_, i) => {
    const rows = Int32Array.from(Array.from(tr.traj.keys()).filter((m) => tr.traj[m] === i));
    if (rows.length === 0) return new Float64Array(parameterCount(vars));
    return weightedScore(logProbs, selectRows(tr.states, env.stateDim, rows), selectRows(tr.actions, 1, rows), selectRows(advantages, 1, rows), 1, vars);
  });
}

/**
 * rms of ‖mean of draws − E g‖ / ‖target‖ when `draws` paths are drawn from each group
 * (paths i with probability probs[i] within group[i]) and the group means are averaged.
 */
function predictedRelativeError(grads: Float64Array[], probs: Float64Array, group: number[], draws: number, target: Float64Array): number {
  const nGroups = Math.max(...group) + 1;
  let variance = 0;
  for (let gIdx = 0; gIdx < nGroups; gIdx++) {
    const mean = new Float64Array(target.length);
    let second = 0;
    grads.forEach((g, i) => {
      if (group[i] !== gIdx) return;
      for (let k = 0; k < g.length; k++) mean[k]! += probs[i]! * g[k]!;
      second += probs[i]! * dot(g, g);
    });
    variance += (second - dot(mean, mean)) / draws / nGroups ** 2;
  }
  return Math.sqrt(variance) / norm(target);
}

function report(label: string, est: Float64Array, exact: Float64Array): { cos: number; rel: number } {
  const cos = cosine(est, exact);
  const rel = relativeError(est, exact);
  console.log(`${label}: cosine ${cos.toFixed(6)}, relative error ${rel.toFixed(4)}`);
  return { cos, rel };
}

function hostValues(value: Mlp, states: Int32Array): Float32Array {
  const rows = states.length / env.stateDim;
  return tf.tidy(() => value.predict(tf.tensor2d(env.encode(states), [rows, env.obsDim])).dataSync() as Float32Array);
}

const uniformLogPBRows = (tr: Transitions): Float32Array => uniformLogPBRowsOf(env, tr);

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

const hostLogProbs = (logProbs: RowLogProbs, tr: Transitions): Float32Array => tf.tidy(() => logProbs(tr.states, tr.actions).dataSync() as Float32Array);

describe('forward policy gradient of RL (P_F) against the exact ∇J_F', () => {
  let forward: Mlp;
  let value: Mlp;
  let logPF: RowLogProbs;
  let exact: Float64Array;
  let batch: Trajectories;
  let tr: Transitions;
  beforeAll(() => {
    forward = mlp(env.nActions, 101, 'forward');
    value = mlp(1, 202, 'value');
    logPF = (states, actions) => forwardLogProbs(env, forward, states, actions);
    batch = new Sampler(env, forward, new Rng(303)).sampleForward(N_FORWARD);
    tr = gatherTransitions(batch, EXIT);
  });
  afterAll(() => forward.dispose()); // value is disposed by the objective in (ii)

  it('exact ∇J_F by enumeration; the estimator’s expectation equals it, with and without a value baseline', () => {
    const lists = allForwardActionLists(env);
    // Σ_x multinomial(x) over the 3 x 3 grid: 1+1+1 + 1+2+3 + 1+3+6
    expect(lists.length).toBe(19);
    const all = forwardBatch(env, lists);
    const allTr = gatherTransitions(all, EXIT);
    const logPB = uniformLogPBRows(allTr);
    // c_τ = −log P_B(τ|x) − log R(x) + log Ẑ
    const c = uniformForwardCostConstants(env, all, allTr, LOG_Z);
    const allLogPF = hostLogProbs(logPF, allTr);
    const probs = pathProbabilities(allLogPF, allTr, all.nTraj);
    // the enumeration is complete: Σ_τ P_F(τ) = 1
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);

    const before = tf.memory().numTensors;
    exact = gradient(() => expectedCost(logPF(allTr.states, allTr.actions), allTr, all.nTraj, c), forward.variables);
    expect(tf.memory().numTensors).toBe(before);
    expect(exact.length).toBe(6 * 8 + 8 + 8 * 3 + 3);
    expect(norm(exact)).toBeGreaterThan(1e-2);

    // E[Σ_t A_t ∇log P_F] = Σ_τ P_F(τ) Σ_t A_t(τ) ∇log P_F(a_t|s_t), without noise
    const expectation = (values: Float32Array): { grad: Float64Array; advantages: Float32Array } => {
      const q = forwardStepQuantities(all, allTr, allLogPF, logPB, values, all.logRewards, LOG_Z, 1, false);
      const w = Float64Array.from({ length: allTr.count }, (_, m) => probs[allTr.traj[m]!]! * q.rowAdvantages[m]!);
      return { grad: weightedScore(logPF, allTr.states, allTr.actions, w, 1, forward.variables), advantages: q.rowAdvantages };
    };
    const plain = expectation(new Float32Array(allTr.count));
    const baselined = expectation(hostValues(value, allTr.states));
    console.log(
      `forward expectation: no baseline ${relativeError(plain.grad, exact).toExponential(2)}, value baseline ${relativeError(baselined.grad, exact).toExponential(2)}`,
    );
    expect(relativeError(plain.grad, exact)).toBeLessThan(1e-4);
    expect(relativeError(baselined.grad, exact)).toBeLessThan(1e-4);
    // the baseline changes the advantages substantially, yet not the expectation
    expect(maxAbsDifference(plain.advantages, baselined.advantages)).toBeGreaterThan(0.05);

    const predicted = predictedRelativeError(
      perPathGradients(logPF, allTr, all.nTraj, plain.advantages, forward.variables),
      probs,
      lists.map(() => 0),
      N_FORWARD,
      exact,
    );
    console.log(`forward, no baseline: predicted rms relative error at N = ${N_FORWARD}: ${predicted.toFixed(4)}`);
    expect(predicted).toBeLessThan(0.025);
  });

  it('(i) sampled, no baseline: A = cost-to-go (V = 0, λ = 1, not centred)', () => {
    const q = forwardStepQuantities(batch, tr, hostLogProbs(logPF, tr), uniformLogPBRows(tr), new Float32Array(tr.count), batch.logRewards, LOG_Z, 1, false);
    const est = weightedScore(logPF, tr.states, tr.actions, q.rowAdvantages, batch.nTraj, forward.variables);
    const { cos, rel } = report('forward, no baseline', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);
  });

  it('(ii) sampled, value baseline and centring; the objective’s forwardLoss implements the same estimator', () => {
    const q = forwardStepQuantities(batch, tr, hostLogProbs(logPF, tr), uniformLogPBRows(tr), hostValues(value, tr.states), batch.logRewards, LOG_Z, 1, true);
    // the advantages really are centred
    expect(Math.abs(q.rowAdvantages.reduce((a, b) => a + b, 0) / tr.count)).toBeLessThan(1e-4);
    const est = weightedScore(logPF, tr.states, tr.actions, q.rowAdvantages, batch.nTraj, forward.variables);
    const { cos, rel } = report('forward, value baseline + centring', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);

    const rl = new PolicyGradientGFlowNet(
      { env, forward, backward: new UniformBackwardPolicy(env), value, sampler: new Sampler(env, forward, new Rng(1)) },
      exactRlOptions('uniform'),
    );
    try {
      const before = tf.memory().numTensors;
      const { loss, quantities } = rl.forwardLoss(batch);
      const fromObjective = gradient(loss, forward.variables);
      expect(tf.memory().numTensors).toBe(before);
      const same = relativeError(fromObjective, est);
      console.log(`forwardLoss policy gradient vs (ii): relative difference ${same.toExponential(2)}`);
      expect(same).toBeLessThan(1e-4);
      const used = quantities().rowAdvantages;
      expect(maxAbsDifference(used, q.rowAdvantages)).toBeLessThan(1e-4);
    } finally {
      rl.dispose(); // disposes the value network too
    }
  });
});

describe('backward policy gradient of RL-B (P_B) against the exact ∇J_B', () => {
  // x = (2,2): 6 paths; (1,2): 3 paths; (2,0): a single parent, one path; s0: the empty path
  const X = [Int32Array.from([2, 2]), Int32Array.from([1, 2]), Int32Array.from([2, 0]), Int32Array.from([0, 0])];
  let pg: Mlp;
  let pbNet: Mlp;
  let valueB: Mlp;
  let pb: LearnedBackwardPolicy;
  let logPB: RowLogProbs;
  let exact: Float64Array;
  let bwd: Trajectories;
  let tr: Transitions;
  let logPG: Float32Array;
  let terminals: Int32Array;
  beforeAll(() => {
    pg = mlp(env.nActions, 404, 'pg');
    // a sharper fixed P_G (output layer x 5): ∇J_B of a near-uniform target is tiny next to the
    // per-trajectory noise, which would need millions of samples for a 5 % check
    const out = pg.layers[1]!;
    out.assign(
      Float32Array.from(out.weight.dataSync(), (v) => 5 * v),
      Float32Array.from(out.bias.dataSync(), (v) => 5 * v),
    );
    pbNet = mlp(env.nActions - 1, 505, 'pb');
    valueB = mlp(1, 606, 'value-b');
    pb = new LearnedBackwardPolicy(env, pbNet);
    logPB = (states, actions) => pb.logProbs(states, actions);
    terminals = new Int32Array(X.length * REPEATS_BACKWARD * env.stateDim);
    for (let r = 0; r < REPEATS_BACKWARD; r++) X.forEach((x, j) => terminals.set(x, (r * X.length + j) * env.stateDim));
    bwd = new Sampler(env, pg, new Rng(707)).sampleBackward(terminals, pb);
    tr = gatherTransitions(bwd, -1);
    logPG = guideLogProbs(tr);
  });
  afterAll(() => {
    pg.dispose();
    pb.dispose();
  });

  /** log P_G(s_t|s_{t+1}) = log P_F of the forward action with the backward action's index, from the parent. */
  const guideLogProbs = (rows: Transitions): Float32Array => tf.tidy(() => forwardLogProbs(env, pg, rows.nextStates, rows.actions).dataSync() as Float32Array);

  it('exact ∇J_B by enumeration; the estimator’s expectation equals it, with and without a value baseline', () => {
    const starts: Int32Array[] = [];
    const lists: number[][] = [];
    const group: number[] = [];
    X.forEach((x, j) => {
      for (const p of allBackwardActionLists(env, x)) {
        starts.push(x);
        lists.push(p);
        group.push(j);
      }
    });
    expect(X.map((_, j) => group.filter((g) => g === j).length)).toEqual([6, 3, 1, 1]);
    const all = backwardBatch(env, starts, lists);
    expect(Array.from(all.lengths)).toEqual(lists.map((l) => l.length));
    const allTr = gatherTransitions(all, -1);
    const allLogPG = guideLogProbs(allTr);
    const allLogPB = hostLogProbs(logPB, allTr);
    // c_τ = −Σ_t log P_G; the whole sum is divided by |X|
    const c = new Float32Array(all.nTraj);
    for (let m = 0; m < allTr.count; m++) c[allTr.traj[m]!]! -= allLogPG[m]!;
    // every x's paths carry probability 1 under P_B
    const probs = pathProbabilities(allLogPB, allTr, all.nTraj);
    X.forEach((_, j) => expect(Math.abs(group.reduce((s, g, i) => (g === j ? s + probs[i]! : s), 0) - 1)).toBeLessThan(1e-5));

    const before = tf.memory().numTensors;
    exact = gradient(() => tf.div(expectedCost(logPB(allTr.states, allTr.actions), allTr, all.nTraj, c), X.length) as tf.Scalar, pb.variables);
    expect(tf.memory().numTensors).toBe(before);
    expect(exact.length).toBe(6 * 8 + 8 + 8 * 2 + 2);
    expect(norm(exact)).toBeGreaterThan(1e-2);

    const expectation = (values: Float32Array): { grad: Float64Array; advantages: Float32Array } => {
      const q = backwardStepQuantities(all, allTr, allLogPB, allLogPG, values, false);
      const w = Float64Array.from({ length: allTr.count }, (_, m) => (probs[allTr.traj[m]!]! * q.rowAdvantages[m]!) / X.length);
      return { grad: weightedScore(logPB, allTr.states, allTr.actions, w, 1, pb.variables), advantages: q.rowAdvantages };
    };
    const plain = expectation(new Float32Array(allTr.count));
    const baselined = expectation(hostValues(valueB, allTr.states));
    console.log(
      `backward expectation: no baseline ${relativeError(plain.grad, exact).toExponential(2)}, value baseline ${relativeError(baselined.grad, exact).toExponential(2)}`,
    );
    expect(relativeError(plain.grad, exact)).toBeLessThan(1e-4);
    expect(relativeError(baselined.grad, exact)).toBeLessThan(1e-4);
    expect(maxAbsDifference(plain.advantages, baselined.advantages)).toBeGreaterThan(0.05);

    // the sampled batch draws REPEATS_BACKWARD paths from each x
    const predicted = predictedRelativeError(perPathGradients(logPB, allTr, all.nTraj, plain.advantages, pb.variables), probs, group, REPEATS_BACKWARD, exact);
    console.log(`backward, no baseline: predicted rms relative error at ${REPEATS_BACKWARD} paths per x: ${predicted.toFixed(4)}`);
    expect(predicted).toBeLessThan(0.025);
  });

  it('the sampled backward batch starts at the given terminal states and ends at s0', () => {
    expect(bwd.nTraj).toBe(X.length * REPEATS_BACKWARD);
    expect(Array.from(bwd.terminalStates())).toEqual(Array.from(terminals));
    let notAtS0 = 0;
    for (let i = 0; i < bwd.nTraj; i++) if (!env.isInitial(bwd.state(bwd.lengths[i]!, i))[0]) notAtS0++;
    expect(notAtS0).toBe(0);
    // x = (2,2) and (1,2) take 4 and 3 steps, (2,0) exactly two, s0 none
    expect(Array.from(bwd.lengths.subarray(0, 4))).toEqual([4, 3, 2, 0]);
  });

  it('(i) sampled, no baseline: A = cost-to-go (V = 0, λ = 1, not centred)', () => {
    const q = backwardStepQuantities(bwd, tr, hostLogProbs(logPB, tr), logPG, new Float32Array(tr.count), false);
    const est = weightedScore(logPB, tr.states, tr.actions, q.rowAdvantages, bwd.nTraj, pb.variables);
    const { cos, rel } = report('backward, no baseline', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);
  });

  it('(ii) sampled, value baseline and centring; the objective’s backwardLoss implements the same estimator', () => {
    const q = backwardStepQuantities(bwd, tr, hostLogProbs(logPB, tr), logPG, hostValues(valueB, tr.states), true);
    expect(Math.abs(q.rowAdvantages.reduce((a, b) => a + b, 0) / tr.count)).toBeLessThan(1e-4);
    const est = weightedScore(logPB, tr.states, tr.actions, q.rowAdvantages, bwd.nTraj, pb.variables);
    const { cos, rel } = report('backward, value baseline + centring', est, exact);
    expect(cos).toBeGreaterThan(0.99);
    expect(rel).toBeLessThan(0.05);

    // RL-B with P_G = P_F = pg: backwardLoss's gradient w.r.t. P_B is the same estimate.
    // The objective disposes its backward policy: give it a view that does not own pbNet.
    const view: BackwardPolicy = { kind: pb.kind, variables: pb.variables, logProbs: logPB, samplingLogits: (s) => pb.samplingLogits(s), dispose: () => {} };
    const rl = new PolicyGradientGFlowNet(
      { env, forward: pg, backward: view, value: mlp(1, 808, 'value-f'), backwardValue: valueB, sampler: new Sampler(env, pg, new Rng(2)) },
      exactRlOptions('coupled'),
    );
    try {
      const before = tf.memory().numTensors;
      const { loss, quantities } = rl.backwardLoss(bwd, terminals);
      const fromObjective = gradient(loss, pb.variables);
      expect(tf.memory().numTensors).toBe(before);
      const same = relativeError(fromObjective, est);
      console.log(`backwardLoss policy gradient vs (ii): relative difference ${same.toExponential(2)}`);
      expect(same).toBeLessThan(1e-4);
      const used = quantities().rowAdvantages;
      expect(maxAbsDifference(used, q.rowAdvantages)).toBeLessThan(1e-4);
    } finally {
      rl.dispose(); // disposes both value networks
    }
  });
});
