import { loadVariables, type SavedTensor } from '../../core/checkpoint/encoding.js';
import { createRunContainer } from '../../core/run/container.js';
import { TOKENS } from '../../core/di/tokens.js';
import type { Environment } from '../../core/env/environment.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import type { Plugin } from '../../core/plugin/plugin.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { preflight } from '../../core/config/preflight.js';
import { type BackendChoice, selectBackend } from '../../core/tensor/backend.js';
import { freeingOnFailure, throwIfFailed } from '../../core/run/teardown.js';
import { openCheckpointedRun } from './resume.js';
import { environmentAt } from '../../core/env/condition/conditional-environment.js';
import { ConditionedEnvironment } from '../../core/env/condition/conditioned-environment.js';
import { isMultiObjective, type MultiObjective } from '../../core/env/multi-objective.js';

/** Terminal states drawn from a trained forward policy, with their log-rewards. */
export interface TerminalSamples {
  /** `n x stateDim`, row-major: the environment's own states (a conditional run's without the condition). */
  states: Int32Array;
  /** log R of each state (not clipped): the environment's own reward, also at a condition (R(x), not R(x)^β). */
  logRewards: Float64Array;
  stateDim: number;
  /** A multi-objective environment's objectives, in the order of {@link logObjectives}' columns; absent for one reward. */
  objectiveNames?: readonly string[];
  /** A multi-objective environment's log R_i of each state, `n x K` row-major (`logRewards` is then their mean, the geometric mean of the R_i). */
  logObjectives?: Float64Array;
}

/** Options of {@link CheckpointSampler.sample}. */
export interface SampleOptions {
  /**
   * The condition to sample at, by component (`{ beta: 4 }`: x ~ R(x)^4), for a run trained with a
   * `condition` section; default: its `condition.reference`. Refused for an unconditional run.
   */
  condition?: Readonly<Record<string, number>>;
}

/** A trained sampler loaded from a checkpoint (see {@link loadSampler}). */
export interface CheckpointSampler {
  /** `n` terminal states drawn independently from the trained P_T (pure P_F: no ε, no temperature), at `options.condition` for a conditional run. */
  sample(n: number, options?: SampleOptions): TerminalSamples;
  /** The environment and the restored forward policy, e.g. to compute the exact P_T. */
  readonly env: Environment;
  readonly forward: Estimator;
  readonly config: ResolvedConfig;
  /** Frees the network's tensors and its native kernels' sessions. */
  dispose(): void;
}

/** Options of {@link loadSampler}. */
export interface LoadSamplerOptions {
  /** Seed of the sampling stream (default: the run's seed). */
  seed?: number;
  /** Tensor backend (default: the run's `backend` setting). */
  backend?: BackendChoice;
  /** Engine of the network's passes, as the config field `engine.name` (default: the run's setting). */
  engine?: string;
  /** @deprecated The old name of {@link engine}. */
  kernels?: string;
  /** Plugins defined in this program that the run used (those its config lists are loaded anyway). */
  plugins?: readonly Plugin[];
}

/** Trajectories sampled per lock-step batch: bounds memory for large `n`. */
const CHUNK = 4096;

/**
 * Loads the forward policy of the run checkpointed in `runDir` (`runs/<name>`, or a checkpoint
 * file) for sampling, e.g. inside a Node service: rebuilds the environment and P_F from the saved
 * config (loading the plugins it lists) and loads P_F's weights. Nothing else of the run is built.
 */
export async function loadSampler(runDir: string, options: LoadSamplerOptions = {}): Promise<CheckpointSampler> {
  const opened = await openCheckpointedRun(runDir, [], options.plugins);
  const engine = options.engine ?? options.kernels;
  const { config, environment } = preflight(
    engine === undefined ? opened.config : { ...opened.config, engine: { ...opened.config.engine, name: engine } },
    opened.registry,
  );
  const backend = await selectBackend(options.backend ?? config.backend, opened.registry.tensorHost);
  const container = createRunContainer(config, opened.registry, backend, environment);
  // what was built so far is freed when loading fails; the error that stopped it is the one reported
  const { env, forward } = freeingOnFailure(
    () => {
      if (!container.get(TOKENS.GymEnvFactory).gflownet)
        throw new Error(`environment '${config.env.name}' is a classic (Gym) environment: it has no terminal states to sample`);
      // samples report the true reward, also for a run trained on a noisy one (rewardNoise)
      const env = container.get(TOKENS.EvaluationEnvironment);
      const forward = container.get(TOKENS.ForwardEstimator);
      loadVariables(forward.variables, opened.checkpoint.forward.variables as SavedTensor[], 'the forward estimator');
      return { env, forward };
    },
    () => container.dispose(),
  );
  // one stream for every condition sampled at: a sample's draws depend on the calls before it only
  const rng = new Rng(options.seed ?? config.seed);
  const samplers = new Map<string, { sampler: Sampler; own: OwnStates }>();
  const samplerAt = (condition: SampleOptions['condition']): { sampler: Sampler; own: OwnStates } => {
    const key = JSON.stringify(condition ?? null);
    let found = samplers.get(key);
    if (!found) {
      const target = environmentAt(env, condition);
      found = { sampler: new Sampler(target, forward, rng), own: ownStatesOf(target) };
      samplers.set(key, found);
    }
    return found;
  };
  return {
    env,
    forward,
    config,
    sample(n: number, sampleOptions: SampleOptions = {}): TerminalSamples {
      if (!Number.isInteger(n) || n < 0) throw new Error(`sample: n must be a non-negative integer, got ${n}`);
      const { sampler, own } = samplerAt(sampleOptions.condition);
      const d = own.stateDim;
      const states = new Int32Array(n * d);
      const logRewards = new Float64Array(n);
      for (let done = 0; done < n; done += CHUNK) {
        const batch = sampler.sampleForward(Math.min(CHUNK, n - done));
        const terminals = own.states(batch.terminalStates());
        states.set(terminals, done * d);
        logRewards.set(own.logRewards(terminals, batch.logRewards), done);
      }
      const { objectives } = own;
      if (!objectives) return { states, logRewards, stateDim: d };
      return {
        states,
        logRewards,
        stateDim: d,
        objectiveNames: objectives.objectiveNames,
        logObjectives: n > 0 ? objectives.logObjectives(states) : new Float64Array(0),
      };
    },
    dispose: () => throwIfFailed(container.dispose()),
  };
}

/** How sampled terminal states become the environment's own states and rewards (a conditional run's lose their condition). */
interface OwnStates {
  stateDim: number;
  states(terminals: Int32Array): Int32Array;
  logRewards(own: Int32Array, sampled: Float64Array): Float64Array;
  /** The environment's objectives, where it has several. */
  objectives?: MultiObjective;
}

function ownStatesOf(env: Environment): OwnStates {
  if (!(env instanceof ConditionedEnvironment))
    return { stateDim: env.stateDim, states: (t) => t, logRewards: (_, sampled) => sampled, ...(isMultiObjective(env) ? { objectives: env } : {}) };
  const { base } = env;
  return {
    stateDim: base.stateDim,
    states: (t) => env.baseStates(t),
    logRewards: (own) => base.logReward(own),
    ...(isMultiObjective(base) ? { objectives: base } : {}),
  };
}
