import { Subscription } from 'rxjs';
import type { CheckpointRegistry } from '../checkpoint/registry.js';
import type { StateRecord } from '../checkpoint/checkpointable.js';
import type { EvaluationConfig } from './config.js';
import type { Environment } from '../env/environment.js';
import { isEnumerable } from '../env/environment.js';
import { evaluationViewOf } from '../env/view.js';
import type { Estimator } from '../tensor/estimator.js';
import type { EventBus } from '../events/bus.js';
import { type AnyObjective, collectsOwnExperience } from '../objectives/objective.js';
import { UniformBackwardPolicy } from '../policy/backward.js';
import { Rng } from '../base/rng.js';
import type { Trajectories } from '../sampling/trajectories.js';
import { AUTO_ACCELERATION_MIN_ROWS } from './exact.js';
import { exactEvaluation, type PeriodicEvaluation } from './exact-evaluation.js';
import { keepRunner } from './kept-runner.js';
import { modeCriterionOf } from './mode-criterion.js';
import { ModeTracker } from './mode-tracker.js';
import { SAMPLED_EVALUATION_INTERNALS, SampledEvaluator } from './sampled/sampled-evaluator.js';
import { chooseEvaluationMethod } from './schedule.js';
import { evaluationTimetable } from './timetable.js';
import type { EvaluationEngine } from '../tensor/dense-chain.js';
import { isConditional } from '../env/condition/conditional-environment.js';
import { perConditionEvaluation } from './per-condition.js';

/** The evaluation config plus what the run knows. */
export interface EvaluationSchedule extends EvaluationConfig {
  totalIterations: number;
  /** Also evaluate before the first update (iteration 0); never on a resumed run, whose log has it. */
  atStart: boolean;
  /** Seed of the evaluator's own random stream (its draws never shift training's). */
  seed: number;
  /**
   * Training sees a noisy reward (`rewardNoise`): the mode count then re-scores training's terminal
   * states with the environment's true reward instead of reading the batches' noisy log R.
   */
  trainingRewardsNoisy?: boolean;
  /** The engine of exact evaluation's network pass (the config's `engine`); absent = the tensor backend. */
  engine?: EvaluationEngine;
}

/**
 * Evaluates the forward policy on the timetable of `evaluation.every` ({@link evaluationTimetable}:
 * every k iterations, or "auto") and at the last iteration (and before the first update,
 * as iteration 0, when `atStart`) and publishes on
 * `evaluation$` with the method chosen by {@link chooseEvaluationMethod} (a config error is thrown
 * here, before training) and the evaluation's own duration (`durationMs`), kept apart from the
 * training time. Nothing is built before the first evaluation is due: the exact evaluator's
 * tables and the sampled evaluator's test set are created then. With either method, when the
 * environment defines modes (`modeCriterionOf`) and the trainer samples the batches, every
 * evaluation reports `modesFound` (of `modesTotal`) and `trajectoriesTo{10,50,100}pct`: the
 * distinct modes among all the trajectories training has sampled so far (`TrajectoriesEvent.sampled`:
 * fresh samples, exploration included, and local-search refinements; replayed ones are not
 * counted again), so they do not depend on how often evaluation runs. Its random stream, the
 * exact evaluator's own mode memory and the run's discoveries are registered in `checkpoints` as
 * `evaluator`, so a resumed run reports the same numbers. The environment's view (`evaluationViewOf`) of P_T or of
 * the drawn samples is attached as `view`. Exact evaluation's network pass runs on
 * `schedule.engine` — under `engine.name: "auto"` only for passes of at least
 * `AUTO_ACCELERATION_MIN_ROWS` states. A conditional run is evaluated so at each condition of its
 * grid (`perConditionEvaluation`: `tv@beta=0.5`, …, and their means under the plain names).
 * Returns undefined for `none`.
 */
export function attachEvaluation(
  bus: EventBus,
  env: Environment,
  network: Estimator,
  objective: AnyObjective,
  schedule: EvaluationSchedule,
  checkpoints?: CheckpointRegistry,
): Subscription | undefined {
  const method = chooseEvaluationMethod(env, schedule);
  if (method === 'none') return undefined;
  const timetable = evaluationTimetable(bus, network, method, schedule, checkpoints);
  // P_F as the evaluations see it (under "auto" sampled evaluation, counting the states they send through it)
  const { forward } = timetable;
  const { engine } = schedule;
  // one runner serves every evaluation of the run, freed with the subscription
  const kept = method === 'exact' && engine ? keepRunner(engine.engine) : undefined;
  const accelerated = kept && engine ? { engine: kept.engine, options: engine.options, minRows: engine.always ? 0 : AUTO_ACCELERATION_MIN_ROWS } : undefined;
  const rng = new Rng(schedule.seed ^ 0x5eed);
  const learnedLogZ = (): number | undefined => objective.logZ?.();
  let evaluation: PeriodicEvaluation | undefined;
  let pendingState: StateRecord | undefined;
  const single = (target: Environment, logZ: () => number | undefined): PeriodicEvaluation =>
    method === 'exact' && isEnumerable(target)
      ? exactEvaluation(target, forward, logZ, schedule.samples, rng, accelerated)
      : sampledEvaluation(target, forward, objective, schedule, rng, logZ);
  const build = (): PeriodicEvaluation => {
    if (!evaluation) {
      // a conditional run: at each condition of its grid, against log Z(c) where the objective learns it
      evaluation = isConditional(env)
        ? perConditionEvaluation(
            env,
            (view) => single(view, () => (collectsOwnExperience(objective) ? undefined : objective.logZAt?.(view.s0))),
            rng,
            schedule.samples,
          )
        : single(env, learnedLogZ);
      if (pendingState) evaluation.loadState(pendingState);
    }
    return evaluation;
  };
  // self-collecting objectives (PPO, REINFORCE) publish no trajectories: nothing to count
  const tracker = collectsOwnExperience(objective) ? undefined : lazyModeTracker(env);
  checkpoints?.register('evaluator', {
    saveState: () => ({
      ...(evaluation ? evaluation.saveState() : (pendingState ?? { rng: rng.getState() })),
      ...(tracker?.get() ? { modeTracker: tracker.get()!.saveState() } : {}),
    }),
    loadState: (state) => {
      pendingState = state;
      rng.setState(state.rng as number[]);
      if (state.modeTracker) tracker?.build()?.loadState(state.modeTracker as StateRecord);
    },
  });
  const subs = new Subscription(() => kept?.dispose());
  subs.add(timetable.subscription);
  let sampled: readonly Trajectories[] = [];
  if (tracker) subs.add(bus.trajectories$.subscribe((e) => (sampled = e.sampled ?? [e.batch])));
  const evaluate = (iteration: number, t0: number): void => {
    const { metrics, view } = build().evaluate();
    timetable.evaluated();
    const modes = tracker?.build();
    Object.assign(metrics, modes ? modes.metrics() : {});
    bus.evaluation$.next({ iteration, metrics, method, durationMs: performance.now() - t0, ...(view ? { view } : {}) });
  };
  subs.add(
    bus.iteration$.subscribe((event) => {
      const { iteration, trajectoriesSeen } = event;
      const t0 = performance.now();
      const modes = tracker?.build();
      if (modes) {
        for (const t of sampled) {
          const terminals = t.terminalStates();
          // the batches' own log R unless training's reward is noisy: no second reward call per batch
          modes.observe(terminals, schedule.trainingRewardsNoisy ? env.logReward(terminals) : t.logRewards, trajectoriesSeen);
        }
      }
      sampled = [];
      if (timetable.due(event)) evaluate(iteration, t0);
    }),
  );
  if (schedule.atStart) subs.add(bus.runStarted$.subscribe((e) => (e.startIteration ?? 0) === 0 && evaluate(0, performance.now())));
  return subs;
}

function sampledEvaluation(
  env: Environment,
  forward: Estimator,
  objective: AnyObjective,
  schedule: EvaluationSchedule,
  rng: Rng,
  learnedLogZ: () => number | undefined,
): PeriodicEvaluation {
  const backward = (!collectsOwnExperience(objective) && objective.backwardPolicy?.()) || new UniformBackwardPolicy(env);
  const evaluator = new SampledEvaluator(
    env,
    forward,
    backward,
    learnedLogZ,
    {
      samples: schedule.samples,
      backwardSamples: schedule.backwardSamples,
      maxTestStates: schedule.maxTestStates,
      topK: schedule.topK,
      ...SAMPLED_EVALUATION_INTERNALS,
    },
    rng,
  );
  return {
    evaluate: () => {
      const { metrics, samples } = evaluator.evaluate();
      const view = evaluationViewOf(env, { samples });
      return { metrics, samples, ...(view ? { view } : {}) };
    },
    saveState: () => ({ rng: rng.getState() }),
    loadState: (state) => rng.setState(state.rng as number[]),
  };
}

/** The run-wide mode tracker, created on first use (undefined when the environment defines no modes, or none exist). */
function lazyModeTracker(env: Environment): { build(): ModeTracker | undefined; get(): ModeTracker | undefined } {
  let tracker: ModeTracker | undefined;
  let built = false;
  return {
    build: () => {
      if (!built) {
        built = true;
        const criterion = modeCriterionOf(env);
        // a task whose mode definition selects nothing (e.g. a HyperGrid too coarse for its ring) has nothing to count
        tracker = criterion && criterion.total > 0 ? new ModeTracker(criterion) : undefined;
      }
      return tracker;
    },
    get: () => tracker,
  };
}
