/** log R clipped below at `clip` (−12 by default in training), as float32 for the losses. */
export function clippedLogRewards(logRewards: ArrayLike<number>, clip: number): Float32Array {
  const out = new Float32Array(logRewards.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(logRewards[i]!, clip);
  return out;
}
