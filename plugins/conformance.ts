import { preflight } from '../core/config/preflight.js';
import { checkObjectiveUpdates } from '../core/conformance/objective.js';
import type { ConformanceReport } from '../core/conformance/report.js';
import { createRunContainer } from '../core/run/container.js';
import { TOKENS } from '../core/di/tokens.js';
import { type Plugin, PluginRegistry } from '../core/plugin/plugin.js';
import { explorationAt } from '../core/sampling/exploration.js';
import { selectBackend } from '../core/tensor/backend.js';
import { withTeardown } from '../core/run/teardown.js';
import { builtinPlugin } from './builtin/index.js';

/** What {@link checkObjective} trains. */
export interface ObjectiveCheckOptions {
  /** Plugins to register besides the built-in one (the one contributing the objective, usually). */
  plugins?: readonly Plugin[];
  /**
   * A run config as in a config file (`env`, `objective`, optionally `estimator`, `batchSize`,
   * `seed`, `sampler`, …), validated like one; `plugins` entries are not loaded here — pass the
   * plugin objects in {@link plugins}.
   */
  config: Record<string, unknown>;
  /** Updates to run (default 3; at least 2). */
  updates?: number;
}

/**
 * Builds the objective a config names, exactly as `gfn train` would (same container, same
 * sampler, same backend selection), runs a few updates on sampled batches and reports the
 * objective's conformance checks by name (see {@link checkObjectiveUpdates}). A bad config throws
 * the same `ConfigError` as `gfn train`.
 */
export async function checkObjective(options: ObjectiveCheckOptions): Promise<ConformanceReport> {
  const registry = new PluginRegistry([builtinPlugin, ...(options.plugins ?? [])]);
  const { config, environment } = preflight({ name: 'conformance', ...options.config, plugins: [] }, registry);
  const backend = await selectBackend(config.backend, registry.tensorHost);
  const container = createRunContainer(config, registry, backend, environment);
  const check = async (): Promise<ConformanceReport> => {
    const forward = container.get(TOKENS.ForwardEstimator);
    const objective = container.get(TOKENS.Objective);
    const sampler = container.isBound(TOKENS.Sampler) ? container.get(TOKENS.Sampler) : undefined;
    return checkObjectiveUpdates({
      objective,
      forward,
      updates: options.updates ?? 3,
      ...(sampler ? { batch: (iteration: number) => sampler.sampleForward(config.batchSize, explorationAt(config.sampler, iteration)) } : {}),
    });
  };
  return withTeardown(check, () => container.dispose());
}
