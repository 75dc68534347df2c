import { describe, expect, it } from 'vitest';
import { recordRun, smallConfig } from './run-helpers.js';

describe('convergence on Bayesian-network structure learning (seeded, small)', () => {
  it('TB-U on d = 3 (25 DAGs, BGe posterior) reaches exact TV < 0.05 and matches the edge marginals', async () => {
    // ε = 0.1 exploration: on-policy TB settles on the complete DAGs and stops visiting the 2-edge
    // graphs that hold the rest of the posterior mass (see configs/quick/dag3-tb-u.json)
    const config = smallConfig({
      iterations: 2000,
      env: { name: 'dag', d: 3, seed: 0 },
      objective: { name: 'tb', backward: 'uniform', lrZ: 1 },
      sampler: { epsilon: 0.1 },
      evaluation: { every: 20 },
    });
    const run = await recordRun(config, { stopBelowTv: 0.05 });
    const last = run.evaluations.at(-1)!;
    console.log(
      `TB-U on DAG d=3: TV ${last.metrics.tv!.toFixed(4)} at iteration ${last.iteration + 1}, edge-marginal error ${last.metrics.edgeMarginalError!.toFixed(4)}`,
    );
    expect(last.metrics.tv).toBeLessThan(0.05);
    expect(last.metrics.edgeMarginalError).toBeLessThan(0.05);
  });
});
