import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

/**
 * Sampled evaluation follows learning: on a small bit-sequence task (16 bits as 4 words of 4 bits,
 * 8 word modes, α = 0.5 per bit), TB-U's log p̂(x) / log R(x) correlation on the test set (each
 * mode with 1…15 bits flipped) rises as it trains, from the untrained policy (iteration 0,
 * evaluation.atStart) to iteration 300. Seeded.
 */
describe('sampled evaluation during training (seeded)', () => {
  it('the test-set Spearman correlation of log p̂ with log R rises on a small bitseq task', async () => {
    const run = await recordRun(
      smallConfig({
        iterations: 300,
        env: { name: 'bitseq', ndim: 16, codebook: 'words', nModes: 8, wordBits: 4, alpha: 0.5 },
        evaluation: { mode: 'sampled', every: 50, samples: 200, backwardSamples: 10, maxTestStates: 120, topK: 20 },
      }),
    );
    const rho = run.evaluations.map((e) => e.metrics.testSpearman!);
    console.log(`bitseq(16, k=4) TB-U test Spearman by evaluation: ${rho.map((r) => r.toFixed(3)).join(' ')}`);
    expect(run.evaluations.every((e) => e.method === 'sampled')).toBe(true);
    expect(run.evaluations.map((e) => e.iteration)).toEqual([0, 50, 100, 150, 200, 250, 300]);
    expect(rho[0]).toBeLessThan(0.4);
    expect(rho.at(-1)).toBeGreaterThan(0.6);
    expect(rho.at(-1)! - rho[0]!).toBeGreaterThan(0.3);
    // the importance-sampled estimates are precise enough for these comparisons
    expect(run.evaluations.at(-1)!.metrics.testLogPStdErr).toBeLessThan(0.1);
  });
});
