import { builtinPlugin, checkEnvironment, checkObjective, ConfigError, formatReport, PluginRegistry, resolveConfig } from 'gflownet-ts';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { SubsetsEnv } from '../src/subsets-env.js';

describe('the plugin conforms to the contracts gflownet-ts relies on', () => {
  it('environment: masks and steps are inverse, trajectories end in time, the exact distribution is right', () => {
    for (const options of [
      { n: 6, k: 3 },
      { n: 4, k: 4 },
      { n: 5, k: 1 },
    ]) {
      const report = checkEnvironment(new SubsetsEnv(options));
      expect(report.ok, formatReport(report)).toBe(true);
    }
  });

  it('objective: finite losses and no tensor leak over a few updates', async () => {
    const report = await checkObjective({
      plugins: [plugin],
      config: { env: { name: 'subsets', n: 5, k: 2 }, objective: { name: 'my-tb' }, estimator: { name: 'mlp', hidden: [16] }, batchSize: 8 },
    });
    expect(report.ok, formatReport(report)).toBe(true);
  });

  it('options: k > n is rejected before any work, naming the field and the plugin', () => {
    const registry = new PluginRegistry([builtinPlugin, plugin]);
    const resolve = (): unknown => resolveConfig({ env: { name: 'subsets', n: 3, k: 4 }, objective: { name: 'my-tb' } }, registry);
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(`field "env.k" = 4: must be <= n = 3 (environment 'subsets' of plugin '${plugin.name}')`);
  });
});
