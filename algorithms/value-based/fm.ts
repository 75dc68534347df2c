/**
 * Flow matching (Bengio et al. 2021) on edge flows.
 *
 * The forward estimator's outputs are log edge flows: output a of state s is log F(s → s') for
 * the forward action a, the last one (exit) log F(s → s_f). P_F(a|s) ∝ F(s, a) over the allowed
 * actions is then the masked softmax of these outputs, so the sampler and the exact evaluation use
 * them unchanged. With V the non-initial states visited by the batch, counted once per occurrence
 * (M occurrences in all; a trajectory's states s_1 … x, s0 excluded), and X the N terminal states
 * (one per trajectory):
 *
 *   loss = (1/M) Σ_{s' ∈ V} ( log Σ_{(p,a): p →a s'} F(p, a) − log Σ_{a' allowed at s'} F(s', a') )²
 *        + (1/N) Σ_{x ∈ X} ( log F(x → s_f) − max(log R(x), clip) )²
 *
 * The parents p of s' are `env.backwardStep(s', b)` for each allowed backward action b, reached
 * from p by the forward action b; the outflow includes the exit edge. The state term is 0 when no
 * trajectory leaves s0 (M = 0). Occurrences rather than distinct states: the state term then
 * weighs states as the sampling distribution visits them, the same weighting as the per-trajectory
 * terms of the other objectives.
 *
 * Both sums are log-sum-exps of masked outputs. The network runs once per batch on the distinct
 * states needed (visited states, their parents, the terminal states); every entry the loss reads is
 * one (state, column) pair of a table [outputs | log outflow], picked by a gather and a one-hot
 * product — no per-state network calls, no loops over tensors. The update does not depend on how
 * the trajectories were sampled, so FM is off-policy: exploration and replay are allowed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor2D } from '#tensor-types';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Objective, ObjectiveStateParts, TrainingBatch } from '../../core/objectives/objective.js';
import { maskedLogSumExp } from '../../core/policy/categorical.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import { gatherRows, uniqueRows } from '../../core/policy/unique-states.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { selectRows } from '../../core/sampling/transitions.js';
import { GroupedAdam } from '../../core/tensor/adam.js';
import { networkInput } from '../../core/policy/network-input.js';

/** Options of {@link FlowMatching}. */
export interface FmOptions {
  /** Learning rate of the edge-flow network. */
  lr: number;
  /** log R is clipped below at this value in the loss. */
  logRewardClip: number;
}

/**
 * Host-side plan of one batch's loss: the distinct states the network sees and, for every entry
 * the loss reads, its row in those states and a one-hot pick over the table's columns.
 * Entries are laid out as K outflows, then K·(A−1) inflow edges (k, b), then N exit flows.
 */
interface FlowPlan {
  /** Distinct states to evaluate, `nUnique x stateDim`. */
  unique: Int32Array;
  nUnique: number;
  /** K: distinct non-initial visited states. */
  nVisited: number;
  /** Occurrences of each visited state divided by M (the state term's weights). */
  weights: Float32Array;
  /** Row in `unique` of each entry. */
  rows: Int32Array;
  /** One-hot over the A+1 table columns per entry (all zeros for an absent parent). */
  pick: Float32Array;
  /** K x (A−1): 1 where backward action b is allowed at visited state k. */
  backMask: Uint8Array;
}

export class FlowMatching implements Objective {
  readonly name = 'fm';
  private readonly optimizer: GroupedAdam;

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly options: FmOptions,
  ) {
    this.optimizer = new GroupedAdam([{ name: 'flows', variables: forward.variables, learningRate: options.lr }]);
  }

  /** Builds the index and mask matrices of `batch` on the host (no tensors). */
  plan(batch: Trajectories): FlowPlan {
    const { env } = this;
    const d = env.stateDim;
    const nA = env.nActions;
    const nB = nA - 1;
    const n = batch.nTraj;

    // every occurrence of a non-initial state: s_1 … s_{len−1} of each trajectory
    const occurrences: number[] = [];
    for (let i = 0; i < n; i++) for (let t = 1; t < batch.lengths[i]!; t++) occurrences.push(...batch.state(t, i));
    const visitedAll = Int32Array.from(occurrences);
    const m = visitedAll.length / d;
    const { unique: visited, inverse: occurrenceOf } = uniqueRows(visitedAll, d);
    const k = visited.length / d;
    const counts = new Float64Array(k);
    for (let r = 0; r < m; r++) counts[occurrenceOf[r]!]! += 1;
    const weights = Float32Array.from(counts, (c) => c / m);

    // parents of each visited state, one per allowed backward action
    const backMask = env.backwardMask(visited);
    const edges: number[] = [];
    for (let e = 0; e < k * nB; e++) if (backMask[e]) edges.push(e);
    const edgeState = Int32Array.from(edges, (e) => Math.floor(e / nB));
    const edgeAction = Int32Array.from(edges, (e) => e % nB);
    const parents = edges.length > 0 ? env.backwardStep(selectRows(visited, d, edgeState), edgeAction) : new Int32Array(0);

    const terminals = batch.terminalStates();
    const all = new Int32Array(visited.length + parents.length + terminals.length);
    all.set(visited, 0);
    all.set(parents, visited.length);
    all.set(terminals, visited.length + parents.length);
    const { unique, inverse } = uniqueRows(all, d);
    const nP = parents.length / d;

    const nEntries = k + k * nB + n;
    const rows = new Int32Array(nEntries);
    const pick = new Float32Array(nEntries * (nA + 1));
    const setEntry = (entry: number, row: number, column: number): void => {
      rows[entry] = row;
      pick[entry * (nA + 1) + column] = 1;
    };
    for (let v = 0; v < k; v++) setEntry(v, inverse[v]!, nA);
    edges.forEach((e, j) => setEntry(k + e, inverse[k + j]!, edgeAction[j]!));
    for (let i = 0; i < n; i++) setEntry(k + k * nB + i, inverse[k + nP + i]!, nA - 1);

    return { unique, nUnique: unique.length / d, nVisited: k, weights, rows, pick, backMask };
  }

  /** The FM loss of a batch at the current parameters (differentiable); see the module doc. */
  loss(batch: Trajectories): Scalar {
    const { env } = this;
    const nA = env.nActions;
    const nB = nA - 1;
    const n = batch.nTraj;
    const p = this.plan(batch);
    const k = p.nVisited;
    const logR = clippedLogRewards(batch.logRewards, this.options.logRewardClip);
    return tf.tidy(() => {
      const states = p.unique;
      const logFlows = this.forward.apply(networkInput(env, this.forward, states));
      const logOutflow = tf.reshape(maskedLogSumExp(logFlows, env.forwardMask(states)), [p.nUnique, 1]);
      // column A holds each state's log outflow, so one gather serves outflows, edges and exits
      const table = tf.concat([logFlows, logOutflow], 1) as Tensor2D;
      const entries = tf.sum(tf.mul(gatherRows(table, p.rows), tf.tensor2d(p.pick, [p.rows.length, nA + 1])), 1);
      const exitFlows = tf.slice(entries, [k + k * nB], [n]);
      const terminalTerm = tf.mean(tf.square(tf.sub(exitFlows, tf.tensor1d(logR))));
      if (k === 0) return terminalTerm as Scalar;
      const outflow = tf.slice(entries, [0], [k]);
      const edgeFlows = tf.reshape(tf.slice(entries, [k], [k * nB]), [k, nB]) as Tensor2D;
      const inflow = maskedLogSumExp(edgeFlows, p.backMask);
      const stateTerm = tf.sum(tf.mul(tf.tensor1d(p.weights), tf.square(tf.sub(inflow, outflow))));
      return tf.add(stateTerm, terminalTerm) as Scalar;
    });
  }

  update(batch: TrainingBatch): Record<string, number> {
    return { loss: this.optimizer.minimize(() => this.loss(batch.forward)) };
  }

  /** Frees the optimiser; the forward estimator belongs to the container. */
  /** The edge-flow network and the Adam state, for checkpoints. */
  checkpointParts(): ObjectiveStateParts {
    return { variables: this.optimizer.variables, optimizers: { adam: this.optimizer } };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
