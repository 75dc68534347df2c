import type { EvaluationConfig } from './config.js';
import { ConfigError } from '../base/errors.js';
import { type Environment, isEnumerable } from '../env/environment.js';
import { evaluatedEnvironment } from '../env/condition/conditional-environment.js';

/** How a run is evaluated. */
export type EvaluationMethod = 'exact' | 'sampled' | 'none';

/**
 * True when the evaluation runs at iteration `iteration`, i.e. after that many updates (iterations
 * are counted from 1; iteration 0, before any update, is `evaluation.atStart`'s business): every
 * `every` iterations and at the last one (`every` = 0: only at the last one). The one place that
 * decides when periodic evaluation runs.
 */
export function evaluationDue(iteration: number, every: number, totalIterations: number): boolean {
  return iteration > 0 && ((every > 0 && iteration % every === 0) || iteration === totalIterations);
}

/**
 * What is wrong with `evaluation.mode` for an environment, from its size alone (nothing is
 * enumerated): `exact` on a non-enumerable environment, or on one with more than `exactMaxStates`
 * states, naming the state count and the limit. A conditional environment is judged by its
 * states at one condition (`evaluatedEnvironment`). The preflight reports these before any work.
 */
export function evaluationModeProblems(environment: Environment, config: Pick<EvaluationConfig, 'mode' | 'exactMaxStates'>): string[] {
  const { mode, exactMaxStates } = config;
  if (mode !== 'exact') return [];
  // a conditional run is evaluated at each condition of its grid, on the environment's own states
  const env = evaluatedEnvironment(environment);
  if (!isEnumerable(env))
    return [`field "evaluation.mode" = "exact": environment '${env.name}' cannot be enumerated; valid choices: "auto", "sampled", "none"`];
  if (env.nStates <= exactMaxStates) return [];
  return [
    `field "evaluation.mode" = "exact": environment '${env.name}' has ${env.nStates.toLocaleString('en-US')} states, above evaluation.exactMaxStates = ${exactMaxStates.toLocaleString('en-US')}; use "sampled" (or "auto"), or raise evaluation.exactMaxStates`,
  ];
}

/**
 * Resolves `evaluation.mode` for an environment: `auto` is exact for an enumerable environment
 * with at most `exactMaxStates` states and sampled otherwise; a mode
 * {@link evaluationModeProblems} refuses is a {@link ConfigError}.
 */
export function chooseEvaluationMethod(env: Environment, config: Pick<EvaluationConfig, 'mode' | 'exactMaxStates'>): EvaluationMethod {
  const { mode, exactMaxStates } = config;
  if (mode === 'none' || mode === 'sampled') return mode;
  if (mode === 'auto') {
    const evaluated = evaluatedEnvironment(env);
    return isEnumerable(evaluated) && evaluated.nStates <= exactMaxStates ? 'exact' : 'sampled';
  }
  const problems = evaluationModeProblems(env, config);
  if (problems.length > 0) throw new ConfigError(problems);
  return 'exact';
}
