/**
 * Generalised advantage estimation on padded, time-major per-step arrays (T x N, entry t·N + i).
 *
 * With per-step costs (or rewards) r_t and values V_t = V(s_t) for t < len_i, and V after the
 * last step taken as 0:
 *   δ_t = r_t + γ V_{t+1} − V_t,   A_t = δ_t + γλ A_{t+1},
 *   target_t = A_t^{(λ=1)} + V_t   (the discounted return-to-go — value targets use λ = 1).
 * Entries past a trajectory's end are 0 in every output.
 */
export interface GaeInput {
  /** Number of trajectories N. */
  nTraj: number;
  /** Number of step rows T. */
  maxSteps: number;
  /** Steps of each trajectory. */
  lengths: ArrayLike<number>;
  /** Per-step costs or rewards, T x N. */
  rewards: ArrayLike<number>;
  /** V(s_t), T x N. */
  values: ArrayLike<number>;
  /** Discount γ (1 for GFlowNets). */
  gamma: number;
  /** GAE λ. */
  lambda: number;
  /**
   * Episodes cut off rather than finished: V of the state after the last step, bootstrapped
   * (length N; omit when every trajectory ends in a terminal state, whose value is 0).
   */
  bootstrapValues?: ArrayLike<number>;
}

export interface GaeOutput {
  advantages: Float64Array;
  targets: Float64Array;
}

export function generalizedAdvantages(input: GaeInput): GaeOutput {
  const { nTraj: n, maxSteps: T, lengths, rewards, values, gamma, lambda, bootstrapValues } = input;
  const advantages = new Float64Array(T * n);
  const targets = new Float64Array(T * n);
  for (let i = 0; i < n; i++) {
    let nextValue = bootstrapValues ? bootstrapValues[i]! : 0;
    let adv = 0;
    let ret = nextValue;
    for (let t = lengths[i]! - 1; t >= 0; t--) {
      const k = t * n + i;
      const delta = rewards[k]! + gamma * nextValue - values[k]!;
      adv = delta + gamma * lambda * adv;
      ret = rewards[k]! + gamma * ret;
      advantages[k] = adv;
      targets[k] = ret;
      nextValue = values[k]!;
    }
  }
  return { advantages, targets };
}

/** Subtracts the mean over the valid entries (t < len_i) from those entries, in place. */
export function centerValid(perStep: Float64Array, nTraj: number, lengths: ArrayLike<number>): Float64Array {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < nTraj; i++) {
    for (let t = 0; t < lengths[i]!; t++) {
      sum += perStep[t * nTraj + i]!;
      count++;
    }
  }
  if (count === 0) return perStep;
  const mean = sum / count;
  for (let i = 0; i < nTraj; i++) for (let t = 0; t < lengths[i]!; t++) perStep[t * nTraj + i]! -= mean;
  return perStep;
}
