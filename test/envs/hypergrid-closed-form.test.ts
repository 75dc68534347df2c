import { describe, expect, it } from 'vitest';
import { hasKnownLogPartition, hasModeThreshold, hasTestSet } from '../../core/env/capabilities.js';
import { HyperGrid } from '../../envs/hypergrid.js';

const grid = (ndim: number, height: number, R0 = 0.01, rewardCos = false): HyperGrid => new HyperGrid({ ndim, height, R0, R1: 0.5, R2: 2, rewardCos });

describe('HyperGrid closed-form log Z', () => {
  it.each([
    [2, 8, 0.01, false],
    [3, 5, 0.1, false],
    [4, 6, 0.001, false],
    [2, 3, 0.01, false], // no ring cells: the R2 term vanishes
    [1, 9, 0.01, false],
    [2, 16, 0.01, true],
    [3, 7, 0.1, true],
  ])('equals enumeration (ndim %i, height %i, R0 %f, cosine %s)', (ndim, height, R0, cos) => {
    const env = grid(ndim, height, R0, cos);
    expect(env.knownLogPartition()).toBeCloseTo(env.logPartition(), 10);
  });

  it('matches the reference values at sizes beyond a quick enumeration, and stays finite far beyond', () => {
    expect(grid(2, 256).knownLogPartition()).toBeCloseTo(9.5503, 4);
    expect(grid(2, 128).knownLogPartition()).toBeCloseTo(8.1786, 4);
    expect(grid(3, 64).knownLogPartition()).toBeCloseTo(10.0196, 4);
    const huge = grid(20, 8).knownLogPartition();
    expect(Number.isFinite(huge)).toBe(true);
    // R0·H^D dominates at D = 20, H = 8: log Z ≈ log 0.01 + 20 log 8 plus the other terms
    expect(huge).toBeGreaterThan(Math.log(0.01) + 20 * Math.log(8));
  });

  it('counts the maximal-reward cells (the modes) as enumeration does, with a threshold that separates them', () => {
    for (const env of [grid(2, 8), grid(3, 16), grid(2, 3), grid(2, 10, 0.01, true)]) {
      expect(hasModeThreshold(env) && hasKnownLogPartition(env) && hasTestSet(env)).toBe(true);
      const lr = env.logReward(env.allStates());
      const max = Math.max(...lr);
      const count = lr.filter((v) => v === max).length;
      expect(env.modeCount()).toBe(count);
      expect(lr.filter((v) => v >= env.modeLogRewardThreshold()).length).toBe(count);
    }
  });

  it('test set: seeded, on the grid, spanning every reward level', () => {
    const env = grid(6, 8);
    const t = env.testSet();
    expect(t).toEqual(env.testSet());
    expect(t.length).toBe(999 * 6);
    expect(t.every((v) => v >= 0 && v < 8)).toBe(true);
    const levels = new Set(env.logReward(t));
    expect(levels.size).toBe(3);
  });

  it('L1 distance between cells', () => {
    expect(grid(3, 8).terminalDistance([0, 2, 5], [1, 0, 5])).toBe(3);
  });
});
