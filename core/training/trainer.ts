import { inject, injectable, optional } from 'inversify';
import type { ResolvedConfig } from '../config/schema.js';
import { ConfigError } from '../config/validate.js';
import { TOKENS } from '../di/tokens.js';
import type { EvaluationEvent, EventBus, RunFinished } from '../events/bus.js';
import type { Objective } from '../objective.js';
import { concatTrajectories } from '../sampling/batch-ops.js';
import { explorationAt, isExploratory, scheduleProblems } from '../sampling/exploration.js';
import { type ReplayBuffer, replayCount } from '../sampling/replay.js';
import type { Sampler } from '../sampling/sampler.js';
import type { Trajectories } from '../sampling/trajectories.js';

/**
 * The training loop: compose a batch (fresh samples, plus replayed ones when a buffer is
 * configured), let the objective update, publish what happened.
 * It knows nothing of loggers, evaluators or progress bars: they subscribe to the bus.
 */
@injectable()
export class Trainer {
  private stopRequested = false;

  constructor(
    @inject(TOKENS.Config) private readonly config: ResolvedConfig,
    @inject(TOKENS.Sampler) private readonly sampler: Sampler,
    @inject(TOKENS.Objective) private readonly objective: Objective,
    @inject(TOKENS.EventBus) private readonly bus: EventBus,
    @inject(TOKENS.BackendName) private readonly backend: string,
    @inject(TOKENS.ReplayBuffer) @optional() private readonly replay?: ReplayBuffer,
  ) {}

  /** Asks the loop to stop after the current iteration (early stopping, signals). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Runs `config.iterations` iterations (or until {@link stop}); resolves with the run summary. */
  async run(): Promise<RunFinished> {
    const { config, bus, objective } = this;
    let lastEvaluation: EvaluationEvent | undefined;
    const problems = this.problems();
    if (problems.length > 0) throw new ConfigError(problems);
    const evalSub = bus.evaluation$.subscribe((e) => (lastEvaluation = e));
    const start = performance.now();
    let trajectoriesSeen = 0;
    let iteration = 0;
    try {
      bus.runStarted$.next({ runName: config.name, backend: this.backend, iterations: config.iterations, config: config as unknown as Record<string, unknown> });
      for (; iteration < config.iterations && !this.stopRequested; iteration++) {
        const t0 = performance.now();
        const { batch, fresh } = this.composeBatch(iteration);
        const t1 = performance.now();
        bus.trajectories$.next({ iteration, batch });
        const metrics = objective.update({ iteration, forward: batch });
        // after the update: a batch never replays its own fresh trajectories
        this.replay?.add(fresh);
        const t2 = performance.now();
        trajectoriesSeen += fresh.nTraj;
        for (const [k, v] of Object.entries(metrics)) {
          if (!Number.isFinite(v)) throw new Error(`objective '${objective.name}' produced ${k} = ${v} at iteration ${iteration}`);
        }
        bus.iteration$.next({
          iteration,
          metrics,
          timings: { sampleMs: t1 - t0, updateMs: t2 - t1 },
          trajectoriesSeen,
          elapsedMs: t2 - start,
        });
        // let timers (progress redraws, signal handlers) run between iterations
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const finished: RunFinished = { iterations: iteration, elapsedMs: performance.now() - start, ...(lastEvaluation ? { lastEvaluation } : {}) };
      bus.runFinished$.next(finished);
      return finished;
    } catch (err) {
      bus.error$.next(err as Error);
      throw err;
    } finally {
      evalSub.unsubscribe();
    }
  }

  /**
   * This iteration's training batch: `batchSize − round(ratio · batchSize)` fresh trajectories
   * followed by the replayed rest once the buffer holds that many; until then all fresh.
   */
  private composeBatch(iteration: number): { batch: Trajectories; fresh: Trajectories } {
    const { config, replay } = this;
    const nReplay = replay ? replayCount(config.replay, config.batchSize) : 0;
    const replaying = replay !== undefined && nReplay > 0 && replay.size >= nReplay;
    const fresh = this.sampler.sampleForward(replaying ? config.batchSize - nReplay : config.batchSize, explorationAt(config.sampler, iteration));
    return { batch: replaying ? concatTrajectories(fresh, replay.sample(nReplay)) : fresh, fresh };
  }

  /** Config combinations a field-by-field schema cannot reject, checked before any work. */
  private problems(): string[] {
    const { config, objective } = this;
    const problems = scheduleProblems(config.sampler);
    if (objective.onPolicy) {
      // its gradient is only unbiased for trajectories from the current P_F itself
      const { epsilon, epsilonFinal, epsilonDecayIterations, temperature } = config.sampler;
      if (isExploratory(config.sampler)) {
        const schedule = epsilonDecayIterations > 0 ? `epsilon ${epsilon} → epsilonFinal ${epsilonFinal ?? epsilon} over ${epsilonDecayIterations} iterations` : `epsilon ${epsilon}`;
        problems.push(
          `objective '${objective.name}' is on-policy: sampler.epsilon (and sampler.epsilonFinal) must be 0 and sampler.temperature 1 (got ${schedule}, temperature ${temperature})`,
        );
      }
      if (config.replay.kind !== 'none') {
        problems.push(`field "replay.kind" = ${JSON.stringify(config.replay.kind)}: objective '${objective.name}' is on-policy and cannot train on replayed trajectories; valid choice: "none"`);
      }
    }
    const nReplay = replayCount(config.replay, config.batchSize);
    if (config.replay.kind !== 'none' && config.replay.capacity < nReplay) {
      problems.push(
        `field "replay.capacity" = ${config.replay.capacity}: smaller than the ${nReplay} trajectories replayed per batch (round(replay.ratio ${config.replay.ratio} x batchSize ${config.batchSize})), so replay would never start`,
      );
    }
    return problems;
  }
}
