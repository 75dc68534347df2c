import type { Environment } from '../environment.js';
import { isMultiObjective } from '../multi-objective.js';
import { type ConditionConfig, conditionFieldProblems } from './condition-config.js';
import { isConditional } from './conditional-environment.js';
import { preferenceProblems } from './preference-config.js';

/**
 * What is wrong with a `condition` section: its own fields (`conditionFieldProblems`), and, where
 * the environment is known (`environment`, possibly conditioned already), a preference against the
 * environment's objectives — an environment with one reward has none to weigh.
 */
export function conditionProblems(condition: ConditionConfig, environment?: Environment | object): string[] {
  const problems = conditionFieldProblems(condition);
  const { preference } = condition;
  if (!preference || environment === undefined || !isEnvironment(environment)) return problems;
  const env = isConditional(environment) ? environment.base : environment;
  if (!isMultiObjective(env)) {
    problems.push(
      `field "condition.preference" = ${JSON.stringify(preference)}: environment '${env.name}' has one reward; a preference needs a multi-objective environment (e.g. hypergrid with objectives: ["branin", "currin"], or tfbind8 with objectives: ["binding", "ngram:GC"]), or remove the field`,
    );
    return problems;
  }
  return [...problems, ...preferenceProblems(preference, env.objectiveNames)];
}

function isEnvironment(value: object): value is Environment {
  return typeof (value as Partial<Environment>).logReward === 'function';
}
