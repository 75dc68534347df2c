import { hasModeRadius, hasModeThreshold, terminalDistanceOf } from '../env/capabilities.js';
import { type Environment, hasModes } from '../env/environment.js';

/** Which modes a terminal state reaches, whatever the task's definition of a mode. */
export interface ModeCriterion {
  /** Number of modes. */
  readonly total: number;
  /** For each row of `terminals`, the keys of the modes it reaches (often none). */
  reached(terminals: Int32Array, logRewards: ArrayLike<number>): string[][];
}

/**
 * The environment's notion of a mode, from its optional capabilities: a reward threshold
 * (`WithModeThreshold`: the state itself is the mode) or listed mode states (`WithModes`), reached
 * within `modeRadius()` under the task's distance (exactly, when it gives no radius). Undefined
 * when the task defines no modes.
 */
export function modeCriterionOf(env: Environment): ModeCriterion | undefined {
  const d = env.stateDim;
  if (hasModeThreshold(env)) {
    const threshold = env.modeLogRewardThreshold();
    return {
      total: env.modeCount(),
      reached: (terminals, logRewards) =>
        Array.from({ length: logRewards.length }, (_, i) => (logRewards[i]! >= threshold ? [terminals.subarray(i * d, i * d + d).join(',')] : [])),
    };
  }
  if (!hasModes(env)) return undefined;
  const modes = env.modeStates();
  const count = modes.length / d;
  const radius = hasModeRadius(env) ? env.modeRadius() : 0;
  if (radius === 0) {
    const index = new Map<string, string>();
    for (let m = 0; m < count; m++) index.set(modes.subarray(m * d, m * d + d).join(','), String(m));
    return {
      total: index.size,
      reached: (terminals) =>
        Array.from({ length: terminals.length / d }, (_, i) => {
          const key = index.get(terminals.subarray(i * d, i * d + d).join(','));
          return key === undefined ? [] : [key];
        }),
    };
  }
  const distance = terminalDistanceOf(env);
  return {
    total: count,
    reached: (terminals) =>
      Array.from({ length: terminals.length / d }, (_, i) => {
        const x = terminals.subarray(i * d, i * d + d);
        const keys: string[] = [];
        for (let m = 0; m < count; m++) if (distance(x, modes.subarray(m * d, m * d + d)) <= radius) keys.push(String(m));
        return keys;
      }),
  };
}
