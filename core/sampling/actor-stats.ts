import { type StateRecord, savedCount } from '../checkpoint/checkpointable.js';

/** What the actors have done so far: the `actors` field of an iteration's record in `metrics.jsonl`. */
export interface ActorStats {
  /**
   * Trajectories the learner received from each actor (index = actor) per second of wall time since
   * the first batch of this process arrived (the threads' start-up excluded; that batch's own not counted).
   */
  trajectoriesPerSecond: number[];
  /** `staleness[l]`: batches trained on `l` updates after the parameters that drew them (since the run started, resumes included). */
  staleness: number[];
  /** Batches dropped for being more than `maxLag` updates stale. */
  droppedBatches: number;
  /** The trajectories of those batches. */
  droppedTrajectories: number;
  /** Trajectories trained on: the accepted batches' (equal to the fresh trajectories of every update). */
  acceptedTrajectories: number;
}

/** Counts behind {@link ActorStats}; the counts of accepted and dropped batches are checkpointed, the rates restart with the process. */
export class ActorStatsCounter {
  /** Trajectories received from each actor after the first batch. */
  private readonly received: number[];
  /** When the first batch arrived. */
  private firstAt?: number;
  private staleness: number[] = [];
  private dropped = { batches: 0, trajectories: 0 };
  private accepted = 0;

  constructor(
    actors: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.received = new Array<number>(actors).fill(0);
  }

  /** A batch of `trajectories` from `actor`, trained on `lag` updates after its parameters. */
  accept(actor: number, trajectories: number, lag: number): void {
    this.receive(actor, trajectories);
    while (this.staleness.length <= lag) this.staleness.push(0);
    this.staleness[lag]! += 1;
    this.accepted += trajectories;
  }

  /** A batch of `trajectories` from `actor`, dropped as too stale. */
  drop(actor: number, trajectories: number): void {
    this.receive(actor, trajectories);
    this.dropped.batches += 1;
    this.dropped.trajectories += trajectories;
  }

  snapshot(): ActorStats {
    const seconds = this.firstAt === undefined ? 0 : (this.now() - this.firstAt) / 1000;
    return {
      trajectoriesPerSecond: this.received.map((n) => (seconds > 0 ? n / seconds : 0)),
      staleness: [...this.staleness],
      droppedBatches: this.dropped.batches,
      droppedTrajectories: this.dropped.trajectories,
      acceptedTrajectories: this.accepted,
    };
  }

  saveState(): StateRecord {
    return {
      staleness: [...this.staleness],
      droppedBatches: this.dropped.batches,
      droppedTrajectories: this.dropped.trajectories,
      acceptedTrajectories: this.accepted,
    };
  }

  loadState(state: StateRecord): void {
    const count = (v: unknown, what: string): number => savedCount(v, `actors ${what}`);
    const staleness = state.staleness;
    if (!Array.isArray(staleness)) throw new Error(`checkpoint: actors staleness = ${JSON.stringify(staleness)} is not a list of counts`);
    this.staleness = staleness.map((v) => count(v, 'staleness'));
    this.dropped = { batches: count(state.droppedBatches, 'droppedBatches'), trajectories: count(state.droppedTrajectories, 'droppedTrajectories') };
    this.accepted = count(state.acceptedTrajectories, 'acceptedTrajectories');
  }

  private receive(actor: number, trajectories: number): void {
    if (this.firstAt === undefined) this.firstAt = this.now();
    else this.received[actor]! += trajectories;
  }
}
