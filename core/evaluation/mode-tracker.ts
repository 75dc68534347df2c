import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import type { ModeCriterion } from './mode-criterion.js';

/** Fractions of the modes whose first discovery is recorded (in trajectories sampled). */
export const MODE_MILESTONES = [0.1, 0.5, 1] as const;

/**
 * Distinct modes discovered over a whole run (every terminal state it is shown, training batches
 * included) and how many trajectories it took to reach 10%, 50% and 100% of them. Memory grows
 * with the modes found, never with the state count.
 */
export class ModeTracker implements Checkpointable {
  private readonly found = new Set<string>();
  /** trajectories sampled when each milestone was first reached (−1 = not yet). */
  private readonly reachedAt = MODE_MILESTONES.map(() => -1);

  constructor(private readonly criterion: ModeCriterion) {}

  /** Records a batch of terminal states; `trajectoriesSeen` counts the run's trajectories up to and including them. */
  observe(terminals: Int32Array, logRewards: ArrayLike<number>, trajectoriesSeen: number): void {
    for (const keys of this.criterion.reached(terminals, logRewards)) for (const k of keys) this.found.add(k);
    MODE_MILESTONES.forEach((fraction, m) => {
      if (this.reachedAt[m] === -1 && this.found.size >= Math.ceil(fraction * this.criterion.total)) this.reachedAt[m] = trajectoriesSeen;
    });
  }

  /** `modesFound`, `modesTotal` and `trajectoriesTo{10,50,100}pct` for the milestones reached. */
  metrics(): Record<string, number> {
    const out: Record<string, number> = { modesFound: this.found.size, modesTotal: this.criterion.total };
    MODE_MILESTONES.forEach((fraction, m) => {
      if (this.reachedAt[m]! >= 0) out[`trajectoriesTo${Math.round(fraction * 100)}pct`] = this.reachedAt[m]!;
    });
    return out;
  }

  saveState(): StateRecord {
    return { found: [...this.found], reachedAt: [...this.reachedAt] };
  }

  loadState(state: StateRecord): void {
    const found = state.found;
    const reachedAt = state.reachedAt;
    if (!Array.isArray(found) || !Array.isArray(reachedAt) || reachedAt.length !== this.reachedAt.length)
      throw new Error('checkpoint: the mode tracker state is malformed');
    this.found.clear();
    for (const k of found) this.found.add(String(k));
    reachedAt.forEach((v, m) => (this.reachedAt[m] = Number(v)));
  }
}
