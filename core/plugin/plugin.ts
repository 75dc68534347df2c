import type { Subscription } from 'rxjs';
import type { JsonSchema } from '../base/json-schema.js';
import type { Token } from '../base/token.js';
import type { Environment } from '../env/environment.js';
import type { EstimatorFactory } from '../tensor/estimator.js';
import type { Engine } from '../tensor/dense-chain.js';
import type { TensorHost } from '../tensor/backend.js';
import type { GymEnvFactory } from '../gym/gym-env.js';
import type { AnyObjective, ObjectiveTraits } from '../objectives/objective.js';
import type { ActorLink } from '../sampling/actor-link.js';

export type { JsonSchema } from '../base/json-schema.js';

/** Resolves dependencies from the run's container by token (see `TOKENS`). */
export interface Resolver {
  /** The service bound to `token`, typed by the token: `get(TOKENS.EventBus)` is an `EventBus`. */
  get<T>(token: Token<T>): T;
}

/** The options schema of a contribution: the properties of its config section besides `name`. */
export interface OptionsSchema {
  properties: Record<string, JsonSchema>;
  required?: string[];
}

/** A rule on a contribution's options that its schema cannot express (e.g. `k <= n`). */
export interface OptionProblem {
  /** The offending option, relative to the contribution's section (e.g. `k`). */
  field: string;
  /** Its value. */
  value: unknown;
  /** Why it is invalid, e.g. `must be <= n = 5`. */
  reason: string;
}

/**
 * What a contribution holds in memory because of one of its options (e.g. a test set that grows
 * with the square of a sequence length): the preflight checks it against the machine's memory before
 * the contribution is built, so that a size that cannot fit is refused by name rather than
 * exhausting the process.
 */
export interface OptionMemory {
  /** The option that sizes it, relative to the contribution's section (e.g. `ndim`). */
  field: string;
  /** What it holds, e.g. `the test set of 7,200 sequences`. */
  holds: string;
  /** Its size in bytes; a lower bound is enough (the check only refuses what cannot fit). */
  bytes: number;
  /** How to make it fit, e.g. `lower ndim`. */
  remedy: string;
}

/** What a contribution's {@link Contribution.validate} may look at besides its options. */
export interface ValidationContext {
  /**
   * The run's environment, when the preflight built it (`train`, `gfn train`); absent when only the
   * config is checked (`resolveConfig`, e.g. a bench grid): a rule that needs it checks only when
   * it is present.
   */
  environment?: Environment | GymEnvFactory;
}

/**
 * One named thing a plugin adds: an environment, an objective or an estimator kind.
 * `options` is the contribution's config section, validated against `schema` with defaults filled.
 */
export interface Contribution<T, O extends object = object> {
  name: string;
  description: string;
  schema: OptionsSchema;
  /**
   * Cross-field rules, checked after the schema (so `options` has the schema's types and defaults)
   * and before any work; each problem is reported like a schema error, with the section's path
   * and the contribution's plugin. Absent or `[]`: the options are valid.
   */
  validate?(options: O, context: ValidationContext): readonly OptionProblem[];
  /**
   * What it will hold in memory, by the options that size it, checked after `validate` and before
   * `create` ({@link OptionMemory}). Absent: nothing that grows with its options.
   */
  memory?(options: O): readonly OptionMemory[];
  /**
   * Estimators only: true when the networks it builds over a conditioned environment's observations
   * modulate their hidden layers by the condition where the environment asks for it
   * (`ObservationCondition.modulation` = `film`, config `condition.encoding: "film"`). The preflight
   * refuses that encoding with an estimator that does not say so, rather than let it ignore it.
   */
  film?: boolean;
  /**
   * Builds it. An environment is built by the preflight, before the run's container exists: its
   * `resolve` serves nothing (the options are its input); the others resolve the run's parts.
   */
  create(options: O, resolve: Resolver): T;
}

/**
 * An objective: a contribution that also declares what it needs of the rest of the config
 * ({@link ObjectiveTraits}, derived from its options), which the preflight checks before any work.
 */
export interface ObjectiveContribution<T extends AnyObjective = AnyObjective, O extends object = object> extends Contribution<T, O> {
  /** Its traits under `options` (validated, defaults filled); absent = none of them. */
  traits?(options: O): ObjectiveTraits;
}

/** Something that listens to the trainer's streams (logger, evaluator, progress bar, …). */
export interface SubscriberContribution {
  name: string;
  description: string;
  /** Subscribes to the event bus (obtained through `resolve`); returns what to unsubscribe at the end. */
  attach(resolve: Resolver): Subscription | undefined;
}

/** The run a {@link TrajectoryWorkerHost} samples for. */
export interface TrajectoryWorkerRun {
  /** The run's resolved config (plain JSON data): each actor builds the environment and P_F from it. */
  config: Readonly<Record<string, unknown>>;
  /** The tensor backend the run selected (the actors select the same). */
  backend: string;
  /** The seed of each actor's own random stream: one actor per seed. */
  seeds: readonly number[];
  /** The run's plugins (a host that builds its actors in this thread uses them; worker threads load those `config.plugins` lists). */
  registry: PluginRegistry;
}

/**
 * Sampling actors for the learner (`actors` ≥ 1, or `pipeline: true`): the Node plugin's worker
 * threads. There the built-in plugin and those `config.plugins` lists are loaded, and the
 * environment, P_F (with its engine) and a sampler are built from the config.
 */
export interface TrajectoryWorkerHost {
  start(run: TrajectoryWorkerRun): ActorLink;
}

/** A plugin: a named bundle of contributions. */
export interface Plugin {
  name: string;
  envs?: ReadonlyArray<Contribution<Environment>>;
  /**
   * Classic (non-GFlowNet) environments as Gym factories, e.g. CartPole: only objectives that collect
   * their own experience train on them. Selected by `env.name` like {@link envs}, in one namespace.
   */
  classicEnvs?: ReadonlyArray<Contribution<GymEnvFactory>>;
  objectives?: ReadonlyArray<ObjectiveContribution>;
  estimators?: ReadonlyArray<Contribution<EstimatorFactory>>;
  subscribers?: readonly SubscriberContribution[];
  /** Engines of the dense networks' passes (`engine.name`), e.g. the Node plugin's ONNX Runtime. */
  engines?: readonly Engine[];
  /** What TensorFlow.js needs from the host (the Node plugin's gradients and native TensorFlow); one plugin at most. */
  tensorHost?: TensorHost;
  /** Sampling actors in other threads, for `actors` ≥ 1 and `pipeline: true` (the Node plugin's worker threads); one plugin at most. */
  trajectoryWorker?: TrajectoryWorkerHost;
}

/** Declares a plugin; checks that its contribution names are unique within each kind. */
export function definePlugin(plugin: Plugin): Plugin {
  if (!plugin.name) throw new Error('definePlugin: a plugin needs a name');
  const envs = [...(plugin.envs ?? []), ...(plugin.classicEnvs ?? [])];
  for (const [kind, list] of Object.entries({
    envs,
    objectives: plugin.objectives,
    estimators: plugin.estimators,
    subscribers: plugin.subscribers,
    engines: plugin.engines,
  })) {
    const seen = new Set<string>();
    for (const c of list ?? []) {
      if (seen.has(c.name)) throw new Error(`plugin '${plugin.name}': duplicate ${kind} name '${c.name}'`);
      seen.add(c.name);
    }
  }
  return plugin;
}

/** Section kinds of the config that select a contribution by name. */
export const SECTION_KINDS = {
  env: { label: 'environment', key: 'envs' },
  objective: { label: 'objective', key: 'objectives' },
  estimator: { label: 'estimator', key: 'estimators' },
} as const;
export type SectionName = keyof typeof SECTION_KINDS;

/** What the contributions a config section names build. */
export interface SectionServices {
  env: Environment | GymEnvFactory;
  objective: AnyObjective;
  estimator: EstimatorFactory;
}

/** All contributions of the loaded plugins, by kind and name. */
export class PluginRegistry {
  readonly envs = new Map<string, Contribution<Environment>>();
  readonly classicEnvs = new Map<string, Contribution<GymEnvFactory>>();
  readonly objectives = new Map<string, ObjectiveContribution>();
  readonly estimators = new Map<string, Contribution<EstimatorFactory>>();
  readonly subscribers = new Map<string, SubscriberContribution>();
  readonly engines = new Map<string, Engine>();
  /** The tensor host a plugin contributed (empty: tfjs's defaults, as in a browser). */
  tensorHost: TensorHost = {};
  /** The sampling actors a plugin contributed (absent: `actors` ≥ 1 and `pipeline: true` are refused). */
  trajectoryWorker?: TrajectoryWorkerHost;
  private readonly owner = new Map<string, string>();

  constructor(plugins: readonly Plugin[] = []) {
    for (const p of plugins) this.add(p);
  }

  /** Adds a plugin; a name already taken by another plugin is an error naming both. */
  add(plugin: Plugin): void {
    const put = <T extends { name: string }>(kind: string, map: Map<string, T>, items: readonly T[] | undefined): void => {
      for (const c of items ?? []) {
        const key = `${kind}:${c.name}`;
        const prev = this.owner.get(key);
        if (prev) throw new Error(`plugin '${plugin.name}': ${kind} '${c.name}' is already registered by plugin '${prev}'`);
        this.owner.set(key, plugin.name);
        map.set(c.name, c);
      }
    };
    put('environment', this.envs, plugin.envs);
    put('environment', this.classicEnvs, plugin.classicEnvs);
    put('objective', this.objectives, plugin.objectives);
    put('estimator', this.estimators, plugin.estimators);
    put('subscriber', this.subscribers, plugin.subscribers);
    put('engine', this.engines, plugin.engines);
    // contributions a run has one of: a second one is an error naming both plugins
    const claim = (key: string, label: string): void => {
      const prev = this.owner.get(key);
      if (prev) throw new Error(`plugin '${plugin.name}': ${label} is already contributed by plugin '${prev}'`);
      this.owner.set(key, plugin.name);
    };
    if (plugin.tensorHost) {
      claim('tensorHost', 'a tensor host');
      this.tensorHost = plugin.tensorHost;
    }
    if (plugin.trajectoryWorker) {
      claim('trajectoryWorker', 'a trajectory worker');
      this.trajectoryWorker = plugin.trajectoryWorker;
    }
  }

  /** Name of the plugin that registered `name` under `kind` (`environment`, `objective`, …). */
  ownerOf(kind: string, name: string): string | undefined {
    return this.owner.get(`${kind}:${name}`);
  }

  /** How messages name a contribution: `<kind> '<name>' of plugin '<plugin>'`. */
  origin(kind: string, name: string): string {
    return `${kind} '${name}' of plugin '${this.ownerOf(kind, name) ?? 'unknown'}'`;
  }

  /** The contributions that a config section can name. */
  section<S extends SectionName>(name: S): Map<string, Contribution<SectionServices[S]>> {
    type Section = Map<string, Contribution<SectionServices[S]>>;
    // `env.name` selects among GFlowNet and classic environments alike
    if (name === 'env') return new Map<string, Contribution<SectionServices['env']>>([...this.envs, ...this.classicEnvs]) as Section;
    return this[SECTION_KINDS[name].key] as Section;
  }
}
