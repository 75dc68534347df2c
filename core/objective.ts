import type { Trajectories } from './sampling/trajectories.js';

/** The data the trainer hands an objective each iteration. */
export interface TrainingBatch {
  iteration: number;
  /** On-policy (or exploratory) forward trajectories from s0. */
  forward: Trajectories;
}

/**
 * A training algorithm. It owns its estimators' optimisers and turns a batch of trajectories into
 * parameter updates, returning named scalar metrics (at least `loss`).
 */
export interface Objective {
  /** Registered name, for logs and errors. */
  readonly name: string;
  /**
   * True when the update is only correct for trajectories sampled from the current P_F (policy
   * gradients): the trainer then refuses exploration and replay instead of silently biasing it.
   */
  readonly onPolicy?: boolean;
  /** One update from `batch`; returns metrics such as `loss` and `logZ`. */
  update(batch: TrainingBatch): Record<string, number>;
  /** The current estimate of log Z, when the objective learns one. */
  logZ?(): number;
  /** Frees all tensors the objective owns. */
  dispose(): void;
}
