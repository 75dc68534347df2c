import type { Variable } from '#tensor-types';
import type { Checkpointable } from '../checkpoint/checkpointable.js';
import type { BackwardPolicy } from '../policy/backward.js';
import type { Trajectories } from '../sampling/trajectories.js';

/**
 * What a checkpoint saves of an objective, gathered generically: its trainable variables and its
 * optimisers (plus anything else with state). An objective without it cannot be resumed: the run
 * refuses `--resume` by the objective's name rather than continue from half its state.
 */
export interface ObjectiveStateParts {
  /** Every variable the objective trains (P_F's included), in an order fixed by the config. */
  variables: readonly Variable[];
  /** Its optimisers, by names fixed by the config. */
  optimizers: Readonly<Record<string, Checkpointable>>;
  /** Any other state (e.g. a guide's memory), by names fixed by the config. */
  extra?: Readonly<Record<string, Checkpointable>>;
}

/** The data the trainer hands an objective each iteration. */
export interface TrainingBatch {
  /** Number of the update this batch is for, from 1 (after it, the run is at iteration `iteration`). */
  iteration: number;
  /** On-policy (or exploratory) forward trajectories from s0. */
  forward: Trajectories;
  /**
   * How many of `forward`'s first trajectories the sampler drew in this iteration; locally searched
   * and replayed ones follow them. Absent = all of them.
   */
  fresh?: number;
  /**
   * Set when the fresh trajectories were sampled with earlier parameters than the objective's
   * current ones (the pipelined trainer): log q(τ) of each fresh trajectory under the behaviour
   * that drew it, and the version (updates made) of those parameters. Objectives that re-evaluate
   * P_F at the current parameters (TB, DB, SubTB) need nothing of it; on-policy ones reweight by
   * P_F(τ)/q(τ) with it.
   */
  behaviour?: { logProb: Float64Array; parameterVersion: number };
}

/**
 * A training algorithm fed by the trainer's sampler (the GFlowNet objectives). It owns its
 * estimators' optimisers and turns a batch of trajectories into parameter updates, returning named
 * scalar metrics (at least `loss`).
 */
export interface Objective {
  /** Registered name, for logs and errors. */
  readonly name: string;
  /** Absent or false: the trainer samples each batch (see {@link SelfCollectingObjective}). */
  readonly collectsOwnExperience?: false;
  /** One update from `batch`; returns metrics such as `loss` and `logZ`. */
  update(batch: TrainingBatch): Record<string, number>;
  /** The current estimate of log Z, when the objective learns one. */
  logZ?(): number;
  /**
   * Its estimate of log Z for trajectories from the initial state `s0`: in a conditional run, log
   * Z(c) at the condition `s0` carries (per-condition evaluation compares it with the exact log Z_c).
   */
  logZAt?(s0: Int32Array): number;
  /** Its P_B (uniform or learned): sampled evaluation draws backward trajectories from it and local search walks back under it; absent = uniform. */
  backwardPolicy?(): BackwardPolicy;
  /** Its state for checkpoints; absent = the objective cannot be checkpointed (see {@link ObjectiveStateParts}). */
  checkpointParts?(): ObjectiveStateParts;
  /** Frees all tensors the objective owns. */
  dispose(): void;
}

/** The experience a {@link SelfCollectingObjective} gathered in one iteration. */
export interface CollectedExperience {
  /** Environment steps taken (all copies together). */
  steps: number;
  /** Undiscounted return of each episode that finished during the iteration, in finishing order. */
  episodeReturns: number[];
  /** Length in steps of each of those episodes. */
  episodeLengths: number[];
  /** Milliseconds spent collecting (the rest of the iteration counts as update time). */
  collectMs: number;
}

/** What one iteration of a {@link SelfCollectingObjective} returns. */
export interface SelfCollectedIteration {
  /** Named scalars of the update (at least `loss`). */
  metrics: Record<string, number>;
  experience: CollectedExperience;
}

/**
 * A training algorithm that gathers its own experience, through the Gymnasium-style interface
 * (`core/gym/`), instead of receiving sampled trajectory batches: the classic RL baselines
 * (PPO, REINFORCE). Rollout lengths, environment copies and episode boundaries are its business;
 * the trainer only calls {@link iterate} and publishes what comes back.
 */
export interface SelfCollectingObjective {
  readonly name: string;
  readonly collectsOwnExperience: true;
  /** Collects experience with the current policy and updates from it; `iteration` is the update's number, from 1. */
  iterate(iteration: number): SelfCollectedIteration;
  logZ?(): number;
  /** As for {@link Objective}. */
  checkpointParts?(): ObjectiveStateParts;
  dispose(): void;
}

/**
 * What an objective needs of the rest of the config, declared by its contribution
 * (`ObjectiveContribution.traits`) so that the preflight checks the whole config before anything is
 * built, instead of the run finding out.
 */
export interface ObjectiveTraits {
  /**
   * It gathers its own experience through the Gym interface ({@link SelfCollectingObjective}): the
   * only kind that trains on a classic environment.
   */
  collectsOwnExperience?: boolean;
  /**
   * Its update is only correct for trajectories sampled from the current P_F (policy gradients):
   * exploration, replay and local search are refused instead of silently biasing it.
   */
  onPolicy?: boolean;
  /** On-policy, but it reweights the sampler's ε / temperature behaviour exactly (importance weights): exploration is allowed. */
  correctsExploration?: boolean;
  /**
   * On-policy, but it reweights the fresh trajectories by P_F(τ)/q(τ) with the behaviour log q(τ) a
   * batch records ({@link TrainingBatch.behaviour}): the pipelined trainer's one-update-stale
   * batches are allowed (`pipeline: true`).
   */
  correctsStaleParameters?: boolean;
  /** On-policy, but it trains on locally searched trajectories in its batch (rl with the Sub-EB evaluator, as its authors do). */
  acceptsLocalSearch?: boolean;
  /**
   * It keeps a replay memory of its own (e.g. MDB's transitions): the trajectory replay
   * (`replay.kind` other than "none") is refused, it would mix replayed trajectories into what the
   * objective stores as fresh experience.
   */
  keepsOwnReplay?: boolean;
  /**
   * Its update reads the environment's reward itself, synchronously, beyond the batch's terminal
   * rewards (MDB: log R of every state of its transitions): a reward service (`reward`), which the
   * sampler awaits, cannot serve it, and the config is refused.
   */
  readsStateRewards?: boolean;
}

/** Any objective a plugin can contribute. */
export type AnyObjective = Objective | SelfCollectingObjective;

/** Type guard for {@link SelfCollectingObjective}. */
export function collectsOwnExperience(objective: AnyObjective): objective is SelfCollectingObjective {
  return objective.collectsOwnExperience === true;
}
