/**
 * GFlowNet training by policy gradients (Niu et al., ICML 2024): RL-U, RL-B, RL-G and RL-T.
 *
 * Forward part (every variant). Sampling τ ~ P_F, each step costs
 *   r_t = log P_F(a_t|s_t) − log P_B(s_t|s_{t+1}),   exit: r = log P_F(s_f|x) − (log R(x) − log Ẑ),
 * so Σ_t r_t = log P_F(τ) − log P_B(τ|x) − log R(x) + log Ẑ and
 *   J_F = E_{P_F}[Σ r] = KL(P_F(τ) ‖ P_B(τ|x) R(x)/Z*) + log Ẑ − log Z*.
 * Per iteration: V (its own MLP) gives V(s_t); advantages by GAE(γ = 1, λ) on the pre-update V,
 * centred over the batch; the policy descends mean_n Σ_t A_t ∇log P_F(a_t|s_t) (Adam, or a TRPO
 * step for RL-T); log Ẑ descends with gradient mean_n Σ_t r_t (so it converges to
 * log Z* − KL, a lower bound); V regresses the cost-to-go Σ_{k≥t} r_k.
 *
 * Conditional (each trajectory carries a condition c, its log R already that of R_c): log Ẑ is
 * the network log Ẑ(c) of TB's conditional log Z (learned-log-z.ts), each trajectory's exit cost
 * uses log Ẑ(c_τ), and log Ẑ(c) descends (1/N) Σ_τ (Σ_t r_t) ∇log Ẑ(c_τ), converging per condition
 * to log Z(c) − KL(P_F(·|c) ‖ P_B R_c/Z(c)).
 *
 * Backward part. `uniform` (RL-U): P_B is uniform, nothing more. `coupled` (RL-B) and `guided`
 * (RL-G): P_B is learned; after the forward update, backward trajectories are sampled under P_B
 * from the batch's terminal states, each backward step s_t → s_{t+1} costs
 *   log P_B(s_{t+1}|s_t) − log P_G(s_t|s_{t+1})
 * with P_G = the current P_F (coupled) or the environment's guide (guided); P_B descends the
 * λ = 1 advantages of its own value network, with its own optimisers.
 *
 * Evaluator. `td` (the paper's): V regresses the cost-to-go as above. `subeb` (Niu, Wu, Qian,
 * ICLR 2026; see subeb.ts): V is learned by subtrajectory evaluation balance over all partial
 * episodes, the advantages use −V as the cost-to-go, and a learned P_B (`coupled`) is trained on
 * the same residuals instead of by backward trajectories.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Scalar, Tensor, Variable } from '#tensor-types';
import type { Environment } from '../../core/env/environment.js';
import { reuseKnownRewards } from '../../core/env/reward-batch.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Objective, ObjectiveStateParts, TrainingBatch } from '../../core/objectives/objective.js';
import type { BackwardPolicy } from '../../core/policy/backward.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import type { Guide } from '../../core/policy/guide.js';
import { type LogZInit, LogZInitialiser } from '../../core/objectives/initial-log-z.js';
import { type LearnedLogZ, learnedLogZ, ScalarLogZ, scalarLogZVariable } from '../../core/objectives/learned-log-z.js';
import type { Rng } from '../../core/base/rng.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import { distinctOutputs, estimatorOutputs, gatherRows } from '../../core/policy/unique-states.js';
import type { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions, selectRows, type Transitions } from '../../core/sampling/transitions.js';
import { GroupedAdam, type ParamGroup } from '../../core/tensor/adam.js';
import { backwardStepQuantities, forwardStepQuantities, type StepQuantities } from './costs.js';
import { subEbTrainingLoss } from './subeb.js';
import { type TrpoOptions, TrustRegionStep } from './trpo.js';
import { readValues } from '../../core/tensor/read.js';
import { behaviourLogProbs } from '../../core/policy/behaviour.js';
import { maskedEntropy, takenLogProbs } from '../../core/policy/categorical.js';
import { type ExplorationSchedule, explorationAt } from '../../core/sampling/exploration.js';
import { entropyWeightAt, type RlExploration, recordedImportanceWeights, trajectoryImportanceWeights } from './exploration-terms.js';

import { type RlEvaluator, rlOptionProblems } from './rl-options.js';

export { RL_EVALUATORS, type RlChoices, type RlEvaluator, rlOptionProblems } from './rl-options.js';

/** Options of {@link PolicyGradientGFlowNet}. */
export interface RlOptions {
  /** P_B: uniform (RL-U), learned and coupled to P_F (RL-B), learned towards a guide (RL-G). */
  backward: 'uniform' | 'coupled' | 'guided';
  /** Forward policy update: Adam, or a trust-region step (RL-T). */
  optimizer: 'adam' | 'trpo';
  /** Learning rate of P_F (Adam). */
  lr: number;
  /** Learning rate of the learned P_B. */
  lrB: number;
  /** Learning rate of log Ẑ. */
  lrZ: number;
  /** Learning rate of the value networks. */
  lrV: number;
  /** GAE λ of the forward advantages. */
  lambda: number;
  /** Initial log Ẑ: a number, or `auto` = estimated from the first batch before the first step (see initial-log-z.ts). */
  logZInit: LogZInit;
  logRewardClip: number;
  /** Subtract the batch mean from the advantages (the reference code does). */
  centerAdvantages: boolean;
  trpo: TrpoOptions;
  /** Entropy bonus and importance weights (absent = neither). */
  exploration?: RlExploration;
  /** How V is learned: λ-TD targets (`td`, the paper's; default) or Sub-EB (`subeb`). */
  evaluator?: RlEvaluator;
  /** λ of Sub-EB's geometric-within sub-trajectory weights (default 0.9). */
  subebLambda?: number;
}

/** The networks and services the objective works with (built by its plugin factory). */
export interface RlParts {
  env: Environment;
  forward: Estimator;
  backward: BackwardPolicy;
  value: Estimator;
  /** Value network of the backward part (coupled/guided with the `td` evaluator). */
  backwardValue?: Estimator;
  /** The guide of RL-G. */
  guide?: Guide;
  sampler: Sampler;
  /** The sampler's behaviour schedule, needed for importance weights. */
  behaviour?: ExplorationSchedule;
  /** Draws the log Ẑ(c) network's initial weights (a conditional environment only). */
  rng?: () => Rng;
}

/** A loss closure and, once it has run, the host quantities it computed. */
export interface LossWithQuantities {
  loss: () => Scalar;
  /** The batch's valid steps, gathered once (rows of the quantities' per-row arrays). */
  transitions: Transitions;
  quantities: () => StepQuantities;
}

export class PolicyGradientGFlowNet implements Objective {
  readonly name = 'rl';
  /** log Ẑ: one variable, or log Ẑ(c) on a conditional environment (the network TB's log Z(c) is). */
  readonly learnedLogZ: LearnedLogZ;
  private readonly forwardOptimizer: GroupedAdam;
  private readonly backwardOptimizer?: GroupedAdam;
  private readonly trpo?: TrustRegionStep;
  private readonly evaluator: RlEvaluator;
  private readonly logZStart: LogZInitialiser;

  /** With importance weights, the sampler may explore (ε, temperature); replay stays refused. */
  readonly correctsExploration: boolean;

  constructor(
    private readonly parts: RlParts,
    private readonly options: RlOptions,
  ) {
    this.correctsExploration = options.exploration?.importanceWeights === true;
    if (this.correctsExploration && !parts.behaviour) throw new Error("rl: importance weights need the sampler's behaviour schedule");
    const { forward, backward, value, backwardValue, env } = parts;
    this.evaluator = options.evaluator ?? 'td';
    const subeb = this.evaluator === 'subeb';
    const refused = rlOptionProblems({ backward: options.backward, evaluator: this.evaluator, ...options.exploration });
    if (refused.length > 0) throw new Error(`rl: ${refused.map((p) => `${p.field} = ${JSON.stringify(p.value)}: ${p.reason}`).join('; ')}`);
    if (options.backward !== 'uniform' && (backward.variables.length === 0 || (!subeb && !backwardValue))) {
      throw new Error(`rl: backward '${options.backward}' needs a learned P_B${subeb ? '' : ' and a backward value network'}`);
    }
    if (options.backward === 'guided' && !parts.guide) throw new Error(`rl: backward 'guided' needs a guide from environment '${env.name}'`);
    this.logZStart = new LogZInitialiser(options.logZInit);
    this.learnedLogZ = learnedLogZ(env, options.logZInit, 'rl/logZ', 'rl', parts.rng);
    const groups: ParamGroup[] = [
      { name: 'logZ', variables: [...this.learnedLogZ.variables], learningRate: options.lrZ },
      { name: 'value', variables: value.variables, learningRate: options.lrV },
    ];
    if (options.optimizer === 'adam') groups.push({ name: 'forward', variables: forward.variables, learningRate: options.lr });
    else this.trpo = new TrustRegionStep(env, forward, options.trpo);
    // Sub-EB's P_B step comes from the same gradient computation as the V and P_F steps
    if (subeb && options.backward === 'coupled') groups.push({ name: 'backward', variables: backward.variables, learningRate: options.lrB });
    this.forwardOptimizer = new GroupedAdam(groups);
    if (backwardValue && !subeb) {
      this.backwardOptimizer = new GroupedAdam([
        { name: 'backward', variables: backward.variables, learningRate: options.lrB },
        { name: 'backwardValue', variables: backwardValue.variables, learningRate: options.lrV },
      ]);
    }
  }

  /** The scalar log Ẑ variable of an unconditional run. */
  get logZVar(): Variable<Rank.R0> {
    return scalarLogZVariable(this.learnedLogZ, 'rl');
  }

  update(batch: TrainingBatch): Record<string, number> {
    const { env, forward, backward } = this.parts;
    const start = this.logZStart.apply(this.learnedLogZ, batch.forward, batch.fresh, {
      env,
      forward,
      backward,
      logRewardClip: this.options.logRewardClip,
    });
    if (this.evaluator === 'subeb') {
      if (batch.behaviour) throw new Error("rl: evaluator 'subeb' has no correction for batches sampled with earlier parameters (pipeline)");
      return { ...this.updateWithSubEb(batch.forward), ...start };
    }
    // the exploration schedules are indexed by the updates completed before this one (as the sampler's)
    const metrics = this.updateForward(batch.forward, batch.iteration - 1, batch.behaviour?.logProb);
    if (this.options.backward !== 'uniform') Object.assign(metrics, this.updateBackward(batch.forward));
    return { ...metrics, ...start };
  }

  /** log Ẑ (at the reference condition in a conditional run): the `logZ` metric. */
  logZ(): number {
    return this.learnedLogZ.value();
  }

  /** log Ẑ(c) at the condition `s0` carries (one number for every s0 in an unconditional run). */
  logZAt(s0: Int32Array): number {
    return this.learnedLogZ.at(s0);
  }

  /** P_B (sampled evaluation and local search walk back under it). */
  backwardPolicy(): BackwardPolicy {
    return this.parts.backward;
  }

  /**
   * log Ẑ, P_F, V, a learned P_B, V_B and the Adam states, for checkpoints. A guide that learns
   * from the batches (`observe`, e.g. the sequence guide's replay index) is state this does not
   * cover: RL-G with such a guide has no checkpoint parts, so a resume refuses it by name.
   */
  checkpointParts(): ObjectiveStateParts {
    const { forward, backward, value, backwardValue, guide } = this.parts;
    if (this.options.backward === 'guided' && guide?.observe) {
      throw new Error(`objective 'rl' (backward 'guided'): the guide keeps state that checkpoints do not cover`);
    }
    const variables = [
      ...new Set([...this.learnedLogZ.variables, ...forward.variables, ...value.variables, ...backward.variables, ...(backwardValue?.variables ?? [])]),
    ];
    return {
      variables,
      optimizers: { forward: this.forwardOptimizer, ...(this.backwardOptimizer ? { backward: this.backwardOptimizer } : {}) },
      extra: { logZInit: this.logZStart },
    };
  }

  /**
   * The forward loss at the current parameters: Σ A·log P_F / N + log Ẑ · mean_n Σ_t r_t +
   * Σ (target − V)² / N. Its gradient is the policy gradient for P_F, mean Σ r for log Ẑ and the
   * value regression for V (the three parameter sets are disjoint). The policy term is left out
   * when `withPolicy` is false (RL-T steps the policy separately).
   */
  forwardLoss(batch: Trajectories, withPolicy = true, iteration = 0, recordedLogQ?: Float64Array): LossWithQuantities {
    const { env, forward, value } = this.parts;
    const tr = gatherTransitions(batch, env.nActions - 1);
    const logPB = this.backwardLogProbsOfForwardSteps(tr);
    const logR = clippedLogRewards(batch.logRewards, this.options.logRewardClip);
    const n = batch.nTraj;
    // the mask of every transition, only where it is read (the loss masks the distinct states itself)
    let transitionsMask: Uint8Array | undefined;
    const forwardMask = (): Uint8Array => (transitionsMask ??= env.forwardMask(tr.states));
    if (recordedLogQ && recordedLogQ.length !== n) throw new Error(`rl: ${recordedLogQ.length} recorded behaviour log-probabilities for ${n} trajectories`);
    // recorded q (pipelined batches): the weights come from the loss's own P_F pass below
    const exploring = recordedLogQ || !this.correctsExploration ? undefined : this.importanceWeights(tr, forwardMask(), n, iteration);
    const alpha = this.options.exploration ? entropyWeightAt(this.options.exploration, iteration) : 0;
    const logZ = this.learnedLogZ.perTrajectoryValues(batch);
    let computed: StepQuantities | undefined;
    const loss = (): Scalar =>
      tf.tidy(() => {
        // one P_F network call (at the distinct states) serves the taken log-probabilities and the entropy bonus
        const distinct = distinctOutputs(env, forward, tr.states);
        const logPF = takenLogProbs(distinct.outputs, distinct.rows ? env.forwardMask(distinct.states) : forwardMask(), tr.actions, distinct.rows);
        const logPFHost = logPF.dataSync();
        // a pipelined batch, drawn with earlier parameters, is reweighted by P_F(τ)/q(τ) with its recorded q
        const weights = recordedLogQ ? recordedImportanceWeights(logPFHost, tr.traj, recordedLogQ) : exploring;
        const v = tf.reshape(estimatorOutputs(env, value, tr.states), [tr.count]);
        const q = forwardStepQuantities(batch, tr, logPFHost, logPB, v.dataSync(), logR, logZ, this.options.lambda, this.options.centerAdvantages);
        if (weights) for (let m = 0; m < tr.count; m++) q.rowAdvantages[m]! *= weights[tr.traj[m]!]!;
        computed = q;
        let total = tf.add(this.logZTerm(batch, q.trajectoryCosts, weights), tf.div(tf.sum(tf.square(tf.sub(tf.tensor1d(q.rowTargets), v))), n));
        if (withPolicy) total = tf.add(total, tf.div(tf.sum(tf.mul(logPF, tf.tensor1d(q.rowAdvantages))), n));
        if (withPolicy && alpha > 0) {
          const logits = distinct.rows ? gatherRows(distinct.outputs, distinct.rows) : distinct.outputs;
          const entropy = maskedEntropy(logits, forwardMask());
          total = tf.sub(total, tf.mul(alpha / n, tf.sum(entropy)));
        }
        return total as Scalar;
      });
    return {
      loss,
      transitions: tr,
      quantities: () => {
        if (!computed) throw new Error('forwardLoss: the loss has not been evaluated yet');
        return computed;
      },
    };
  }

  /**
   * The log Ẑ part of the forward loss: (1/N) Σ_i w_i C_i log Ẑ(c_i), the costs C_i = Σ_t r_t
   * (at the current log Ẑ) and importance weights w_i constants. Its gradient (1/N) Σ_i w_i C_i ∇log Ẑ(c_i)
   * is that of (1/2N) Σ_i w_i C_i², C_i depending on log Ẑ(c_i) with slope 1: log Ẑ(c) regresses
   * onto the trajectories' log-ratios log R_c(x) + log P_B(τ|x, c) − log P_F(τ|c), i.e. to
   * log Z(c) − KL under P_F(·|c). One log Ẑ: log Ẑ · mean_i w_i C_i (the unconditional run's own arithmetic).
   */
  private logZTerm(batch: Trajectories, costs: Float64Array, weights: Float64Array | undefined): Tensor {
    const n = batch.nTraj;
    if (this.learnedLogZ instanceof ScalarLogZ) {
      const meanCost = costs.reduce((a, b, i) => a + b * (weights ? weights[i]! : 1), 0) / n;
      return tf.mul(this.learnedLogZ.variable, meanCost);
    }
    const weighted = Float32Array.from(costs, (c, i) => c * (weights ? weights[i]! : 1));
    return tf.div(tf.sum(tf.mul(this.learnedLogZ.perTrajectory(batch), tf.tensor1d(weighted))), n);
  }

  /**
   * P_F(τ)/q(τ) of each trajectory under the sampler's behaviour at `iteration` (see
   * exploration-terms.ts), `mask` being the forward mask of the batch's steps; undefined when
   * importance weights are off. Evaluated at the current parameters and used as constants. (A batch
   * that recorded its behaviour log q(τ), the pipelined trainer's, is reweighted in the loss itself.)
   */
  private importanceWeights(tr: Transitions, mask: Uint8Array, n: number, iteration: number): Float64Array | undefined {
    const { env, forward, behaviour } = this.parts;
    if (!this.correctsExploration || !behaviour || tr.count === 0) return undefined;
    const logits = readValues(() => estimatorOutputs(env, forward, tr.states));
    const logPF = behaviourLogProbs(logits, mask, env.nActions, tr.actions, { epsilon: 0, temperature: 1 });
    const logQ = behaviourLogProbs(logits, mask, env.nActions, tr.actions, explorationAt(behaviour, iteration));
    return trajectoryImportanceWeights(logPF, logQ, tr.traj, n);
  }

  /** log P_B(s_t|s_{t+1}) of each non-exit forward step (0 at exits), from the current P_B. */
  private backwardLogProbsOfForwardSteps(tr: Transitions): Float32Array {
    const { env, backward } = this.parts;
    const nonExit = Int32Array.from(tr.isExit.reduce<number[]>((acc, e, m) => (e ? acc : (acc.push(m), acc)), []));
    const out = new Float32Array(tr.count);
    if (nonExit.length === 0) return out;
    const lp = readValues(() => backward.logProbs(selectRows(tr.nextStates, env.stateDim, nonExit), selectRows(tr.actions, 1, nonExit)));
    nonExit.forEach((m, k) => (out[m] = lp[k]!));
    return out;
  }

  private updateForward(batch: Trajectories, iteration: number, recordedLogQ?: Float64Array): Record<string, number> {
    const { loss, quantities, transitions: tr } = this.forwardLoss(batch, !this.trpo, iteration, recordedLogQ);
    this.forwardOptimizer.minimize(loss);
    const q = quantities();
    const metrics: Record<string, number> = {
      loss: q.trajectoryCosts.reduce((a, b) => a + b, 0) / batch.nTraj,
      valueLoss: valueLoss(q, batch.nTraj),
      logZ: this.logZ(),
    };
    if (this.trpo) {
      const step = this.trpo.step({ states: tr.states, actions: tr.actions, advantages: q.rowAdvantages, nTraj: batch.nTraj });
      metrics.trpoAccepted = step.accepted ? 1 : 0;
      metrics.trpoKl = step.kl;
    }
    return metrics;
  }

  /** One Sub-EB iteration (V step, P_B step when learned, P_F + log Ẑ step; see subeb.ts). */
  private updateWithSubEb(batch: Trajectories): Record<string, number> {
    const { env, forward, backward, value } = this.parts;
    const { subebLambda = 0.9, lambda, logRewardClip, centerAdvantages } = this.options;
    const ctx = { env, forward, backward, value, logZ: this.learnedLogZ };
    const { loss, quantities, transitions: tr } = subEbTrainingLoss(ctx, batch, { subebLambda, lambda, logRewardClip, centerAdvantages }, !this.trpo);
    this.forwardOptimizer.minimize(loss);
    const q = quantities();
    const metrics: Record<string, number> = {
      loss: q.trajectoryCosts.reduce((a, b) => a + b, 0) / batch.nTraj,
      valueLoss: q.subEbLoss,
      zDiff: q.zDiff,
      logZ: this.logZ(),
    };
    if (this.trpo) {
      const step = this.trpo.step({ states: tr.states, actions: tr.actions, advantages: q.rowAdvantages, nTraj: batch.nTraj });
      Object.assign(metrics, { trpoAccepted: step.accepted ? 1 : 0, trpoKl: step.kl });
    }
    return metrics;
  }

  /**
   * The backward loss for backward trajectories `bwd` (from the forward batch's terminal states):
   * Σ A·log P_B / N + Σ (target − V_B)² / N.
   */
  backwardLoss(bwd: Trajectories, terminalsPerTrajectory: Int32Array): LossWithQuantities {
    const { env, backward, backwardValue } = this.parts;
    const tr = gatherTransitions(bwd, -1);
    const logPG = this.guideLogProbs(tr, terminalsPerTrajectory);
    const n = bwd.nTraj;
    let computed: StepQuantities | undefined;
    const loss = (): Scalar =>
      tf.tidy(() => {
        const logPB = backward.logProbs(tr.states, tr.actions);
        const v = tf.reshape(estimatorOutputs(env, backwardValue!, tr.states), [tr.count]);
        const q = backwardStepQuantities(bwd, tr, logPB.dataSync(), logPG, v.dataSync(), this.options.centerAdvantages);
        computed = q;
        const policy = tf.div(tf.sum(tf.mul(logPB, tf.tensor1d(q.rowAdvantages))), n);
        return tf.add(policy, tf.div(tf.sum(tf.square(tf.sub(tf.tensor1d(q.rowTargets), v))), n)) as Scalar;
      });
    return {
      loss,
      transitions: tr,
      quantities: () => {
        if (!computed) throw new Error('backwardLoss: the loss has not been evaluated yet');
        return computed;
      },
    };
  }

  /** log P_G(s_t|s_{t+1}) of each backward step: the forward action (same index) from s_{t+1}. */
  private guideLogProbs(tr: Transitions, terminalsPerTrajectory: Int32Array): Float32Array {
    const { env, forward, guide } = this.parts;
    if (tr.count === 0) return new Float32Array(0);
    if (this.options.backward === 'guided') {
      return guide!.logProbs(tr.nextStates, tr.actions, selectRows(terminalsPerTrajectory, env.stateDim, tr.traj));
    }
    return readValues(() => forwardLogProbs(env, forward, tr.nextStates, tr.actions));
  }

  private updateBackward(forwardBatch: Trajectories): Record<string, number> {
    const terminals = forwardBatch.terminalStates();
    this.parts.guide?.observe?.(terminals, forwardBatch.logRewards);
    // the forward batch's rewards: a reward service is not asked again for them
    const bwd = this.parts.sampler.sampleBackward(terminals, this.parts.backward, undefined, reuseKnownRewards(this.parts.env, forwardBatch.logRewards));
    if (bwd.nSteps === 0) return { backwardLoss: 0, backwardValueLoss: 0 };
    const { loss, quantities } = this.backwardLoss(bwd, terminals);
    this.backwardOptimizer!.minimize(loss);
    const q = quantities();
    return { backwardLoss: q.trajectoryCosts.reduce((a, b) => a + b, 0) / bwd.nTraj, backwardValueLoss: valueLoss(q, bwd.nTraj) };
  }

  dispose(): void {
    this.forwardOptimizer.dispose();
    this.backwardOptimizer?.dispose();
    this.learnedLogZ.dispose();
    this.parts.backward.dispose();
    this.parts.value.dispose();
    this.parts.backwardValue?.dispose();
  }
}

/** mean_n Σ_t (target − V)² from host quantities. */
function valueLoss(q: StepQuantities, nTraj: number): number {
  let s = 0;
  for (let k = 0; k < q.targets.length; k++) s += (q.targets[k]! - q.values[k]!) ** 2;
  return s / nTraj;
}
