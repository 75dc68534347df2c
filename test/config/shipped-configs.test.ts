import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRawConfig } from '../../plugins/node/config-file.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';

const files = ['configs', 'configs/paper', 'configs/quick', 'configs/scale', 'configs/literature', 'configs/multi-objective'].flatMap((dir) =>
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

  /** The environment a config's file name announces (e.g. paper/tfbind8-rl-b.json → tfbind8). */
  const envOfFile = (file: string): string => {
    const base = file.split('/').at(-1)!;
    if (base === 'default.json') return 'hypergrid';
    // a size may follow the name: dag5 → dag, bitseq120 → bitseq
    const prefix = base.split('-')[0]!;
    return ['dag', 'bitseq'].find((name) => prefix.startsWith(name)) ?? prefix;
  };

  it.each(files)('%s validates', (file) => {
    const config = resolveConfig(readRawConfig(file), new PluginRegistry([builtinPlugin]));
    expect(config.env.name).toBe(envOfFile(file));
  });

  it('there are paper configs for every sequence task and objective', () => {
    for (const env of ['tfbind8', 'qm9str']) {
      for (const v of ['tb-u', 'db-u', 'subtb-u', 'rl-u', 'rl-b', 'rl-g', 'rl-t']) expect(files).toContain(join('configs/paper', `${env}-${v}.json`));
    }
  });

  it('the paper configs use the paper settings', () => {
    for (const f of files.filter((x) => x.includes('paper'))) {
      const c = resolveConfig(readRawConfig(f), new PluginRegistry([builtinPlugin]));
      // the Sub-EB paper's HyperGrid is H = 128 (the policy-gradient paper's H = 256)
      const height = c.objective.name === 'rl' && c.objective.evaluator === 'subeb' ? 128 : 256;
      if (c.env.name === 'hypergrid') expect(c.env).toMatchObject({ ndim: 2, height, R0: 0.01 });
      expect(c.estimator.hidden).toEqual([256, 256, 256, 256]);
      expect(c.batchSize).toBe(128);
      expect(c.objective).toMatchObject({ lr: 1e-3 });
      // the Bayesian-network setting learns log Z at 1.0 (the paper's choice); everything else at 0.1
      const lrZ = c.env.name === 'dag' ? 1 : 0.1;
      if (c.objective.name === 'tb' || c.objective.name === 'rl') expect(c.objective).toMatchObject({ lrZ });
      if (c.objective.name === 'rl') expect(c.objective).toMatchObject({ lrV: 5e-3, lambda: 0.99 });
    }
  });

  it('there are Sub-EB paper configs (rl, evaluator subeb, λ 0.9, V 4x256; local search on sequences and DAGs) for every task, uniform and learned P_B', () => {
    for (const env of ['hypergrid', 'tfbind8', 'qm9str', 'dag5']) {
      for (const [suffix, backward] of [
        ['u', 'uniform'],
        ['b', 'coupled'],
      ] as const) {
        const file = join('configs/paper', `${env}-rl-subeb-${suffix}.json`);
        expect(files).toContain(file);
        const c = resolveConfig(readRawConfig(file), new PluginRegistry([builtinPlugin]));
        expect(c.objective).toMatchObject({ name: 'rl', backward, evaluator: 'subeb', subebLambda: 0.9, value: { hidden: [256, 256, 256, 256] } });
        // sequences and DAGs: 16 fresh rollouts + 7 × 16 greedy local-search refinements per batch of 128
        if (env !== 'hypergrid') expect(c.localSearch).toMatchObject({ share: 0.875, backRatio: 0.25, acceptance: 'greedy', into: 'batch' });
      }
    }
  });

  it('the default config is a quick RL-B run', () => {
    const c = resolveConfig(readRawConfig('configs/default.json'), new PluginRegistry([builtinPlugin]));
    expect(c.objective).toMatchObject({ name: 'rl', backward: 'coupled', optimizer: 'adam' });
  });
});
