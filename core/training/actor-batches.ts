import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import type { ActorPlan } from '../config/actor-plan.js';
import type { RewardClientStats } from '../env/reward-client.js';
import { sumRewardStats } from '../env/reward-stats-sum.js';
import { withFailureContext } from '../events/failure.js';
import type { ActorBatch, ActorLink } from '../sampling/actor-link.js';
import { ActorStatsCounter } from '../sampling/actor-stats.js';
import { type ExplorationSchedule, explorationAt } from '../sampling/exploration.js';
import { snapshotParameters } from '../sampling/trajectory-source.js';
import type { Estimator } from '../tensor/estimator.js';

/** How failures of the actors are attributed. */
const WHERE = 'the sampler (sampling worker)';

/**
 * The learner's supply of fresh batches from actors ({@link ActorLink}), under the config's
 * {@link ActorPlan}. Per update, the trainer calls {@link take}, adds the batch to the replay buffer
 * if it has one, then {@link release}s it (which publishes the parameters for what comes next and
 * acknowledges the batch, so that its actor samples during the update), then updates.
 *
 * - `lockstep` (reproducible): the batch of update k is requested of actor (k − 1) mod N with the
 *   parameters after max(0, k − 1 − maxLag) updates, maxLag updates ahead; batches are taken in
 *   that order whatever order they arrive in. With one actor and maxLag 1 this is the pipelined
 *   trainer (`pipeline: true`); with maxLag 0 the learner waits for each batch (tests).
 * - `async`: every actor samples with the newest parameters it holds; the learner trains on
 *   batches as they arrive and drops (acknowledges without training) those more than maxLag
 *   updates stale, publishing the current parameters to that actor so that it samples afresh.
 *
 * The first batch of a run, and the first after a resume, are drawn with the current parameters
 * while the learner waits. Checkpoints: the state is each actor's random stream right after the
 * last batch the learner took from it, and the counts of {@link stats}; a resumed run re-samples
 * from there with the checkpoint's parameters, so it is deterministic in lockstep but departs from
 * the uninterrupted run at its first batch.
 */
export class ActorBatches implements Checkpointable {
  /** What the actors did (the iteration records' `actors`). */
  readonly stats: ActorStatsCounter;
  /** Each actor's stream after the last batch taken from it (what a checkpoint saves). */
  private readonly streams: Array<number[] | undefined>;
  /** Streams to restore before the first request or publication (set by {@link loadState}). */
  private restored?: Array<number[] | undefined>;
  /** Lockstep: the batches requested so far (batch k is the fresh part of update k). */
  private requested = 0;
  /** Lockstep: batches that arrived before their turn, by actor (each actor's arrive in its order). */
  private readonly early: ActorBatch[][];
  /** Async: whether the actors hold parameters yet. */
  private published = false;
  /** Rejected by {@link interrupt}; raced against every wait for a batch. */
  private readonly interrupted = rejectable();
  /** Each actor's reward-client counters, from the newest batch received from it (runs with a reward service). */
  private readonly rewardCounters: Array<RewardClientStats | undefined>;

  constructor(
    private readonly link: ActorLink,
    private readonly forward: Estimator,
    private readonly exploration: ExplorationSchedule,
    private readonly plan: ActorPlan,
    /** The run's last update: nothing is requested beyond it. */
    private readonly lastIteration: number,
  ) {
    if (link.size !== plan.count) throw new Error(`actors: the link has ${link.size} actors, the config ${plan.count}`);
    this.stats = new ActorStatsCounter(plan.count);
    this.streams = new Array<number[] | undefined>(plan.count).fill(undefined);
    this.early = Array.from({ length: plan.count }, () => []);
    this.rewardCounters = new Array<RewardClientStats | undefined>(plan.count).fill(undefined);
  }

  /** The actors' reward clients' counters summed ({@link sumRewardStats}); undefined before any, or without a reward service. */
  rewardStats(): RewardClientStats | undefined {
    return sumRewardStats(this.rewardCounters.filter((s) => s !== undefined));
  }

  /** The fresh batch of update `iteration` (from 1); `n` trajectories if it is requested now. */
  async take(iteration: number, n: number): Promise<ActorBatch> {
    this.restoreStreams();
    const completed = iteration - 1;
    try {
      return this.plan.schedule === 'lockstep' ? await this.takeInTurn(iteration, n) : await this.takeFresh(completed, n);
    } catch (err) {
      throw withFailureContext(err, { where: WHERE });
    }
  }

  /**
   * After the trainer took `batch` for update `iteration` (before the update): asks for what
   * follows with the parameters as they are now — `nextN` trajectories; undefined when the run
   * ends after this update — and acknowledges the batch.
   */
  release(batch: ActorBatch, iteration: number, nextN: number | undefined): void {
    const completed = iteration - 1;
    if (nextN !== undefined) {
      if (this.plan.schedule === 'lockstep') {
        while (this.requested < Math.min(iteration + this.plan.maxLag, this.lastIteration)) this.requestNext(completed, nextN);
      } else {
        this.link.publish(snapshotParameters(this.forward, completed), { n: nextN, exploration: explorationAt(this.exploration, completed) });
      }
    }
    this.link.acknowledge(batch);
  }

  saveState(): StateRecord {
    const streams = this.streams.map((s) => (s ? [...s] : null));
    // the pipelined trainer's checkpoints keep the format they had before actors existed
    if (this.plan.stateKey === 'pipeline') return streams[0] ? { rng: streams[0] } : {};
    return { streams, ...this.stats.saveState() };
  }

  loadState(state: StateRecord): void {
    const isStream = (s: unknown): s is number[] => Array.isArray(s) && s.every((x) => typeof x === 'number');
    if (this.plan.stateKey === 'pipeline') {
      if (state.rng === undefined) return;
      if (!isStream(state.rng)) throw new Error(`checkpoint: pipeline rng = ${JSON.stringify(state.rng)} is not a stream state`);
      this.restored = [state.rng];
    } else {
      const streams = state.streams;
      if (!Array.isArray(streams) || streams.length !== this.plan.count || !streams.every((s) => s === null || isStream(s)))
        throw new Error(`checkpoint: actors streams = ${JSON.stringify(streams)} is not one stream state (or null) per actor (${this.plan.count})`);
      this.restored = streams.map((s) => (s === null ? undefined : (s as number[])));
      this.stats.loadState(state);
    }
    this.restored.forEach((s, i) => {
      this.streams[i] = s;
    });
  }

  /** Stops the actors (batches not taken are dropped). */
  close(): Promise<void> {
    return this.link.close();
  }

  /** Lockstep: the batch of update `iteration`, requesting it now if it was not (the first, or after a resume). */
  private async takeInTurn(iteration: number, n: number): Promise<ActorBatch> {
    if (this.requested < iteration) {
      this.requested = iteration - 1;
      this.requestNext(iteration - 1, n);
    }
    const actor = (iteration - 1) % this.plan.count;
    const queue = this.early[actor]!;
    while (queue.length === 0) {
      const arrived = await this.receive();
      this.early[arrived.actor]!.push(arrived);
    }
    const batch = queue.shift()!;
    return this.accept(batch, iteration - 1);
  }

  /** Requests batch `requested + 1` of its actor, with the parameters after `completed` updates. */
  private requestNext(completed: number, n: number): void {
    const k = ++this.requested;
    this.link.request((k - 1) % this.plan.count, snapshotParameters(this.forward, completed), { n, exploration: explorationAt(this.exploration, k - 1) });
  }

  /** Async: the next batch that arrives no more than maxLag updates stale; the staler ones are dropped and counted. */
  private async takeFresh(completed: number, n: number): Promise<ActorBatch> {
    const request = { n, exploration: explorationAt(this.exploration, completed) };
    if (!this.published) {
      this.link.publish(snapshotParameters(this.forward, completed), request);
      this.published = true;
    }
    for (;;) {
      const batch = await this.receive();
      const lag = completed - batch.parameterVersion;
      if (lag <= this.plan.maxLag) return this.accept(batch, completed);
      this.received(batch);
      this.stats.drop(batch.actor, batch.trajectories.nTraj);
      // that actor samples again, with the parameters as they are now
      this.link.publish(snapshotParameters(this.forward, completed), request, batch.actor);
      this.link.acknowledge(batch);
    }
  }

  /** `batch`, counted as trained on after `completed` updates. */
  private accept(batch: ActorBatch, completed: number): ActorBatch {
    this.received(batch);
    this.stats.accept(batch.actor, batch.trajectories.nTraj, completed - batch.parameterVersion);
    return batch;
  }

  /** What a batch taken from its actor (trained on or dropped) says of that actor: its stream, its reward client's counters. */
  private received(batch: ActorBatch): void {
    this.streams[batch.actor] = batch.rngState;
    if (batch.rewardStats) this.rewardCounters[batch.actor] = batch.rewardStats;
  }

  /**
   * Stops any wait for a batch now: the wait in progress, and every later one, rejects with
   * {@link ActorWaitInterrupted} (a signal must end a learner that waits on actors which do not come).
   */
  interrupt(): void {
    this.interrupted.reject(new ActorWaitInterrupted());
  }

  /** The next batch any actor pushed, unless {@link interrupt} comes first. */
  private receive(): Promise<ActorBatch> {
    return Promise.race([this.link.receive(), this.interrupted.promise]);
  }

  /** Puts the actors' streams where a checkpoint left them, once, before anything is asked of them. */
  private restoreStreams(): void {
    if (!this.restored) return;
    this.restored.forEach((s, i) => s && this.link.restore(i, s));
    this.restored = undefined;
  }
}

/** A wait for the actors' batches ended by {@link ActorBatches.interrupt} (the run was interrupted). */
export class ActorWaitInterrupted extends Error {
  constructor() {
    super('actors: the wait for a batch was interrupted');
    this.name = 'ActorWaitInterrupted';
  }
}

/** A promise that only ever rejects, when told to (its rejection is handled even if nothing awaits it). */
function rejectable(): { promise: Promise<never>; reject: (e: Error) => void } {
  let reject!: (e: Error) => void;
  const promise = new Promise<never>((_, r) => {
    reject = r;
  });
  promise.catch(() => undefined);
  return { promise, reject };
}
