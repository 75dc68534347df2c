import { Type } from 'typebox';
import { ConfigError } from '../base/errors.js';
import { didYouMean } from '../base/suggest.js';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import type { DenseChainKernels, Engine, KernelsChoice } from './dense-chain.js';

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
            'where the MLPs\' passes run, in training and exact evaluation — "backend" (the tensor backend), an engine a plugin contributes ("onnxruntime": native, needs the optional onnxruntime-node), "auto" = the first that can run here',
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

/**
 * What is wrong with `engine.name` among the contributed `engines`: nothing for `auto` and
 * `backend`; a name no plugin contributes, or an engine that cannot run here (its reason), as one
 * problem naming the field, the value and the valid choices.
 */
export function engineProblems(config: EngineConfig, engines: readonly Engine[]): string[] {
  const { name } = config;
  if ((ENGINE_KEYWORDS as readonly string[]).includes(name)) return [];
  const names = [...ENGINE_KEYWORDS, ...engines.map((e) => e.name)];
  const valid = names.map((v) => JSON.stringify(v)).join(', ');
  const engine = engines.find((e) => e.name === name);
  if (!engine) return [`field "engine.name" = ${JSON.stringify(name)}: no plugin contributes this engine; valid choices: ${valid}${didYouMean(name, names)}`];
  const why = engine.unavailable();
  return why === undefined ? [] : [`field "engine.name" = ${JSON.stringify(name)}: ${why}; valid choices: ${valid}`];
}

/**
 * The engine of `use` under `config`, or undefined for the tensor backend: `auto` takes the first
 * engine that has the passes of `use` and can run here. A name {@link engineProblems} refuses is a
 * {@link ConfigError} (the preflight reports it before any work; this guards other callers).
 */
export function chooseEngine(config: EngineConfig, engines: readonly Engine[], use: EngineUse): Engine | undefined {
  const fits = (e: Engine): boolean => use === 'evaluation' || e.kernels !== undefined;
  if (config.name === 'backend') return undefined;
  if (config.name === 'auto') return engines.find((e) => fits(e) && e.unavailable() === undefined);
  const problems = engineProblems(config, engines);
  if (problems.length > 0) throw new ConfigError(problems);
  const engine = engines.find((e) => e.name === config.name)!;
  return fits(engine) ? engine : undefined;
}

/**
 * Starts what `config` chose among `engines`: the training kernels (an engine that is installed
 * but cannot start, e.g. its native library does not load here, is a {@link ConfigError} under
 * `auto` as well: a run never changes engine behind the user's back) and the engine of exact
 * evaluation. The caller owns the kernels (`dispose`).
 */
export function startEngines(config: EngineConfig, engines: readonly Engine[]): KernelsChoice {
  const training = chooseEngine(config, engines, 'training');
  const evaluation = chooseEngine(config, engines, 'evaluation');
  let kernels: DenseChainKernels | undefined;
  try {
    kernels = training?.kernels?.({ threads: engineThreads(config, 'training') });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ConfigError([
      `field "engine.name" = ${JSON.stringify(config.name)}: ${training!.name} could not start (${why}); "backend" runs every pass on the tensor backend`,
    ]);
  }
  return {
    kernels,
    ...(evaluation ? { evaluation: { engine: evaluation, options: { threads: engineThreads(config, 'evaluation') }, always: config.name !== 'auto' } } : {}),
  };
}
