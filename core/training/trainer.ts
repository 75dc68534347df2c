// the container reads the constructor parameters' @inject metadata through the Reflect metadata API
import 'reflect-metadata';
import type * as tf from '@tensorflow/tfjs-core';
import { inject, injectable, optional } from 'inversify';
import { yieldToEventLoop } from './yield.js';
import type { StateRecord } from '../checkpoint/checkpointable.js';
import type { TrainingLoop } from '../di/training-loop.js';
import { firstNonFiniteVariable } from '../checkpoint/finite.js';
import type { ResolvedConfig } from '../config/schema.js';
import { TOKENS } from '../di/tokens.js';
import type { Estimator } from '../tensor/estimator.js';
import type { EvaluationEvent, EventBus, RunFinished, RunStopped } from '../events/bus.js';
import { withFailureContext } from '../events/failure.js';
import { type AnyObjective, collectsOwnExperience, type Objective, type SelfCollectingObjective } from '../objectives/objective.js';
import { EpisodeWindow } from '../objectives/episode-window.js';
import { concatTrajectories, selectTrajectories } from '../sampling/batch-ops.js';
import { explorationAt } from '../sampling/exploration.js';
import { type ReplayBuffer, replayCount } from '../sampling/replay.js';
import type { LocalSearch } from '../sampling/local-search.js';
import { localSearchPlan } from '../sampling/local-search-config.js';
import type { Sampler } from '../sampling/sampler.js';
import type { Trajectories } from '../sampling/trajectories.js';
import type { ActorLink } from '../sampling/actor-link.js';
import type { ActorStats } from '../sampling/actor-stats.js';
import { actorPlan } from '../config/actor-plan.js';
import type { ActorBatch } from '../sampling/actor-link.js';
import { ActorBatches, ActorWaitInterrupted } from './actor-batches.js';
import type { KernelsChoice } from '../tensor/dense-chain.js';
import type { RewardClientStats } from '../env/reward-client.js';
import { rewardMetrics } from '../env/reward-metrics.js';

/** What one iteration did, whoever gathered its data. */
interface IterationResult {
  metrics: Record<string, number>;
  timings: { sampleMs: number; updateMs: number };
  /** Trajectories (GFlowNet batches) or finished episodes (self-collecting objectives). */
  trajectories: number;
  /** Environment steps, for self-collecting objectives. */
  steps?: number;
  /** What the actors did so far, when they sample. */
  actors?: ActorStats;
}

/**
 * The training loop, for both families of objectives:
 * - batch objectives (the GFlowNet losses): compose a batch (fresh samples, plus replayed ones
 *   when a buffer is configured), let the objective update; the fresh samples' rewards are awaited,
 *   so that a reward service (config `reward`) can answer them, and its counters join the
 *   iteration's metrics;
 * - self-collecting objectives (classic RL: PPO, REINFORCE): let the objective collect its own
 *   experience through the Gym interface and update; add the mean and std of the returns of the
 *   last `logging.episodeWindow` finished episodes to the metrics.
 * Then publish what happened. It knows nothing of loggers, evaluators or progress bars: they
 * subscribe to the bus.
 *
 * A loss or parameter that is NaN or ±Inf stops the run with an error naming the objective and the
 * iteration, before that iteration is published (so no checkpoint of the broken state is written).
 * So does any exception, wherever it is thrown — the objective, the environment, the sampler, a
 * subscriber of the bus (see `EventBus`): the trainer attaches the iteration it was working on
 * (`failureContext`), publishes the failure on `error$` and rejects with it.
 * {@link interrupt} (a signal) ends the run after the current iteration on `runStopped$` instead.
 * Iterations are numbered by the updates made: iteration n is the state after n updates (the first
 * update makes iteration 1; an evaluation before any update is at iteration 0).
 * Its counters are {@link Checkpointable}: a resumed run continues with update saved iterations + 1.
 *
 * With actors (`actors` ≥ 1 or `pipeline: true`: an {@link ActorLink} is bound) the fresh part of
 * each batch is sampled by them while the learner updates, with earlier parameters
 * ({@link ActorBatches}); the batch records its behaviour log q(τ) and parameter version for the
 * objective. The actors are closed when the run ends, however it ends.
 */
@injectable()
export class Trainer implements TrainingLoop {
  private stopRequested = false;
  /** What interrupted the run (see {@link interrupt}), once something did. */
  private interruption: string | undefined;
  /** Iterations completed (= the next iteration's index) and what they saw; restored on resume. */
  private counters = { iterations: 0, trajectoriesSeen: 0, stepsSeen: 0 };
  /** The actors' supply of fresh batches (`actors` ≥ 1 or `pipeline: true`). */
  private readonly actors?: ActorBatches;

  constructor(
    @inject(TOKENS.Config) private readonly config: ResolvedConfig,
    // absent on classic environments, where only self-collecting objectives can train
    @inject(TOKENS.Sampler) @optional() private readonly sampler: Sampler | undefined,
    @inject(TOKENS.Objective) private readonly objective: AnyObjective,
    @inject(TOKENS.EventBus) private readonly bus: EventBus,
    @inject(TOKENS.BackendName) private readonly backend: string,
    @inject(TOKENS.ReplayBuffer) @optional() private readonly replay?: ReplayBuffer,
    @inject(TOKENS.ForwardEstimator) @optional() private readonly forward?: Estimator,
    @inject(TOKENS.LocalSearch) @optional() private readonly localSearch?: LocalSearch,
    @inject(TOKENS.Kernels) @optional() private readonly kernels?: KernelsChoice,
    @inject(TOKENS.ActorLink) @optional() link?: ActorLink,
    // the reward service's counters, published with each iteration (config `reward`)
    @inject(TOKENS.RewardStats) @optional() private readonly rewardStats?: () => RewardClientStats,
  ) {
    const plan = actorPlan(config);
    if (link && plan) {
      if (!forward) throw new Error('trainer: actors need the forward estimator');
      this.actors = new ActorBatches(link, forward, config.sampler, plan, config.iterations);
    }
  }

  /** Iterations completed and trajectories / environment steps seen so far (and the local search's stream). */
  saveState(): StateRecord {
    return {
      ...this.counters,
      ...(this.localSearch ? { localSearch: this.localSearch.saveState() } : {}),
      ...(this.actors ? { [actorPlan(this.config)!.stateKey]: this.actors.saveState() } : {}),
    };
  }

  /** Restores the counters: the next {@link run} starts at iteration `iterations`. */
  loadState(state: StateRecord): void {
    const n = (k: string): number => {
      const v = Number(state[k]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`checkpoint: trainer counter '${k}' = ${JSON.stringify(state[k])} is not a count`);
      return v;
    };
    this.counters = { iterations: n('iterations'), trajectoriesSeen: n('trajectoriesSeen'), stepsSeen: n('stepsSeen') };
    if (this.localSearch) {
      if (!state.localSearch) throw new Error('checkpoint: no saved state for the local search (was the run saved without localSearch?)');
      this.localSearch.loadState(state.localSearch as StateRecord);
    }
    // a checkpoint of a sequential run has none: the actors' streams then start at their seeds
    const saved = this.actors && state[actorPlan(this.config)!.stateKey];
    if (this.actors && saved) this.actors.loadState(saved as StateRecord);
  }

  /** Asks the loop to stop after the current iteration (early stopping, signals). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Asks the loop to stop after the current iteration because it was interrupted: the run ends on `runStopped$`. */
  interrupt(reason: string): void {
    this.interruption ??= reason;
    // a learner waiting on actors stops waiting (they may never come)
    this.actors?.interrupt();
  }

  /**
   * Runs `config.iterations` iterations (or until {@link stop} or {@link interrupt}); resolves with
   * the run summary (`stopped` set when interrupted before the last iteration).
   */
  async run(): Promise<RunFinished> {
    const { config, bus, objective } = this;
    let lastEvaluation: EvaluationEvent | undefined;
    let evaluationMs = 0;
    const evalSub = bus.evaluation$.subscribe((e) => {
      lastEvaluation = e;
      evaluationMs += e.durationMs ?? 0;
    });
    const start = performance.now();
    const episodes = new EpisodeWindow(config.logging.episodeWindow);
    let { trajectoriesSeen, stepsSeen, iterations: iteration } = this.counters;
    const startIteration = iteration;
    // the iteration being worked on, for a failure's context (0 while the run starts)
    let current = startIteration;
    try {
      bus.runStarted$.next({
        runName: config.name,
        backend: this.backend,
        kernels: this.kernels?.kernels?.name ?? 'backend',
        iterations: config.iterations,
        config: config as unknown as Record<string, unknown>,
        ...(startIteration > 0 ? { startIteration } : {}),
      });
      // iteration n = the state after n updates: the update made now is number `iteration + 1`
      while (iteration < config.iterations && !this.stopRequested && this.interruption === undefined) {
        const n = iteration + 1;
        current = n;
        const result = collectsOwnExperience(objective)
          ? this.selfCollectedIteration(objective, n, episodes)
          : this.actors
            ? await this.actorIteration(objective, n, this.actors)
            : await this.batchIteration(objective, n);
        // interrupted while waiting on the actors: no update was made
        if (!result) break;
        trajectoriesSeen += result.trajectories;
        stepsSeen += result.steps ?? 0;
        for (const [k, v] of Object.entries(result.metrics)) {
          if (!Number.isFinite(v)) throw this.objectiveFailure(`produced ${k} = ${v} at iteration ${n}`);
        }
        const broken = firstNonFiniteVariable(this.trainedVariables());
        if (broken !== undefined) throw this.objectiveFailure(`produced a non-finite parameter (NaN or Inf in variable '${broken}') at iteration ${n}`);
        iteration = n;
        this.counters = { iterations: n, trajectoriesSeen, stepsSeen };
        // the reward service's counters: this thread's client, or the actors' clients summed
        const rewardStats = this.rewardStats?.() ?? this.actors?.rewardStats();
        bus.iteration$.next({
          iteration: n,
          metrics: rewardStats ? { ...result.metrics, ...rewardMetrics(rewardStats) } : result.metrics,
          timings: result.timings,
          trajectoriesSeen,
          ...(result.steps === undefined ? {} : { environmentSteps: stepsSeen }),
          ...(result.actors ? { actors: result.actors } : {}),
          elapsedMs: performance.now() - start,
          evaluationMs,
        });
        // let timers (progress redraws, signal handlers, a page's rendering) run between iterations
        await yieldToEventLoop();
        // a subscriber's promise may have rejected meanwhile
        bus.throwIfFailed();
      }
      current = iteration;
      const finished: RunFinished = {
        iterations: iteration,
        elapsedMs: performance.now() - start,
        evaluationMs,
        ...(lastEvaluation ? { lastEvaluation } : {}),
      };
      if (this.interruption !== undefined && iteration < config.iterations) {
        const stopped: RunStopped = { ...finished, stopped: this.interruption };
        bus.runStopped$.next(stopped);
        return stopped;
      }
      bus.runFinished$.next(finished);
      return finished;
    } catch (err) {
      // the run's failure is the first recorded: a subscriber's, rethrown to the trainer by the bus, or this one
      bus.fail(withFailureContext(err, { iteration: current }));
      const failure = withFailureContext(bus.failure!, { iteration: current });
      bus.error$.next(failure);
      throw failure;
    } finally {
      evalSub.unsubscribe();
      // the actors end with the run (finished, failed or interrupted)
      await this.actors?.close();
    }
  }

  /** An error of the objective (`what` it did), naming it. */
  private objectiveFailure(what: string): Error {
    return withFailureContext(new Error(`objective '${this.objective.name}' ${what}`), { where: `objective '${this.objective.name}'` });
  }

  /** The variables the objective trains (P_F's alone for objectives that do not list theirs). */
  private trainedVariables(): readonly tf.Variable[] {
    try {
      const parts = this.objective.checkpointParts?.();
      if (parts) return parts.variables;
    } catch {
      // an objective that cannot list its state for checkpoints: check P_F at least
    }
    return this.forward?.variables ?? [];
  }

  /** Update number `iteration` (from 1) of a batch objective: sample (and replay), publish the batch, update. */
  private async batchIteration(objective: Objective, iteration: number): Promise<IterationResult> {
    const t0 = performance.now();
    const { batch, fresh, refined, refineMetrics } = await this.composeBatch(iteration - 1, objective);
    const t1 = performance.now();
    this.bus.trajectories$.next({ iteration, batch, sampled: refined ? [fresh, refined] : [fresh] });
    const metrics = { ...objective.update({ iteration, forward: batch, fresh: fresh.nTraj }), ...refineMetrics };
    // after the update: a batch never replays its own fresh trajectories
    this.replay?.add(fresh);
    if (refined && this.config.localSearch.into === 'replay') this.replay?.add(refined);
    // a refinement samples a new forward completion: it counts as a trajectory seen
    return { metrics, timings: { sampleMs: t1 - t0, updateMs: performance.now() - t1 }, trajectories: fresh.nTraj + (refined?.nTraj ?? 0) };
  }

  /**
   * Update number `iteration` with actors: take the fresh batch they sampled (waiting when none
   * has arrived), fill the batch up to `batchSize` from the replay buffer (a batch asked for before
   * the buffer filled has all `batchSize` fresh), add the fresh trajectories to the buffer, release
   * the batch — which asks for the next with the parameters as they are now — and update while the
   * actors sample.
   */
  private async actorIteration(objective: Objective, iteration: number, actors: ActorBatches): Promise<IterationResult | undefined> {
    const { config, replay } = this;
    const t0 = performance.now();
    let sampled: ActorBatch;
    try {
      sampled = await actors.take(iteration, this.replayPlan().fresh);
    } catch (err) {
      if (err instanceof ActorWaitInterrupted) return undefined;
      throw err;
    }
    const t1 = performance.now();
    const fresh = sampled.trajectories;
    const replayed = config.batchSize - fresh.nTraj;
    if (replayed < 0 || (replayed > 0 && (!replay || replay.size < replayed)))
      throw new Error(`trainer: the actors delivered ${fresh.nTraj} fresh trajectories for a batch of ${config.batchSize} (replay holds ${replay?.size ?? 0})`);
    const batch = replayed > 0 && replay ? concatTrajectories(fresh, replay.sample(replayed)) : fresh;
    this.bus.trajectories$.next({ iteration, batch, sampled: [fresh] });
    // before the update (the sequential trainer adds after it): the next request's size depends on
    // the buffer's size; the batch has already drawn its replayed part, so it never replays its own
    this.replay?.add(fresh);
    const continues = iteration < config.iterations && !this.stopRequested && this.interruption === undefined;
    actors.release(sampled, iteration, continues ? this.replayPlan().fresh : undefined);
    const behaviour = { logProb: sampled.behaviourLogProb, parameterVersion: sampled.parameterVersion };
    const metrics = objective.update({ iteration, forward: batch, fresh: fresh.nTraj, behaviour });
    return { metrics, timings: { sampleMs: t1 - t0, updateMs: performance.now() - t1 }, trajectories: fresh.nTraj, actors: actors.stats.snapshot() };
  }

  /** How the next batch splits into fresh and replayed trajectories (no local search). */
  private replayPlan(): { fresh: number; replayed: number } {
    const { config, replay } = this;
    const nReplay = replay ? replayCount(config.replay, config.batchSize) : 0;
    const replayed = replay !== undefined && nReplay > 0 && replay.size >= nReplay ? nReplay : 0;
    return { fresh: config.batchSize - replayed, replayed };
  }

  /** One iteration of a self-collecting objective; its finished episodes feed the return window. */
  private selfCollectedIteration(objective: SelfCollectingObjective, iteration: number, episodes: EpisodeWindow): IterationResult {
    const t0 = performance.now();
    const { metrics, experience } = objective.iterate(iteration);
    const total = performance.now() - t0;
    episodes.add(experience.episodeReturns, experience.episodeLengths);
    return {
      metrics: { ...metrics, ...episodes.metrics() },
      timings: { sampleMs: experience.collectMs, updateMs: total - experience.collectMs },
      trajectories: experience.episodeReturns.length,
      steps: experience.steps,
    };
  }

  /**
   * The training batch drawn after `completed` updates: `batchSize − round(ratio · batchSize)` fresh trajectories
   * followed by the replayed rest once the buffer holds that many; until then all fresh. With local
   * search, the fresh share shrinks by the refined trajectories (into `batch`), which follow the
   * fresh ones round by round; with `into: replay` they are returned for the buffer instead.
   */
  private async composeBatch(
    completed: number,
    objective: Objective,
  ): Promise<{ batch: Trajectories; fresh: Trajectories; refined?: Trajectories; refineMetrics: Record<string, number> }> {
    const { config, replay, sampler, localSearch } = this;
    if (!sampler) throw new Error('trainer: no sampler is bound (a classic environment); the objective must collect its own experience');
    const { replayed } = this.replayPlan();
    const plan = localSearch ? localSearchPlan(config.localSearch, config.batchSize, replayed) : undefined;
    // the rewards are awaited: a reward service's take time (any other environment's are there at once)
    const fresh = await sampler.sampleForwardAsync(plan ? plan.fresh : config.batchSize - replayed, explorationAt(config.sampler, completed));
    let batch = fresh;
    let refined: Trajectories | undefined;
    const refineMetrics: Record<string, number> = {};
    if (localSearch && plan && plan.refined > 0) {
      const rounds = await localSearch.refine(fresh, plan.rounds, objective.backwardPolicy?.());
      const all = rounds.map((r) => r.trajectories).reduce((a, b) => concatTrajectories(a, b));
      refined =
        all.nTraj === plan.refined
          ? all
          : selectTrajectories(
              all,
              Array.from({ length: plan.refined }, (_, k) => k),
            );
      let accepted = 0;
      for (const r of rounds) for (const a of r.accepted) accepted += a;
      refineMetrics.localSearchAcceptance = accepted / (rounds.length * fresh.nTraj);
      if (config.localSearch.into === 'batch') batch = concatTrajectories(batch, refined);
    }
    return {
      batch: replayed > 0 && replay ? concatTrajectories(batch, replay.sample(replayed)) : batch,
      fresh,
      ...(refined ? { refined } : {}),
      refineMetrics,
    };
  }
}
