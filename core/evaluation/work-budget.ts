import { type StateRecord, field, savedCount } from '../checkpoint/checkpointable.js';

/**
 * The sampled evaluation's schedule under `evaluation.every: "auto"`: evaluations spaced by network
 * work, counted in states sent through P_F — by training (what `timetable.ts` counts per iteration) and
 * by each evaluation (the rows its passes actually took). A proxy of the work, never a timing, so
 * that the schedule is the same for the same config and seed on any machine. After update i of N, an
 * evaluation is due when
 *
 * - i = N (the final evaluation, always), or
 * - budget · T ≥ E + L, and budget · T · N / i ≥ E + 2L,
 *
 * where T is training's rows so far, E the rows of every evaluation so far (the opening one
 * included) and L those of the latest one (the estimate of the next): the next evaluation keeps
 * the evaluations' work within `budget` of training's, and, at the rate training has had so far,
 * leaves room for the final one. Over a run long enough to pay for its opening and final
 * evaluations, evaluation work stays within `budget` of training's (up to how much one evaluation's
 * work or training's rate per iteration drift). Before any evaluation (no opening one), E = L = 0:
 * the first is due after the first update. The counts are integers: deterministic, and saved in
 * checkpoints so that a resumed run continues the same schedule.
 */
export class WorkBudgetSchedule {
  private trainingRows = 0;
  private evaluationRows = 0;
  private lastRows = 0;

  constructor(
    /** The most evaluation work per unit of training work, in (0, 1]. */
    private readonly budget: number,
    /** The run's last iteration (N). */
    private readonly totalIterations: number,
  ) {}

  /** Training sent `rows` more states through P_F. */
  trained(rows: number): void {
    this.trainingRows += rows;
  }

  /** An evaluation sent `rows` states through P_F. */
  evaluated(rows: number): void {
    this.evaluationRows += rows;
    this.lastRows = rows;
  }

  /** True when an evaluation is due after update `iteration` (from 1), given what training and the evaluations did so far. */
  due(iteration: number): boolean {
    if (iteration <= 0) return false;
    if (iteration === this.totalIterations) return true;
    const { budget, trainingRows: T, evaluationRows: E, lastRows: L } = this;
    const projected = (T / iteration) * this.totalIterations;
    return budget * T >= E + L && budget * projected >= E + 2 * L;
  }

  /** The counts, for a checkpoint. */
  saveState(): StateRecord {
    return { trainingRows: this.trainingRows, evaluationRows: this.evaluationRows, lastRows: this.lastRows };
  }

  /** Restores {@link saveState}'s counts. */
  loadState(state: StateRecord): void {
    const count = (key: string): number => savedCount(field<unknown>(state, key, 'the evaluation schedule'), `evaluation schedule count '${key}'`);
    this.trainingRows = count('trainingRows');
    this.evaluationRows = count('evaluationRows');
    this.lastRows = count('lastRows');
  }
}
