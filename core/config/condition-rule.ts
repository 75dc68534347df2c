import { conditionProblems } from '../env/condition/condition-problems.js';
import { withConditions } from '../env/condition/conditional-environment.js';
import type { Environment } from '../env/environment.js';
import { type GymEnvFactory, isGymEnvFactory } from '../gym/gym-env.js';
import type { ObjectiveTraits } from '../objectives/objective.js';
import type { PluginRegistry } from '../plugin/plugin.js';
import type { ResolvedConfig } from './schema.js';

/**
 * What is wrong with a `condition` section: its own fields (`conditionProblems`), and a run that
 * cannot be conditioned — a classic environment, a reward service (not yet), or an objective that
 * collects its own experience through the Gym interface, whose episodes start at s0 with no
 * condition drawn.
 */
export function conditionRuleProblems(
  config: ResolvedConfig,
  registry: PluginRegistry,
  traits: ObjectiveTraits,
  environment?: Environment | GymEnvFactory,
): string[] {
  const { condition } = config;
  if (!condition) return [];
  const problems = conditionProblems(condition, environment);
  if (condition.encoding === 'film' && !registry.section('estimator').get(config.estimator.name)?.film) {
    const modulating = [...registry.section('estimator').values()].filter((c) => c.film).map((c) => JSON.stringify(c.name));
    problems.push(
      `field "condition.encoding" = "film": modulates the hidden layers of the networks, and estimator '${config.estimator.name}' has none it modulates; valid choices: "product", "concat"${modulating.length > 0 ? `, or "film" with estimator ${modulating.join(', ')}` : ''}`,
    );
  }
  const shown = `field "condition" = ${JSON.stringify(condition)}`;
  if (registry.classicEnvs.has(config.env.name)) {
    problems.push(`${shown}: environment '${config.env.name}' is a classic (Gym) one; conditions apply to GFlowNet environments only (remove the field)`);
  } else if (config.reward) {
    // the service would be asked about conditioned states (the condition's columns appended)
    problems.push(
      `${shown}: the reward service of field "reward" scores the environment's own states, and a conditional run's states carry their condition; conditions with a reward service are not supported yet (remove one of the two fields)`,
    );
  } else if (traits.collectsOwnExperience) {
    const name = config.objective.name;
    problems.push(
      `${shown}: objective '${name}' collects its own experience through the Gym interface, which draws no condition; a conditional run needs an objective trained on sampled batches (tb, db, subtb, fm, rl), or remove the field`,
    );
  }
  return problems;
}

/**
 * The environment the checks after the `env` section see (a contribution's `validate`, the
 * evaluation rules) and the run gets: conditioned when the config has a `condition` section that
 * passed its checks, so that, e.g., an estimator that needs the environment's token layout is
 * refused by its own rule instead of failing in the run.
 */
export function conditionedForChecks(built: Environment | GymEnvFactory, config: ResolvedConfig, conditionTyped: boolean): Environment | GymEnvFactory {
  const { condition } = config;
  if (isGymEnvFactory(built) || !condition || !conditionTyped || conditionProblems(condition, built).length > 0) return built;
  return withConditions(built, condition);
}
