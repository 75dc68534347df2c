import { describe, expect, it } from 'vitest';
import { klDivergence, totalVariation } from '../../core/evaluation/metrics.js';
import { recordRun, smallConfig } from '../training/run-helpers.js';

describe("klDivergence (the suite's KL(target ‖ P_T))", () => {
  it('matches Σ p·log(p/(q + 1e-9)) term by term, skipping p = 0', () => {
    const p = [0.5, 0.3, 0.2, 0];
    const q = [0.25, 0.25, 0.4, 0.1];
    let expected = 0;
    for (let i = 0; i < 3; i++) expected += p[i]! * Math.log(p[i]! / (q[i]! + 1e-9));
    expect(klDivergence(p, q)).toBeCloseTo(expected, 14);
    // by hand: 0.5 ln 2 + 0.3 ln 1.2 + 0.2 ln 0.5
    expect(klDivergence(p, q)).toBeCloseTo(0.5 * Math.LN2 + 0.3 * Math.log(1.2) + 0.2 * Math.log(0.5), 8);
  });

  it('is ~0 for identical distributions, asymmetric otherwise, finite where q = 0', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    expect(Math.abs(klDivergence(p, p.slice()))).toBeLessThan(1e-8);
    expect(klDivergence([0.9, 0.1], [0.5, 0.5])).not.toBeCloseTo(klDivergence([0.5, 0.5], [0.9, 0.1]), 3);
    // a target state the sampler never reaches: −log(1e-9) per unit of target mass
    expect(klDivergence([1, 0], [0, 1])).toBeCloseTo(-Math.log(1e-9), 8);
    expect(() => klDivergence([1], [0.5, 0.5])).toThrow(/length/);
  });

  it("the exact evaluator reports kl beside tv, within Pinsker's bound KL ≥ 2·TV²", async () => {
    const run = await recordRun(smallConfig({ iterations: 2, evaluation: { every: 1 } }));
    expect(run.evaluations).toHaveLength(3);
    for (const e of run.evaluations) {
      const { kl, tv } = e.metrics;
      expect(kl).toBeGreaterThan(0);
      expect(kl!).toBeGreaterThanOrEqual(2 * tv! * tv! - 1e-9);
    }
    // Pinsker on a hand example too, so that the bound itself is exercised
    const p = [0.7, 0.2, 0.1];
    const q = [0.2, 0.3, 0.5];
    expect(klDivergence(p, q)).toBeGreaterThanOrEqual(2 * totalVariation(p, q) ** 2);
  });
});
