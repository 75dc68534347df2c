import type { ObjectiveTraits } from '../objectives/objective.js';
import type { PluginRegistry } from '../plugin/plugin.js';
import type { ResolvedConfig } from './schema.js';

/**
 * What `pipeline: true` (the next batch sampled in a worker thread with the parameters of one update
 * before) cannot run with, each naming the field, its value and what would work. Refused rather
 * than run sequentially: a config says what it gets.
 */
export function pipelineProblems(config: ResolvedConfig, registry: PluginRegistry, traits: ObjectiveTraits): string[] {
  if (!config.pipeline) return [];
  const name = config.objective.name;
  const refuse = (field: string, value: unknown, reason: string): string =>
    `field "${field}" = ${JSON.stringify(value)}: ${reason} (field "pipeline" = true; valid choice there: false)`;
  const problems: string[] = [];
  if (!registry.trajectoryWorker) {
    problems.push(refuse('pipeline', true, 'no loaded plugin samples in another thread here (the Node plugin does; browsers have none)'));
  }
  if (registry.classicEnvs.has(config.env.name) || traits.collectsOwnExperience) {
    problems.push(
      refuse(
        'objective.name',
        name,
        `objective '${name}' collects its own experience (or '${config.env.name}' is a classic environment): the pipelined trainer samples GFlowNet batches for batch objectives (tb, db, subtb, fm, mdb, rl)`,
      ),
    );
  } else if (traits.onPolicy && !traits.correctsStaleParameters) {
    problems.push(
      refuse(
        'objective.name',
        name,
        `objective '${name}' is on-policy and has no correction for batches sampled one update earlier under these options (rl corrects them with importance weights for evaluator "td"; evaluator "subeb" has none yet)`,
      ),
    );
  }
  if (config.localSearch.share > 0) {
    problems.push(
      refuse('localSearch.share', config.localSearch.share, 'local search refines the fresh batch with the current P_B in the learner; valid choice: 0'),
    );
  }
  if (config.rewardNoise) {
    problems.push(
      refuse(
        'rewardNoise',
        config.rewardNoise,
        "reward noise is drawn from the run's stream at each query, which the sampling thread does not share; remove the field",
      ),
    );
  }
  return problems;
}
