import { describe, expect, it } from 'vitest';
import { jensenShannon, totalVariation } from '../../core/evaluation/metrics.js';

describe('totalVariation', () => {
  it('is 0 for identical distributions', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    expect(totalVariation(p, p.slice())).toBe(0);
    expect(totalVariation(Float64Array.from(p), Float64Array.from(p))).toBe(0);
  });

  it('is 1 for disjoint supports', () => {
    expect(totalVariation([1, 0], [0, 1])).toBeCloseTo(1, 15);
    expect(totalVariation([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75])).toBeCloseTo(1, 15);
  });

  it('matches a hand-computed example', () => {
    // ½ (|0.5 − 0.9| + |0.5 − 0.1|) = 0.4
    expect(totalVariation([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.4, 15);
    // ½ (0.1 + 0.1 + 0) = 0.1
    expect(totalVariation([0.2, 0.3, 0.5], [0.3, 0.2, 0.5])).toBeCloseTo(0.1, 15);
  });

  it('is symmetric', () => {
    const p = [0.7, 0.2, 0.1];
    const q = [0.1, 0.3, 0.6];
    expect(totalVariation(p, q)).toBeCloseTo(totalVariation(q, p), 15);
    expect(totalVariation(p, q)).toBeCloseTo(0.6, 15);
  });

  it('throws on mismatched lengths', () => {
    expect(() => totalVariation([0.5, 0.5], [1, 0, 0])).toThrow(/length/);
  });
});

describe('jensenShannon', () => {
  it('is 0 for identical distributions', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    expect(Math.abs(jensenShannon(p, p.slice()))).toBeLessThan(1e-15);
    // zeros in both do not produce NaN
    expect(Math.abs(jensenShannon([0.5, 0, 0.5], [0.5, 0, 0.5]))).toBeLessThan(1e-15);
  });

  it('is ln 2 for disjoint supports', () => {
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(Math.LN2, 12);
    expect(jensenShannon([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75])).toBeCloseTo(Math.LN2, 12);
  });

  it('matches a hand-computed example (natural log)', () => {
    // p = (0.5, 0.5), q = (0.9, 0.1), m = (0.7, 0.3)
    // KL(p‖m) = 0.5 ln(5/7) + 0.5 ln(5/3) = 0.5·(−0.3364722366) + 0.5·0.5108256238 = 0.0871766936
    // KL(q‖m) = 0.9 ln(9/7) + 0.1 ln(1/3) = 0.9·0.2513144283 − 0.1·1.0986122887 = 0.1163217566
    // JSD = ½ (0.0871766936 + 0.1163217566) = 0.1017492251
    expect(jensenShannon([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.10174922507919676, 10);
    expect(jensenShannon([0.9, 0.1], [0.5, 0.5])).toBeCloseTo(0.10174922507919676, 10);
  });

  it('lies between 0 and ln 2', () => {
    const p = [0.05, 0.9, 0.05];
    const q = [0.6, 0.1, 0.3];
    const v = jensenShannon(p, q);
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(Math.LN2);
  });

  it('throws on mismatched lengths', () => {
    expect(() => jensenShannon([1], [0.5, 0.5])).toThrow(/length/);
  });
});
