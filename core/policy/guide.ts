import type { Environment } from '../env/environment.js';
import type { Estimator } from '../tensor/estimator.js';

/**
 * A guided distribution P_G over forward actions, used by RL-G as the target of the backward
 * policy: a backward step s_t → s_{t+1} of a trajectory that ends (started) at x costs
 * log P_B(s_{t+1}|s_t) − log P_G(s_t|s_{t+1}, x).
 */
export interface Guide {
  /**
   * log P_G(a | s, x) of the forward actions `actions` taken from `states` (rows), where row r
   * belongs to a trajectory whose terminal state is row r of `terminals`. Host memory; no gradient
   * flows through a guide.
   */
  logProbs(states: Int32Array, actions: Int32Array, terminals: Int32Array): Float32Array;
  /** Sees each training batch's terminal states and log-rewards (replay-based guides keep them). */
  observe?(terminals: Int32Array, logRewards: Float64Array): void;
}

/** Environments that can build a guide for RL-G implement this. */
export interface GuideProvider {
  /** A guide built around the current forward policy (many guides reshape P_F). */
  createGuide(forward: Estimator, options?: Record<string, unknown>): Guide;
}

/** Type guard for {@link GuideProvider}. */
export function providesGuide(env: Environment): env is Environment & GuideProvider {
  return typeof (env as Partial<GuideProvider>).createGuide === 'function';
}
