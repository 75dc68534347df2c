import type { Environment } from '../env/environment.js';
import { Trajectories } from './trajectories.js';

/** One forward trajectory as lists: `states[t]` is where `actions[t]` is taken; the last action is exit. */
export interface ForwardPath {
  states: Int32Array[];
  actions: number[];
}

/** Trajectory i of a forward batch as a {@link ForwardPath} (copies). */
export function pathOf(batch: Trajectories, i: number): ForwardPath {
  if (batch.direction !== 'forward') throw new Error('pathOf: expected forward trajectories');
  const len = batch.lengths[i]!;
  const states: Int32Array[] = [];
  const actions: number[] = [];
  for (let t = 0; t < len; t++) {
    states.push(batch.state(t, i).slice());
    actions.push(batch.action(t, i));
  }
  return { states, actions };
}

/**
 * A padded forward batch of `paths` (maxSteps = the environment's maxTrajectoryLength, padding
 * state −1 and action −1, as sampled batches).
 */
export function packForwardPaths(env: Environment, paths: readonly ForwardPath[], logRewards: Float64Array): Trajectories {
  const n = paths.length;
  const d = env.stateDim;
  const T = env.maxTrajectoryLength;
  const states = new Int32Array((T + 1) * n * d).fill(-1);
  const actions = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  paths.forEach((p, i) => {
    if (p.actions.length !== p.states.length) throw new Error(`packForwardPaths: path ${i} has ${p.states.length} states and ${p.actions.length} actions`);
    if (p.actions.length > T) throw new Error(`packForwardPaths: path ${i} has ${p.actions.length} steps, more than maxTrajectoryLength ${T}`);
    p.states.forEach((s, t) => states.set(s, (t * n + i) * d));
    p.actions.forEach((a, t) => (actions[t * n + i] = a));
    lengths[i] = p.actions.length;
  });
  return new Trajectories('forward', n, T, d, states, actions, lengths, logRewards.slice());
}
