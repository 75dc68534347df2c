export { randomAllowed } from '../../core/conformance/walks.js';

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
