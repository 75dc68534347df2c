import { describe, expect, it } from 'vitest';
import { HyperGrid } from '../../envs/hypergrid.js';
import { cornerRegions } from '../../envs/hypergrid-regions.js';

describe('HyperGrid corner regions', () => {
  const env = new HyperGrid({ ndim: 2, height: 9, R0: 0.001, R1: 0.5, R2: 2, rewardCos: false });

  it('assigns the four corners by hand and nothing to the middle', () => {
    // H = 9: s/8 < ¼ for s ≤ 1, > ¾ for s ≥ 7
    const states = Int32Array.from([0, 0, 1, 1, 8, 0, 0, 7, 8, 8, 2, 0, 4, 4, 7, 1]);
    expect(Array.from(cornerRegions(states, 2, 9))).toEqual([0, 0, 1, 2, 3, -1, -1, 1]);
  });

  it('every region state has the outer reward R0 + R1 at least, and no other state does', () => {
    const regions = cornerRegions(env.allStates(), 2, 9);
    const logR = env.logReward(env.allStates());
    regions.forEach((r, k) => expect(logR[k]! >= Math.log(0.501) - 1e-12).toBe(r >= 0));
  });

  it('the target covers every region; a distribution on one corner covers one', () => {
    const target = env.trueDistribution();
    expect(env.exactMetrics(target)).toEqual({ regionsCovered: 4, regionsTotal: 4, regionMassMin: 1 });
    const regions = cornerRegions(env.allStates(), 2, 9);
    const oneCorner = target.map((p, k) => (regions[k] === 0 ? p : 0));
    const z = oneCorner.reduce((a, b) => a + b, 0);
    const m = env.exactMetrics(oneCorner.map((p) => p / z));
    expect(m.regionsCovered).toBe(1);
    expect(m.regionMassMin).toBe(0);
  });
});
