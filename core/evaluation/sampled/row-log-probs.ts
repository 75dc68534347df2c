import { maskedLogProbsOf } from '../../policy/categorical.js';
import { uniqueRows } from '../../policy/unique-states.js';
import { selectRows } from '../../sampling/transitions.js';

/**
 * Distinct states per network pass of the sampled evaluation: the throughput of a 4x256 MLP's
 * pass is flat from ~2k rows up (the exact evaluation's measurement), and a pass this size holds a
 * few MiB of activations where one pass over every state of a chunk held hundreds.
 */
export const PASS_ROWS = 2048;

/** What {@link rowLogProbs} asks of a policy: logits and allowed actions of a block of distinct states. */
export interface MaskedPolicy {
  /** Logits (rows x width) of the rows of `states`. */
  logits(states: Int32Array): Float32Array;
  /** 1 where an action is allowed (rows x width). */
  mask(states: Int32Array): Uint8Array;
  /** Actions per row. */
  width: number;
}

/**
 * log π(a_r | s_r) of every (state, action) row under the masked softmax of `policy`, streamed:
 * the rows' distinct states go through the policy `passRows` at a time (one network pass each,
 * never the whole batch at once), and the rows of each block are scored in slices of at most
 * `passRows`, so memory stays at a block's logits whatever the number of rows. The values are the
 * ones a single pass over every row gives (the same per-row arithmetic).
 */
export function rowLogProbs(states: Int32Array, actions: Int32Array, stateDim: number, policy: MaskedPolicy, passRows = PASS_ROWS): Float32Array {
  const rows = actions.length;
  const out = new Float32Array(rows);
  if (rows === 0) return out;
  const { unique, inverse } = uniqueRows(states, stateDim);
  const nUnique = unique.length / stateDim;
  // the rows grouped by distinct state (a counting sort on `inverse`): a block's rows are contiguous
  const first = new Int32Array(nUnique + 1);
  for (let r = 0; r < rows; r++) first[inverse[r]! + 1]!++;
  for (let u = 0; u < nUnique; u++) first[u + 1]! += first[u]!;
  const order = new Int32Array(rows);
  const next = first.slice(0, nUnique);
  for (let r = 0; r < rows; r++) order[next[inverse[r]!]!++] = r;
  const { width } = policy;
  for (let u0 = 0; u0 < nUnique; u0 += passRows) {
    const u1 = Math.min(nUnique, u0 + passRows);
    const block = unique.subarray(u0 * stateDim, u1 * stateDim);
    const logits = policy.logits(block);
    const mask = policy.mask(block);
    for (let s = first[u0]!; s < first[u1]!; s += passRows) {
      const slice = order.subarray(s, Math.min(first[u1]!, s + passRows));
      const local = Int32Array.from(slice, (r) => inverse[r]! - u0);
      const lp = maskedLogProbsOf(
        selectRows(logits, width, local),
        selectRows(mask, width, local),
        width,
        Int32Array.from(slice, (r) => actions[r]!),
      );
      for (let j = 0; j < slice.length; j++) out[slice[j]!] = lp[j]!;
    }
  }
  return out;
}
