import { Type } from 'typebox';
import { ConfigError } from '../base/errors.js';
import { didYouMean } from '../base/suggest.js';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import { warnOnce } from '../base/warn-once.js';
import type { DenseChainKernels, DenseKernelsOptions, Engine, EngineCheck, KernelsChoice } from './dense-chain.js';
import { selfTestKernels } from './engine-self-test.js';

/** Schema of the config's `engine` section. */
export const ENGINE_SCHEMA = Defaulted(
  Type.Object(
    {
      /**
       * `auto`: the first engine the plugins contribute that can run here, else the tensor backend;
       * `backend`: the tensor backend for every pass; an engine's name: that engine wherever it has
       * the passes (one without training kernels runs exact evaluation only).
       */
      name: Defaulted(
        Type.String({
          minLength: 1,
          description:
            'where the networks\' passes run (MLPs; Transformers in training, sampling and predict), in training and exact evaluation — "backend" (the tensor backend), an engine a plugin contributes ("onnxruntime": native, needs the optional onnxruntime-node), "auto" = the first that can run here',
        }),
        'auto',
      ),
      /**
       * Threads the engine may use: `auto` = one for training's passes (small matrices: one thread is
       * fastest, measured) and every core for exact evaluation's large pass; a number = that many for
       * both, 0 = every core.
       */
      threads: Defaulted(
        Type.Union([Type.Integer({ minimum: 0 }), Type.Enum(['auto'])], {
          description:
            'threads of the engine: "auto" = 1 in training (fastest for its small matrices) and every core in exact evaluation; a number = that many for both, 0 = every core',
        }),
        'auto',
      ),
    },
    { additionalProperties: false },
  ),
  {},
);

/**
 * The config's `engine` section: where the dense networks' passes run, in training (sampling, the
 * loss's forward and backward passes) and in exact evaluation (the pass over every state).
 */
export type EngineConfig = Resolved<typeof ENGINE_SCHEMA>;

/** `engine.name` values that name no engine. */
export const ENGINE_KEYWORDS = ['auto', 'backend'] as const;

/** Under `threads: "auto"`: one thread for training, every core (0) for exact evaluation. */
const AUTO_THREADS = { training: 1, evaluation: 0 } as const;

/** Where a pass runs: training (needs an engine's kernels) or exact evaluation. */
export type EngineUse = keyof typeof AUTO_THREADS;

/** Threads of `use` under `config` (0 = every core). */
export function engineThreads(config: EngineConfig, use: EngineUse): number {
  return config.threads === 'auto' ? AUTO_THREADS[use] : config.threads;
}

/** What `engine` found about itself here: its {@link Engine.check}, or only {@link Engine.unavailable}'s answer. */
export function checkEngine(engine: Engine): EngineCheck {
  if (engine.check) return engine.check();
  const problem = engine.unavailable();
  return problem === undefined ? {} : { problem, notInstalled: true };
}

/** `problem` and its fix, in one clause. */
function explain(check: EngineCheck): string {
  return `${check.problem}${check.fix ? ` (fix: ${check.fix})` : ''}`;
}

/**
 * What is wrong with `engine.name` among the contributed `engines`: nothing for `auto` and
 * `backend`; a name no plugin contributes, or an engine that cannot run here (its reason and its
 * fix, from its thorough check: the preflight reports an engine whose native library does not load
 * with the config's other problems, before any tensor work), as one problem naming the field, the
 * value and the valid choices.
 */
export function engineProblems(config: EngineConfig, engines: readonly Engine[]): string[] {
  const { name } = config;
  if ((ENGINE_KEYWORDS as readonly string[]).includes(name)) return [];
  const names = [...ENGINE_KEYWORDS, ...engines.map((e) => e.name)];
  const valid = names.map((v) => JSON.stringify(v)).join(', ');
  const engine = engines.find((e) => e.name === name);
  if (!engine) return [`field "engine.name" = ${JSON.stringify(name)}: no plugin contributes this engine; valid choices: ${valid}${didYouMean(name, names)}`];
  const check = checkEngine(engine);
  return check.problem === undefined ? [] : [`field "engine.name" = ${JSON.stringify(name)}: ${explain(check)}; valid choices: ${valid}`];
}

/** An engine `auto` did not take although it is installed, and why. */
export interface PassedOver {
  engine: Engine;
  check: EngineCheck;
}

/** Which engine `config` gives the passes of `use`, and the installed engines `auto` passed over on the way. */
export interface EngineDecision {
  /** The engine, or undefined for the tensor backend. */
  engine: Engine | undefined;
  passedOver: PassedOver[];
}

/**
 * The engine of `use` under `config` without a word said (what {@link chooseEngine} decides;
 * `gfn doctor` reports it): `auto` takes the first engine that has the passes of `use` and passes
 * its check. A name {@link engineProblems} refuses is a {@link ConfigError}.
 */
export function decideEngine(config: EngineConfig, engines: readonly Engine[], use: EngineUse): EngineDecision {
  const fits = (e: Engine): boolean => use === 'evaluation' || e.kernels !== undefined;
  if (config.name === 'backend') return { engine: undefined, passedOver: [] };
  if (config.name === 'auto') {
    const passedOver: PassedOver[] = [];
    for (const engine of engines.filter(fits)) {
      const check = checkEngine(engine);
      if (check.problem === undefined) return { engine, passedOver };
      if (!check.notInstalled) passedOver.push({ engine, check });
    }
    return { engine: undefined, passedOver };
  }
  const problems = engineProblems(config, engines);
  if (problems.length > 0) throw new ConfigError(problems);
  const engine = engines.find((e) => e.name === config.name)!;
  return { engine: fits(engine) ? engine : undefined, passedOver: [] };
}

/**
 * The engine of `use` under `config`, or undefined for the tensor backend (see
 * {@link decideEngine}). Said once per process and message: an installed engine `auto` passes over
 * (it is broken, or not what it expects, e.g. a changed native binding; named with its version), and
 * a concern about the engine taken (e.g. an untested version).
 */
export function chooseEngine(config: EngineConfig, engines: readonly Engine[], use: EngineUse): Engine | undefined {
  const { engine, passedOver } = decideEngine(config, engines, use);
  for (const p of passedOver) warnOnce(`engine "auto": ${p.engine.name} cannot run here: ${explain(p.check)}; its passes run on the tensor backend`);
  const taken = engine ? checkEngine(engine) : {};
  if (engine && taken.warning) warnOnce(`engine ${JSON.stringify(engine.name)}: ${taken.warning}${taken.fix ? ` (fix: ${taken.fix})` : ''}`);
  return engine;
}

/**
 * Starts `engine`'s training kernels and checks them against the tensor backend
 * ({@link selfTestKernels}). Returns them, or why they cannot be used as a clause after the engine's
 * name (they are freed then).
 */
export function startKernels(engine: Engine, options: DenseKernelsOptions): { kernels: DenseChainKernels } | { failure: string } {
  let kernels: DenseChainKernels;
  try {
    kernels = engine.kernels!(options);
  } catch (error) {
    return { failure: `could not start (${error instanceof Error ? error.message : String(error)})` };
  }
  const wrong = selfTestKernels(kernels);
  if (wrong === undefined) return { kernels };
  kernels.dispose();
  const found = checkEngine(engine).found;
  return { failure: `failed its self-test against the tensor backend${found ? ` (${found})` : ''}: ${wrong}` };
}

/**
 * Starts what `config` chose among `engines`: the training kernels, checked against the tensor
 * backend first, and the engine of exact evaluation. Kernels that cannot start or fail the
 * self-test are a {@link ConfigError} naming `engine.name` when the config named the engine; under
 * `auto` the passes run on the tensor backend instead (exact evaluation's too: an engine that fails
 * is not trusted with either), said once. The caller owns the kernels (`dispose`).
 */
export function startEngines(config: EngineConfig, engines: readonly Engine[]): KernelsChoice {
  const training = chooseEngine(config, engines, 'training');
  let evaluation = chooseEngine(config, engines, 'evaluation');
  let kernels: DenseChainKernels | undefined;
  if (training) {
    const started = startKernels(training, { threads: engineThreads(config, 'training') });
    if ('kernels' in started) kernels = started.kernels;
    else if (config.name !== 'auto') {
      throw new ConfigError([
        `field "engine.name" = ${JSON.stringify(config.name)}: ${training.name} ${started.failure}; "backend" runs every pass on the tensor backend`,
      ]);
    } else {
      warnOnce(`engine "auto": ${training.name} ${started.failure}; the networks' passes run on the tensor backend`);
      if (evaluation === training) evaluation = undefined;
    }
  }
  return {
    kernels,
    ...(evaluation ? { evaluation: { engine: evaluation, options: { threads: engineThreads(config, 'evaluation') }, always: config.name !== 'auto' } } : {}),
  };
}
