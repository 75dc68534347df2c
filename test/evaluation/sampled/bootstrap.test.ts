import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import { logSumExp } from '../../../core/base/log-sum-exp.js';
import { variance } from '../../../core/evaluation/sampled/correlation.js';
import { logMeansWithErrors } from '../../../core/evaluation/sampled/likelihood.js';

/** The definition: each resample's own logsumexp. */
function reference(logW: Float64Array, K: number, bootstrap: number, rng: Rng): { logP: number[]; standardError: number[] } {
  const logP: number[] = [];
  const standardError: number[] = [];
  for (let i = 0; i < logW.length / K; i++) {
    logP.push(logSumExp(logW, i * K, (i + 1) * K) - Math.log(K));
    const boot = Array.from({ length: bootstrap }, () => logSumExp(Array.from({ length: K }, () => logW[i * K + rng.int(K)]!)) - Math.log(K));
    standardError.push(Math.sqrt(variance(boot)));
  }
  return { logP, standardError };
}

describe('bootstrap standard error of log p̂', () => {
  it('equals the resamples’ own logsumexp, with the same draws, also where weights underflow or are all −∞', () => {
    const K = 6;
    const rows = [
      [-3.2, -1.1, -2.5, -0.4, -7.9, -1.6],
      // 1,000 nats apart: a resample without the largest weights underflows relative to them
      [-1000, -2000, -1000.5, -2000.25, -1999, -1001],
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [5, 5, 5, 5, 5, 5],
    ];
    const logW = Float64Array.from(rows.flat());
    const got = logMeansWithErrors(logW, K, 200, new Rng(3));
    const want = reference(logW, K, 200, new Rng(3));
    for (let i = 0; i < rows.length; i++) {
      expect(got.logP[i]).toBe(want.logP[i]);
      if (Number.isNaN(want.standardError[i]!)) expect(got.standardError[i]).toBeNaN();
      else expect(got.standardError[i]).toBeCloseTo(want.standardError[i]!, 10);
    }
    expect(got.standardError[1]).toBeGreaterThan(0.1);
    expect(got.standardError[3]).toBe(0);
  });
});
