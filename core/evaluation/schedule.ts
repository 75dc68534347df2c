import type { EvaluationConfig } from './config.js';
import { ConfigError } from '../base/errors.js';
import { type Environment, isEnumerable } from '../env/environment.js';

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
 * Resolves `evaluation.mode` for an environment from its size alone (nothing is enumerated):
 * `auto` is exact for an enumerable environment with at most `exactMaxStates` states and sampled
 * otherwise; `exact` on a non-enumerable or too large environment is a {@link ConfigError}
 * naming the state count and the limit.
 */
export function chooseEvaluationMethod(env: Environment, config: Pick<EvaluationConfig, 'mode' | 'exactMaxStates'>): EvaluationMethod {
  const { mode, exactMaxStates } = config;
  if (mode === 'none' || mode === 'sampled') return mode;
  const count = isEnumerable(env) ? env.nStates : undefined;
  const fits = count !== undefined && count <= exactMaxStates;
  if (mode === 'auto') return fits ? 'exact' : 'sampled';
  if (count === undefined) {
    throw new ConfigError([`field "evaluation.mode" = "exact": environment '${env.name}' cannot be enumerated; valid choices: "auto", "sampled", "none"`]);
  }
  if (!fits) {
    throw new ConfigError([
      `field "evaluation.mode" = "exact": environment '${env.name}' has ${count.toLocaleString('en-US')} states, above evaluation.exactMaxStates = ${exactMaxStates.toLocaleString('en-US')}; use "sampled" (or "auto"), or raise evaluation.exactMaxStates`,
    ]);
  }
  return 'exact';
}
