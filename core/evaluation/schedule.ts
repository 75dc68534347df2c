import type { EvaluationConfig } from '../config/schema.js';
import { ConfigError } from '../config/validate.js';
import { type Environment, isEnumerable } from '../env/environment.js';

/** How a run is evaluated. */
export type EvaluationMethod = 'exact' | 'sampled' | 'none';

/**
 * True when iteration `iteration` (0-based) is followed by an evaluation: every `every`
 * iterations and after the last one (`every` = 0: only after the last one). The one place that
 * decides when evaluation runs.
 */
export function evaluationDue(iteration: number, every: number, totalIterations: number): boolean {
  return (every > 0 && (iteration + 1) % every === 0) || iteration + 1 === totalIterations;
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
