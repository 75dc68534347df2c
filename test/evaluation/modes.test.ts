import { describe, expect, it } from 'vitest';
import { ModeDiscovery, rewardRatio, sampleIndices } from '../../core/evaluation/modes.js';
import { Rng } from '../../core/base/rng.js';

describe('evaluation samples and modes', () => {
  it('sampleIndices follows the distribution (seeded frequency check) and never draws zero-mass states', () => {
    const p = [0.5, 0, 0.2, 0.3];
    const draws = sampleIndices(p, 20000, new Rng(1));
    const freq = [0, 0, 0, 0];
    for (const d of draws) freq[d]! += 1;
    expect(freq[1]).toBe(0);
    p.forEach((q, k) => expect(Math.abs(freq[k]! / 20000 - q)).toBeLessThan(0.015));
    expect(() => sampleIndices([0, 0], 3, new Rng(1))).toThrow(/no mass/);
  });

  it('ModeDiscovery counts distinct modes across calls', () => {
    const m = new ModeDiscovery([2, 5, 7], 10);
    expect(m.total).toBe(3);
    expect(m.record([1, 2, 2, 3])).toBe(1);
    expect(m.record([5, 2, 0])).toBe(2);
    expect(m.record([9])).toBe(2);
    expect(m.record([7])).toBe(3);
  });

  it('rewardRatio: 1 at the target, > 1 when mass moves to the highest reward, by hand', () => {
    const target = [0.1, 0.2, 0.7];
    expect(rewardRatio(target, target)).toBeCloseTo(1, 12);
    // all mass on the best state: 0.7 / (0.01 + 0.04 + 0.49)
    expect(rewardRatio([0, 0, 1], target)).toBeCloseTo(0.7 / 0.54, 12);
    expect(rewardRatio([1, 0, 0], target)).toBeCloseTo(0.1 / 0.54, 12);
  });
});
