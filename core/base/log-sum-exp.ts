/** log Σ exp(x_i) over a range of x, stable (the largest term factored out); −∞ for no finite term. */
export function logSumExp(x: ArrayLike<number>, start = 0, end = x.length): number {
  let max = -Infinity;
  for (let i = start; i < end; i++) if (x[i]! > max) max = x[i]!;
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let i = start; i < end; i++) s += Math.exp(x[i]! - max);
  return max + Math.log(s);
}
