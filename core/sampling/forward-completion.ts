import type { Environment } from '../env/environment.js';
import { maskedLogProbsOf, sampleMaskedCategorical } from '../policy/categorical.js';
import type { Rng } from '../base/rng.js';
import { selectRows } from './transitions.js';

/** Forward paths from given start states to exit, one per start, on host arrays. */
export interface ForwardCompletions {
  /** Visited states of path i, start first, terminal state last (each `stateDim` long). */
  states: Int32Array[][];
  /** Actions of path i (the last one is exit); `actions[i].length = states[i].length`. */
  actions: number[][];
  /** Σ log P_F of path i, exit included. */
  logPF: Float64Array;
  /** Terminal state of each path, N x stateDim. */
  terminals: Int32Array;
}

/**
 * Completes each start state (N x stateDim) to a terminal state under P_F itself (no ε, no
 * temperature), all rows advancing in lock-step with one `forwardLogits` call per time step, and
 * records each path's log-probability. `maxSteps` bounds the path length (actions, exit included).
 */
export function completeForward(
  env: Environment,
  forwardLogits: (states: Int32Array) => Float32Array,
  starts: Int32Array,
  maxSteps: number,
  rng: Rng,
): ForwardCompletions {
  const d = env.stateDim;
  const nA = env.nActions;
  const exit = nA - 1;
  const n = starts.length / d;
  const states: Int32Array[][] = Array.from({ length: n }, () => []);
  const actions: number[][] = Array.from({ length: n }, () => []);
  const logPF = new Float64Array(n);
  const terminals = new Int32Array(n * d);
  let rows = Int32Array.from({ length: n }, (_, i) => i);
  let current: Int32Array = starts.slice();
  for (let t = 0; rows.length > 0; t++) {
    if (t >= maxSteps) throw new Error(`${env.name}: forward completion longer than ${maxSteps} steps`);
    const mask = env.forwardMask(current);
    const logits = forwardLogits(current);
    const chosen = sampleMaskedCategorical(logits, mask, nA, rng);
    const lp = maskedLogProbsOf(logits, mask, nA, chosen);
    const keep: number[] = [];
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      states[i]!.push(current.slice(k * d, k * d + d));
      actions[i]!.push(chosen[k]!);
      logPF[i]! += lp[k]!;
      if (chosen[k] === exit) terminals.set(current.subarray(k * d, k * d + d), i * d);
      else keep.push(k);
    }
    const kept = Int32Array.from(keep);
    current = env.step(selectRows(current, d, kept), selectRows(chosen, 1, kept));
    rows = Int32Array.from(keep, (k) => rows[k]!);
  }
  return { states, actions, logPF, terminals };
}
