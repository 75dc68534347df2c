import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import { decodeArray, type EncodedArray, encodeArray } from '../checkpoint/encoding.js';
import type { Rng } from '../base/rng.js';

/**
 * Draws `n` indices from the discrete distribution `p` (need not be exactly normalised) by
 * inverse-CDF sampling of sorted uniforms: one pass over p, O(|p| + n log n).
 */
export function sampleIndices(p: ArrayLike<number>, n: number, rng: Rng): Int32Array {
  let total = 0;
  for (let k = 0; k < p.length; k++) total += p[k]!;
  if (!(total > 0)) throw new Error('sampleIndices: the distribution has no mass');
  const u = Float64Array.from({ length: n }, () => rng.uniform() * total).sort();
  const out = new Int32Array(n);
  let cumulative = 0;
  let k = 0;
  for (let j = 0; j < n; j++) {
    while (k < p.length - 1 && cumulative + p[k]! <= u[j]!) cumulative += p[k++]!;
    out[j] = k;
  }
  return out;
}

/** Counts the distinct modes among all the samples it has been shown. */
export class ModeDiscovery implements Checkpointable {
  private readonly isMode: Uint8Array;
  private readonly found: Uint8Array;
  private count = 0;

  /** @param modeIndices indices of the mode states among `nStates` states */
  constructor(modeIndices: ArrayLike<number>, nStates: number) {
    this.isMode = new Uint8Array(nStates);
    this.found = new Uint8Array(nStates);
    for (let k = 0; k < modeIndices.length; k++) this.isMode[modeIndices[k]!] = 1;
  }

  /** Number of modes. */
  get total(): number {
    return this.isMode.reduce((a, b) => a + b, 0);
  }

  /** The modes found so far. */
  saveState(): StateRecord {
    return { found: encodeArray(this.found) };
  }

  loadState(state: StateRecord): void {
    const found = decodeArray(state.found as EncodedArray, 'uint8', 'modes found');
    if (found.length !== this.found.length) throw new Error(`checkpoint: modes found cover ${found.length} states, the environment has ${this.found.length}`);
    this.found.set(found);
    this.count = found.reduce((a, b) => a + b, 0);
  }

  /** Records sampled state indices; returns the number of distinct modes found so far. */
  record(samples: ArrayLike<number>): number {
    for (let k = 0; k < samples.length; k++) {
      const s = samples[k]!;
      if (this.isMode[s] && !this.found[s]) {
        this.found[s] = 1;
        this.count++;
      }
    }
    return this.count;
  }
}

/**
 * Mean reward under P_T relative to the target's mean reward, E_{P_T}[R] / E_{R/Z}[R]. With
 * π = R/Z this is Σ P_T·π / Σ π² (Z cancels): 1 when P_T = π, above 1 for a sampler that
 * over-weights high rewards (mode collapse), below 1 for one that under-weights them.
 */
export function rewardRatio(pT: ArrayLike<number>, target: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < target.length; k++) {
    num += pT[k]! * target[k]!;
    den += target[k]! * target[k]!;
  }
  return num / den;
}
