import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import { withFailureContext } from '../events/failure.js';
import { type ExplorationSchedule, explorationAt } from '../sampling/exploration.js';
import { type SampledBatch, snapshotParameters, type TrajectorySource } from '../sampling/trajectory-source.js';
import type { Estimator } from '../tensor/estimator.js';

/** How failures of the source are attributed. */
const WHERE = 'the sampler (sampling worker)';

/**
 * The pipelined trainer's supply of fresh batches (`pipeline: true`): the batch of update k + 1 is
 * requested from a {@link TrajectorySource} (a worker thread) with P_F's parameters from before
 * update k, just before the learner makes update k, so that sampling and updating overlap and
 * each batch is exactly one update stale (the first one, and the first after a resume, are drawn
 * with the current parameters while the learner waits).
 *
 * Checkpoints: its state is the source's random stream right after the last batch the learner
 * took, so a resumed run re-samples the next batch from there, with the checkpoint's parameters
 * (one update fresher than the uninterrupted run used): a resumed run is deterministic, but
 * departs from the uninterrupted one from its first batch on.
 */
export class PipelinedBatches implements Checkpointable {
  /** The source's stream after the last batch taken (what a checkpoint saves). */
  private rngState?: number[];
  /** A stream to restore before the next request (set by {@link loadState}). */
  private restored?: number[];
  private outstanding = 0;

  constructor(
    private readonly source: TrajectorySource,
    private readonly forward: Estimator,
    private readonly schedule: ExplorationSchedule,
  ) {}

  /** True while a requested batch has not been taken. */
  get pending(): boolean {
    return this.outstanding > 0;
  }

  /**
   * Requests the `n` fresh trajectories of update `iteration` (from 1), drawn with P_F's
   * parameters now (after `completed` updates: their version) and the exploration schedule at
   * `iteration − 1`, as the sequential trainer's.
   */
  request(iteration: number, n: number, completed: number): void {
    if (this.restored && this.outstanding === 0) {
      this.source.restore(this.restored);
      this.restored = undefined;
    }
    this.source.request({ n, exploration: explorationAt(this.schedule, iteration - 1) }, snapshotParameters(this.forward, completed));
    this.outstanding += 1;
  }

  /** The oldest requested batch; a failure of the source is the run's, attributed to the sampling worker. */
  async take(): Promise<SampledBatch> {
    let batch: SampledBatch;
    try {
      batch = await this.source.next();
    } catch (err) {
      throw withFailureContext(err, { where: WHERE });
    }
    this.outstanding -= 1;
    this.rngState = batch.rngState;
    return batch;
  }

  saveState(): StateRecord {
    return this.rngState ? { rng: [...this.rngState] } : {};
  }

  loadState(state: StateRecord): void {
    const rng = state.rng;
    if (rng === undefined) return;
    if (!Array.isArray(rng) || !rng.every((x) => typeof x === 'number'))
      throw new Error(`checkpoint: pipeline rng = ${JSON.stringify(rng)} is not a stream state`);
    this.restored = rng as number[];
    this.rngState = rng as number[];
  }

  /** Stops the source (outstanding requests are dropped). */
  close(): Promise<void> {
    return this.source.close();
  }
}
