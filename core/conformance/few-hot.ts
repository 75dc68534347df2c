import type { Environment } from '../env/environment.js';
import { hasFewHotEncoding } from '../env/few-hot.js';
import { showRow } from './walks.js';

/**
 * Problems of an environment's few-hot columns (`WithFewHotEncoding`) on `states`: the shape, and
 * that they stand for exactly `encode`'s rows — every entry 0 or 1, the ones at the columns, each
 * column once — since a network given the columns computes what it would from those rows.
 * None for an environment without them.
 */
export function fewHotProblems(env: Environment, states: Int32Array): string[] {
  if (!hasFewHotEncoding(env)) return [];
  const { obsColumnsPerRow: k, obsDim, stateDim: d } = env;
  const n = states.length / d;
  if (!Number.isInteger(k) || k < 1 || k > obsDim) return [`obsColumnsPerRow = ${k} is not an integer in [1, obsDim = ${obsDim}]`];
  const columns = env.encodeColumns(states);
  if (columns.length !== n * k) return [`encodeColumns returned ${columns.length} values for ${n} states, expected ${n} x ${k} = ${n * k}`];
  let obs: Float32Array;
  try {
    obs = env.encode(states);
  } catch {
    // encode's own failure is the `shapes` check's to report
    return [];
  }
  const out: string[] = [];
  for (let i = 0; i < n && out.length < 5; i++) {
    const row = columns.subarray(i * k, (i + 1) * k);
    const ones = new Set<number>();
    for (const c of row) {
      if (c === -1) continue;
      if (!Number.isInteger(c) || c < 0 || c >= obsDim || ones.has(c)) {
        out.push(`encodeColumns(${showRow(states, d, i)}) = [${row.join(',')}]: column ${c} is ${ones.has(c) ? 'repeated' : `not −1 or in [0, ${obsDim})`}`);
        break;
      }
      ones.add(c);
    }
    for (let c = 0; c < obsDim; c++) {
      const want = ones.has(c) ? 1 : 0;
      if (obs[i * obsDim + c] !== want) {
        out.push(`encodeColumns(${showRow(states, d, i)}) = [${row.join(',')}] but encode has ${obs[i * obsDim + c]} at column ${c}, not ${want}`);
        break;
      }
    }
  }
  return out;
}
