/**
 * Modified detailed balance (MDB; Deleu et al. 2022, "Bayesian Structure Learning with Generative
 * Flow Networks"), for environments in which every state can terminate (P_F(s_f | s) > 0 for all
 * s, e.g. DAGs: every graph is a candidate). Detailed balance written with F(s) = R(s)/P_F(s_f|s)
 * needs no flow network: for a transition s → s',
 *
 *   δ = log R(s') − log R(s) + log P_B(s | s') + log P_F(s_f | s) − log P_F(s' | s) − log P_F⁻(s_f | s'),
 *
 * where P_F⁻ is a target network (a slowly updated copy of P_F, see target-network.ts) and so
 * carries no gradient, P_B is uniform over the backward actions of s' (for DAGs: 1 / #edges(s')),
 * and log R(s') − log R(s) is the environment's local difference when it has one (the BGe delta
 * score). The loss is the mean over a batch of transitions drawn uniformly from a replay buffer of
 * Huber(δ) (quadratic within `huberDelta`, linear beyond: the published choice against exploding
 * gradients) or of δ². Each iteration adds the non-exit transitions of the sampler's (ε-explored)
 * trajectories to the buffer and, once it holds `prefill` transitions, takes `updatesPerIteration`
 * Adam steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D } from '#tensor-types';
import type { Checkpointable } from '../../core/checkpoint/checkpointable.js';
import type { Environment } from '../../core/env/environment.js';
import { isConditional } from '../../core/env/condition/conditional-environment.js';
import { logRewardDeltas } from '../../core/env/log-reward-delta.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Objective, ObjectiveStateParts, TrainingBatch } from '../../core/objectives/objective.js';
import { maskedLogSoftmax } from '../../core/policy/categorical.js';
import { estimatorOutputs } from '../../core/policy/unique-states.js';
import type { Rng } from '../../core/base/rng.js';
import { gatherTransitions, selectRows } from '../../core/sampling/transitions.js';
import { GroupedAdam } from '../../core/tensor/adam.js';
import type { TargetNetwork } from './target-network.js';
import { type TransitionBatch, TransitionReplay } from './transition-replay.js';
import { networkInput } from '../../core/policy/network-input.js';

/** Loss applied to each MDB residual. */
export const MDB_LOSSES = ['huber', 'squared'] as const;
export type MdbLoss = (typeof MDB_LOSSES)[number];

/** Options of {@link ModifiedDetailedBalance}. */
export interface MdbOptions {
  lr: number;
  loss: MdbLoss;
  /** δ of the Huber loss. */
  huberDelta: number;
  /** Transitions per gradient step. */
  transitionBatch: number;
  /** Gradient steps per trainer iteration (once prefilled). */
  updatesPerIteration: number;
  /** Transitions the replay buffer keeps. */
  replayCapacity: number;
  /** Transitions stored before the first gradient step. */
  prefill: number;
}

export class ModifiedDetailedBalance implements Objective {
  readonly name = 'mdb';
  private readonly optimizer: GroupedAdam;
  private readonly replay: TransitionReplay;
  private readonly exit: number;

  constructor(
    private readonly env: Environment,
    private readonly forward: Estimator,
    private readonly target: TargetNetwork,
    private readonly options: MdbOptions,
    private readonly rng: Rng,
  ) {
    this.optimizer = new GroupedAdam([{ name: 'policy', variables: forward.variables, learningRate: options.lr }]);
    // a conditional run's condition columns (float32 bits) are stored wide
    this.replay = new TransitionReplay(options.replayCapacity, env.stateDim, isConditional(env) ? env.stateDim - env.base.stateDim : 0);
    this.exit = env.nActions - 1;
  }

  /**
   * The residual δ of each transition (differentiable in P_F's parameters; the target's term is a
   * constant). Call inside a gradient scope or tidy.
   */
  residuals(batch: TransitionBatch): Tensor1D {
    const { env, exit } = this;
    const n = batch.count;
    const next = env.step(batch.states, batch.actions);
    // log P_B(s | s') = −log #(backward actions of s'): uniform P_B
    const backward = env.backwardMask(next);
    const nb = backward.length / n;
    const constant = new Float32Array(n);
    const targetExit = this.targetExitLogProbs(next);
    for (let k = 0; k < n; k++) {
      let parents = 0;
      for (let c = 0; c < nb; c++) parents += backward[k * nb + c]!;
      constant[k] = batch.logRewardDeltas[k]! - Math.log(parents) - targetExit[k]!;
    }
    const nA = env.nActions;
    const pick = new Float32Array(n * nA);
    for (let k = 0; k < n; k++) {
      // + log P_F(s_f | s) − log P_F(s' | s): one signed selection matrix
      pick[k * nA + exit] += 1;
      pick[k * nA + batch.actions[k]!] -= 1;
    }
    const logProbs = maskedLogSoftmax(estimatorOutputs(env, this.forward, batch.states), env.forwardMask(batch.states));
    return tf.add(tf.sum(tf.mul(logProbs, tf.tensor2d(pick, [n, nA])), 1), tf.tensor1d(constant)) as Tensor1D;
  }

  /** The loss of a batch of transitions at the current parameters (differentiable). */
  loss(batch: TransitionBatch): Scalar {
    return tf.tidy(() => {
      const r = this.residuals(batch);
      if (this.options.loss === 'squared') return tf.mean(tf.square(r)) as Scalar;
      const delta = this.options.huberDelta;
      const abs = tf.abs(r);
      const quadratic = tf.minimum(abs, delta);
      // ½q² + δ(|r| − q): ½r² within δ, δ(|r| − ½δ) beyond
      return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, tf.sub(abs, quadratic)))) as Scalar;
    });
  }

  update(batch: TrainingBatch): Record<string, number> {
    this.store(batch);
    const { prefill, updatesPerIteration, transitionBatch } = this.options;
    // no gradient step before the buffer holds `prefill` transitions: loss 0 reports "not training yet"
    if (this.replay.size < prefill) return { loss: 0, replaySize: this.replay.size };
    let total = 0;
    for (let u = 0; u < updatesPerIteration; u++) {
      const sample = this.replay.sample(transitionBatch, this.rng);
      total += this.optimizer.minimize(() => this.loss(sample));
      this.target.step();
    }
    return { loss: total / updatesPerIteration, replaySize: this.replay.size };
  }

  /** Adds the batch's non-exit transitions, with their log-reward differences, to the buffer. */
  private store(batch: TrainingBatch): void {
    const tr = gatherTransitions(batch.forward, this.exit);
    const rows: number[] = [];
    for (let m = 0; m < tr.count; m++) if (!tr.isExit[m]) rows.push(m);
    if (rows.length === 0) return;
    const dim = this.env.stateDim;
    const states = selectRows(tr.states, dim, rows);
    const actions = selectRows(tr.actions, 1, rows);
    this.replay.add(states, actions, logRewardDeltas(this.env, states, actions, selectRows(tr.nextStates, dim, rows)));
  }

  /** log P_F⁻(s_f | s') under the target network (host values, no gradient). */
  private targetExitLogProbs(next: Int32Array): Float32Array {
    return tf.tidy(() => {
      const logits = this.target.target.predict(networkInput(this.env, this.target.target, next));
      const lp = maskedLogSoftmax(logits, this.env.forwardMask(next));
      const nA = this.env.nActions;
      return tf.reshape(tf.slice(lp, [0, nA - 1], [-1, 1]), [-1]).dataSync() as Float32Array;
    });
  }

  /** P_F and its Adam state; the replay buffer, the target network and the draw stream as extras. */
  checkpointParts(): ObjectiveStateParts {
    const rng = this.rng;
    const rngState: Checkpointable = { saveState: () => ({ words: rng.getState() }), loadState: (s) => rng.setState(s.words as number[]) };
    return { variables: this.optimizer.variables, optimizers: { adam: this.optimizer }, extra: { replay: this.replay, target: this.target, rng: rngState } };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.target.dispose();
  }
}
