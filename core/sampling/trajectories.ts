/**
 * A batch of N trajectories, time-major and padded, on typed arrays.
 *
 * Forward trajectories: `states[t]` for t = 0..lengths[i]−1 are real states (s_0 = s0,
 * s_{len−1} = the terminal state x), `actions[t]` the action taken there (the last one is exit);
 * rows past the end hold the padding state −1 (s_f) and action −1.
 *
 * Backward trajectories: `states[0]` = x, `actions[t]` the backward action from `states[t]`,
 * `states[lengths[i]]` = s0; rows past the end hold s0 and action −1.
 */
export class Trajectories {
  /**
   * @param direction how the trajectories were generated (see class doc)
   * @param nTraj N
   * @param maxSteps T, the number of action rows
   * @param stateDim length of one state
   * @param states (T+1) x N x stateDim
   * @param actions T x N, −1 = padding
   * @param lengths N, number of actions of each trajectory (a forward one's includes exit)
   * @param logRewards N, unclipped log R of each trajectory's terminal state
   */
  constructor(
    readonly direction: 'forward' | 'backward',
    readonly nTraj: number,
    readonly maxSteps: number,
    readonly stateDim: number,
    readonly states: Int32Array,
    readonly actions: Int32Array,
    readonly lengths: Int32Array,
    readonly logRewards: Float64Array,
  ) {
    if (states.length !== (maxSteps + 1) * nTraj * stateDim) throw new Error('Trajectories: states has the wrong size');
    if (actions.length !== maxSteps * nTraj) throw new Error('Trajectories: actions has the wrong size');
    if (lengths.length !== nTraj || logRewards.length !== nTraj) throw new Error('Trajectories: per-trajectory arrays have the wrong size');
  }

  /** The state of trajectory i at time t (a view, do not mutate). */
  state(t: number, i: number): Int32Array {
    const off = (t * this.nTraj + i) * this.stateDim;
    return this.states.subarray(off, off + this.stateDim);
  }

  /** Action of trajectory i at time t (−1 past its end). */
  action(t: number, i: number): number {
    return this.actions[t * this.nTraj + i]!;
  }

  /** Terminal state x of each trajectory, N x stateDim. */
  terminalStates(): Int32Array {
    const out = new Int32Array(this.nTraj * this.stateDim);
    for (let i = 0; i < this.nTraj; i++) {
      const t = this.direction === 'forward' ? this.lengths[i]! - 1 : 0;
      out.set(this.state(t, i), i * this.stateDim);
    }
    return out;
  }

  /** The state at t = 0 of each trajectory (s0 forward, x backward), N x stateDim (a view, do not mutate). */
  firstStates(): Int32Array {
    return this.states.subarray(0, this.nTraj * this.stateDim);
  }

  /** Total number of actions over all trajectories. */
  get nSteps(): number {
    let n = 0;
    for (let i = 0; i < this.nTraj; i++) n += this.lengths[i]!;
    return n;
  }
}
