import { describe, expect, it } from 'vitest';
import { auroc, structuralHammingDistance, structureMetrics } from '../../envs/dag/structure-metrics.js';
import { recordRun, smallConfig } from '../training/run-helpers.js';

// 3 nodes, truth 0 → 1 → 2
const truth = Int32Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0]);

describe('DAG structure metrics against the generating graph', () => {
  it('SHD: missing, extra and reversed edges count once per node pair', () => {
    expect(structuralHammingDistance(truth, truth, 3)).toBe(0);
    expect(structuralHammingDistance([0, 0, 0, 0, 0, 1, 0, 0, 0], truth, 3)).toBe(1); // missing 0→1
    expect(structuralHammingDistance([0, 1, 1, 0, 0, 1, 0, 0, 0], truth, 3)).toBe(1); // extra 0→2
    expect(structuralHammingDistance([0, 0, 0, 1, 0, 1, 0, 0, 0], truth, 3)).toBe(1); // reversed 1→0
    expect(structuralHammingDistance(new Int32Array(9), truth, 3)).toBe(2);
  });

  it('AUROC of scores for binary labels, ties at one half', () => {
    expect(auroc([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])).toBe(1);
    expect(auroc([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0])).toBe(0);
    expect(auroc([0.5, 0.5, 0.5], [1, 0, 0])).toBe(0.5);
    // one positive (0.6) below one of the two negatives (0.7), above the other (0.1): 1/2
    expect(auroc([0.6, 0.7, 0.1], [1, 0, 0])).toBe(0.5);
    expect(auroc([0.3, 0.4], [0, 0])).toBeNaN();
  });

  it('expected SHD over samples and edge AUROC from their marginals', () => {
    const samples = Int32Array.from([...truth, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const m = structureMetrics(samples, truth, 3);
    expect(m.expectedShd).toBe(1);
    // marginals: 0→1 and 1→2 at ½ (the true edges), every other pair 0: perfect ranking
    expect(m.edgeAuroc).toBe(1);
  });

  it('d = 10 trains and its sampled evaluation reports expected SHD and edge AUROC', async () => {
    const run = await recordRun(
      smallConfig({
        iterations: 2,
        batchSize: 4,
        env: { name: 'dag', d: 10, seed: 0 },
        estimator: { name: 'mlp', hidden: [16] },
        evaluation: { every: 0, samples: 16, backwardSamples: 2, maxTestStates: 4, topK: 4 },
      }),
    );
    const e = run.evaluations[0]!;
    expect(e.method).toBe('sampled');
    expect(e.metrics.expectedShd).toBeGreaterThanOrEqual(0);
    expect(e.metrics.edgeAuroc).toBeGreaterThanOrEqual(0);
    expect(e.metrics.edgeAuroc).toBeLessThanOrEqual(1);
    expect(Number.isFinite(e.metrics.sampleSpearman)).toBe(true);
  });
});
