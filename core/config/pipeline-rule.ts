import type { ObjectiveTraits } from '../objectives/objective.js';
import type { PluginRegistry } from '../plugin/plugin.js';
import type { ResolvedConfig } from './schema.js';

/**
 * What sampling apart from the learner — `pipeline: true` (one worker thread, one update stale)
 * or `actors` ≥ 1 (worker threads, up to `maxLag` updates stale) — cannot run with, each naming the
 * field, its value and what would work. Refused rather than run sequentially: a config says what it
 * gets. Both together are refused too: `pipeline: true` is itself one actor in lockstep with
 * `maxLag` 1, and a config says its actors once.
 */
export function pipelineProblems(config: ResolvedConfig, registry: PluginRegistry, traits: ObjectiveTraits): string[] {
  const actors = config.actors ?? 0;
  if (config.pipeline && actors > 0) {
    return [
      `field "actors" = ${actors}: "pipeline": true is one actor already (the same as actors 1, actorSchedule "lockstep", maxLag 1); valid choices: actors 0 with pipeline true, or pipeline false with actors ${actors}`,
    ];
  }
  // the switch that asked for it, and the value that turns it off
  const on = config.pipeline
    ? { field: 'pipeline', value: 'true', off: 'false' }
    : actors > 0
      ? { field: 'actors', value: String(actors), off: '0' }
      : undefined;
  if (!on) return [];
  const name = config.objective.name;
  const refuse = (field: string, value: unknown, reason: string): string =>
    `field "${field}" = ${JSON.stringify(value)}: ${reason} (field "${on.field}" = ${on.value}; valid choice there: ${on.off})`;
  const problems: string[] = [];
  if (!registry.trajectoryWorker) {
    problems.push(
      refuse(on.field, config[on.field as 'pipeline' | 'actors'], 'no loaded plugin samples in another thread here (the Node plugin does; browsers have none)'),
    );
  }
  if (registry.classicEnvs.has(config.env.name) || traits.collectsOwnExperience) {
    problems.push(
      refuse(
        'objective.name',
        name,
        `objective '${name}' collects its own experience (or '${config.env.name}' is a classic environment): sampling threads draw GFlowNet batches for batch objectives (tb, db, subtb, fm, mdb, rl)`,
      ),
    );
  } else if (traits.onPolicy && !traits.correctsStaleParameters) {
    problems.push(
      refuse(
        'objective.name',
        name,
        `objective '${name}' is on-policy and has no correction for batches sampled with earlier parameters under these options (rl corrects them with importance weights for evaluator "td"; evaluator "subeb" has none yet)`,
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
        "reward noise is drawn from the run's stream at each query, which the sampling threads do not share; remove the field",
      ),
    );
  }
  return problems;
}
