import type { Rng } from '../../core/rng.js';

/** For each row, a uniformly drawn allowed column among [0, width) of a mask with row stride `stride`; −1 if none. */
export function randomAllowed(mask: Uint8Array, width: number, stride: number, rng: Rng): Int32Array {
  const rows = mask.length / stride;
  const out = new Int32Array(rows).fill(-1);
  for (let r = 0; r < rows; r++) {
    const allowed: number[] = [];
    for (let a = 0; a < width; a++) if (mask[r * stride + a]) allowed.push(a);
    if (allowed.length > 0) out[r] = allowed[rng.int(allowed.length)]!;
  }
  return out;
}

/** Keeps the rows whose action is not −1. */
export function keepValid(states: Int32Array, actions: Int32Array, d: number): { states: Int32Array; actions: Int32Array } {
  const s: number[] = [];
  const a: number[] = [];
  for (let r = 0; r < actions.length; r++) {
    if (actions[r]! < 0) continue;
    for (let c = 0; c < d; c++) s.push(states[r * d + c]!);
    a.push(actions[r]!);
  }
  return { states: Int32Array.from(s), actions: Int32Array.from(a) };
}
