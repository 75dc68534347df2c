import type { Environment } from '../env/environment.js';

/**
 * Estimates of the memory trajectories of an environment take, for the preflight's check of the
 * config fields that multiply them (batch size, replay capacity, evaluation samples). Lower
 * bounds: what the typed arrays themselves take, never the networks' activations on top.
 */

/** Bytes of one complete forward trajectory as a replay buffer keeps it: (T+1) states, T actions, its length and log R. */
export function storedTrajectoryBytes(env: Environment): number {
  const T = env.maxTrajectoryLength;
  return (T + 1) * env.stateDim * 4 + T * 4 + 4 + 8;
}

/**
 * Bytes one trajectory takes while it is sampled and trained on: as stored, plus each step's
 * action mask, observation and the network's logits.
 */
export function sampledTrajectoryBytes(env: Environment): number {
  const T = env.maxTrajectoryLength;
  return storedTrajectoryBytes(env) + (T + 1) * (env.nActions + env.obsDim * 4 + env.nActions * 4);
}

/** Bytes of one terminal state as the `terminal` replay buffer keeps it (the whole capacity is allocated at once): the state and its log R. */
export function terminalStateBytes(env: Environment): number {
  return env.stateDim * 4 + 8;
}
