import { Rng } from '../../../core/base/rng.js';
import type { ResolvedConfig } from '../../../core/config/schema.js';
import { TOKENS } from '../../../core/di/tokens.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { createRunContainer } from '../../../core/run/container.js';
import type { RunContainer } from '../../../core/run/run-container.js';
import { InThreadTrajectorySource } from '../../../core/sampling/trajectory-source.js';
import { type BackendChoice, selectBackend } from '../../../core/tensor/backend.js';
import { builtinPlugin } from '../../builtin/index.js';
import { loadPlugins } from '../../loader.js';

/** What an actor samples from, and the container that holds it (dispose it when done). */
export interface BuiltActorSource {
  source: InThreadTrajectorySource;
  container: RunContainer;
}

/**
 * Builds from a run's resolved config only what an actor needs — the environment and P_F with its
 * engine, on the run's backend — after loading the built-in plugin and those `config.plugins`
 * lists (relative paths from `baseDir`); the source samples from the random stream seeded `seed`.
 * A sampling thread and a `gfn actor` process both start this way.
 */
export async function buildActorSource(config: ResolvedConfig, backend: string, seed: number, baseDir: string): Promise<BuiltActorSource> {
  const registry = new PluginRegistry([builtinPlugin, ...(await loadPlugins(config.plugins, baseDir))]);
  for (const [section, kind] of [
    ['env', 'environment'],
    ['estimator', 'estimator'],
  ] as const) {
    const name = config[section].name;
    if (!registry.section(section).has(name)) {
      throw new Error(
        `${kind} '${name}' is not registered here: a sampling thread loads the built-in plugin and those config.plugins lists, not plugins defined in the program (list its module in "plugins", or sample in the learner's thread: pipeline false, actors 0)`,
      );
    }
  }
  const selected = await selectBackend(backend as BackendChoice, registry.tensorHost);
  const container = createRunContainer(config, registry, selected);
  const source = new InThreadTrajectorySource(container.get(TOKENS.Environment), container.get(TOKENS.ForwardEstimator), new Rng(seed));
  return { source, container };
}
