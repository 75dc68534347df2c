import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBenchConfig } from '../../harness/config.js';
import { expandGrid, loadBase, validateGrid } from '../../harness/grid.js';
import { registry } from '../training/run-helpers.js';

const benchDir = fileURLToPath(new URL('../../bench/', import.meta.url));

describe('the noisy-reward benches', () => {
  it.each([
    ['literature-noise.json', 'dag', 1.0],
    ['literature-noise-hypergrid.json', 'hypergrid', 0.1],
  ])('%s: TB-U, SubTB-U, RL-U, RL-B x σ = 0, 0.5, 1 x 2 seeds, each run noisy as its label says', (file, env, lrZ) => {
    const out = mkdtempSync(join(tmpdir(), 'gfn-noise-bench-'));
    const config = readBenchConfig(join(benchDir, file));
    const { runs, problems } = expandGrid(config, loadBase(config, benchDir).config, out);
    const specs = validateGrid(config, runs, registry, out, problems);
    expect(specs).toHaveLength(3 * 4 * 2);
    expect(new Set(specs.map((s) => s.objective))).toEqual(new Set(['tb-u', 'subtb-u', 'rl-u', 'rl-b']));
    for (const s of specs) {
      expect(s.config.env.name).toBe(env);
      // the label's σ is the run's noise scale
      expect(s.config.rewardNoise).toEqual({ scale: Number(/sigma([0-9.]+)$/.exec(s.env)![1]), center: 'log' });
      if ('lrZ' in s.config.objective) expect(s.config.objective.lrZ).toBe(lrZ);
    }
    expect(new Set(specs.map((s) => s.config.rewardNoise!.scale))).toEqual(new Set([0, 0.5, 1]));
  });
});
