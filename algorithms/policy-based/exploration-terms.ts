/**
 * Exploration for the policy-gradient objective `rl`, which is on-policy by construction.
 *
 * Importance weights. When trajectories come from a behaviour policy q (the sampler's ε-mix and
 * temperature) instead of P_F, the score-function identity still holds after reweighting by the
 * whole trajectory's ratio w(τ) = P_F(τ)/q(τ):
 *   ∇J_F = E_{P_F}[Σ_t A_t ∇log P_F(a_t|s_t)] = E_q[w(τ) Σ_t A_t ∇log P_F(a_t|s_t)],
 * and likewise the log Ẑ gradient E_{P_F}[Σ_t r_t] = E_q[w(τ) Σ_t r_t]. A baseline b(s_t) still
 * contributes nothing, since E_q[w(τ) b(s_t) ∇log P_F(a_t|s_t)] = E_{P_F}[b(s_t) ∇log P_F(a_t|s_t)] = 0.
 * The weights are the plain (not self-normalised, not clipped) ratios at the current parameters,
 * treated as constants in the gradient, so the estimate is unbiased; their variance grows with
 * trajectory length and with how far q is from P_F.
 *
 * Entropy bonus. −α_t · Σ_t H(P_F(·|s_t)) / N over the batch's visited states (exit states
 * included) is added to the forward loss: a regulariser that keeps P_F from collapsing early.
 * α_t decays linearly from α to 0 over `entropyDecayIterations` (0 = constant), so the bonus's
 * bias vanishes once it is off.
 */

/** The exploration options of `rl`. */
export interface RlExploration {
  /** α of the entropy bonus (0 = none). */
  entropyBonus: number;
  /** Iterations over which α decays linearly to 0; 0 = constant. */
  entropyDecayIterations: number;
  /** Reweight by P_F(τ)/q(τ), so that the sampler's ε / temperature may differ from P_F. */
  importanceWeights: boolean;
}

/** α of the entropy bonus at `iteration`. */
export function entropyWeightAt(options: RlExploration, iteration: number): number {
  const { entropyBonus: a, entropyDecayIterations: d } = options;
  if (d <= 0) return a;
  return a * Math.max(0, 1 - iteration / d);
}

/** w_i = exp(Σ_{rows of i} (log P_F − log q)) for each of `n` trajectories. */
export function trajectoryImportanceWeights(logPF: ArrayLike<number>, logQ: ArrayLike<number>, traj: ArrayLike<number>, n: number): Float64Array {
  const logW = new Float64Array(n);
  for (let m = 0; m < traj.length; m++) logW[traj[m]!]! += logPF[m]! - logQ[m]!;
  return logW.map(Math.exp);
}

/**
 * w_i = P_F(τ_i)/q(τ_i) = exp(Σ_{rows of i} log P_F − logQ_i) with the behaviour's log q(τ) recorded
 * when the trajectories were drawn (the pipelined trainer samples with the parameters of one update
 * before, so q is not a function of the current parameters): the same unbiased correction.
 */
export function recordedImportanceWeights(logPF: ArrayLike<number>, traj: ArrayLike<number>, logQ: Float64Array): Float64Array {
  const logW = new Float64Array(logQ.length);
  for (let m = 0; m < traj.length; m++) logW[traj[m]!]! += logPF[m]!;
  return logW.map((v, i) => Math.exp(v - logQ[i]!));
}
