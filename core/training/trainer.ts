import { inject, injectable } from 'inversify';
import type { ResolvedConfig } from '../config/schema.js';
import { TOKENS } from '../di/tokens.js';
import type { EvaluationEvent, EventBus, RunFinished } from '../events/bus.js';
import type { Objective } from '../objective.js';
import type { Sampler } from '../sampling/sampler.js';

/**
 * The training loop: sample a batch, let the objective update, publish what happened.
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
  ) {}

  /** Asks the loop to stop after the current iteration (early stopping, signals). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Runs `config.iterations` iterations (or until {@link stop}); resolves with the run summary. */
  async run(): Promise<RunFinished> {
    const { config, bus, objective, sampler } = this;
    let lastEvaluation: EvaluationEvent | undefined;
    const evalSub = bus.evaluation$.subscribe((e) => (lastEvaluation = e));
    if (objective.onPolicy && (config.sampler.epsilon > 0 || config.sampler.temperature !== 1)) {
      throw new Error(
        `objective '${objective.name}' is on-policy: sampler.epsilon must be 0 and sampler.temperature 1 (got ${config.sampler.epsilon} and ${config.sampler.temperature})`,
      );
    }
    const start = performance.now();
    let trajectoriesSeen = 0;
    let iteration = 0;
    try {
      bus.runStarted$.next({ runName: config.name, backend: this.backend, iterations: config.iterations, config: config as unknown as Record<string, unknown> });
      for (; iteration < config.iterations && !this.stopRequested; iteration++) {
        const t0 = performance.now();
        const forward = sampler.sampleForward(config.batchSize, config.sampler);
        const t1 = performance.now();
        bus.trajectories$.next({ iteration, batch: forward });
        const metrics = objective.update({ iteration, forward });
        const t2 = performance.now();
        trajectoriesSeen += forward.nTraj;
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
}
