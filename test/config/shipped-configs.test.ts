import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRawConfig } from '../../core/config/load.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const files = ['configs', 'configs/paper', 'configs/quick'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f)),
);

describe('shipped configs', () => {
  it('there are paper and quick configs for every HyperGrid variant', () => {
    for (const v of ['tb-u', 'tb-b', 'db-u', 'db-b', 'subtb-u', 'rl-u', 'rl-b', 'rl-g', 'rl-t']) {
      expect(files).toContain(join('configs/paper', `hypergrid-${v}.json`));
      expect(files).toContain(join('configs/quick', `hypergrid-${v}.json`));
    }
  });

  it.each(files)('%s validates', (file) => {
    const config = resolveConfig(readRawConfig(file), new PluginRegistry([builtinPlugin]));
    expect(config.env.name).toBe('hypergrid');
  });

  it('the paper configs use the paper settings', () => {
    for (const f of files.filter((x) => x.includes('paper'))) {
      const c = resolveConfig(readRawConfig(f), new PluginRegistry([builtinPlugin]));
      expect(c.env).toMatchObject({ ndim: 2, height: 256, R0: 0.01 });
      expect(c.estimator.hidden).toEqual([256, 256, 256, 256]);
      expect(c.batchSize).toBe(128);
      expect(c.objective).toMatchObject({ lr: 1e-3 });
      if (c.objective.name === 'tb' || c.objective.name === 'rl') expect(c.objective).toMatchObject({ lrZ: 0.1 });
      if (c.objective.name === 'rl') expect(c.objective).toMatchObject({ lrV: 5e-3, lambda: 0.99 });
    }
  });

  it('the default config is a quick RL-B run', () => {
    const c = resolveConfig(readRawConfig('configs/default.json'), new PluginRegistry([builtinPlugin]));
    expect(c.objective).toMatchObject({ name: 'rl', backward: 'coupled', optimizer: 'adam' });
  });
});
