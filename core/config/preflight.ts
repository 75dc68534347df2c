import { ConfigError } from '../base/errors.js';
import type { Environment } from '../env/environment.js';
import { checkedEnvironment } from '../env/checked-environment.js';
import { type GymEnvFactory, isGymEnvFactory } from '../gym/gym-env.js';
import type { PluginRegistry, Resolver } from '../plugin/plugin.js';
import type { ResolvedConfig, Section } from './schema.js';
import { checkConfig } from './validate.js';

/** A config that passed every check, and the environment those checks built for it. */
export interface Preflight {
  config: ResolvedConfig;
  /** The run's environment: a GFlowNet one, or a classic (Gym) one. Built once, handed to the run. */
  environment: Environment | GymEnvFactory;
}

/**
 * Every rule about a config, in one place and before any tensor work: the schema and the
 * contributions' schemas, their `validate`, the rules across fields (the objective's declared
 * traits against the sampler, replay and local search; reward noise and objectives on classic
 * environments; the engine, known and able to run here), and the rules that need the environment
 * (`evaluation.mode: "exact"` against its size, a contribution's `validate` that looks at it, e.g.
 * `rl` with `backward: "guided"` needs a guide). The environment is built here from its validated
 * options — environments are built from host arrays, without tensors, and cheaply (large tables
 * load on first use) — unless `environment` hands over the one an earlier preflight of the same
 * config built. Throws one {@link ConfigError} listing every problem, each naming the field, the
 * value, the reason and the valid choices. `train` calls it before it selects the tensor backend.
 */
export function preflight(raw: unknown, registry: PluginRegistry, environment?: Environment | GymEnvFactory): Preflight {
  const checked = checkConfig(raw, registry, environment ? () => environment : (section) => buildEnvironment(section, registry));
  if (checked.problems.length > 0) throw new ConfigError(checked.problems);
  return { config: checked.config, environment: checked.environment! };
}

/**
 * The environment `section` names, built from its options alone: this runs before the run's
 * container exists, so its `resolve` serves nothing.
 */
function buildEnvironment(section: Section, registry: PluginRegistry): Environment | GymEnvFactory {
  const refuse: Resolver = {
    get: (token: symbol) => {
      throw new Error(
        `environment '${section.name}' asked for ${String(token)}; an environment is built by the preflight, before the run's container exists, from its options alone`,
      );
    },
  };
  const created = registry.section('env').get(section.name)!.create(section, refuse);
  // the sizes it declares are checked now, as a problem of the config; its outputs as the run uses them
  return isGymEnvFactory(created) ? created : checkedEnvironment(created, registry.origin('environment', section.name));
}
