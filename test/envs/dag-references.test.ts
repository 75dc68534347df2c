import { describe, expect, it } from 'vitest';
import { DagEnv } from '../../envs/dag/dag-env.js';
import { syntheticDagData } from '../../envs/dag/data.js';
import { structuralHammingDistance } from '../../envs/dag/structure-metrics.js';

/** The references the DAG environment reports beside the samples' structure metrics. */
describe('dag sample metrics: references', () => {
  const d = 6;
  const data = syntheticDagData({ d, seed: 2 });
  const env = new DagEnv({ d, data: data.data, nSamples: data.nSamples, trueAdjacency: data.trueAdjacency });

  it("emptyGraphShd is the empty graph's SHD, trueGraphLogReward the true graph's log R", () => {
    const m = env.sampleMetrics(new Int32Array(d * d));
    expect(m.emptyGraphShd).toBe(structuralHammingDistance(new Int32Array(d * d), data.trueAdjacency, d));
    expect(m.emptyGraphShd).toBeGreaterThan(0);
    // a sample of only empty graphs has exactly the reference's SHD
    expect(m.expectedShd).toBe(m.emptyGraphShd);
    expect(m.trueGraphLogReward).toBeCloseTo(env.logReward(data.trueAdjacency)[0]!, 9);
  });

  it('localScoreCalls counts the local scores asked for', () => {
    const before = env.sampleMetrics(new Int32Array(d * d)).localScoreCalls!;
    env.logReward(new Int32Array(d * d));
    const after = env.sampleMetrics(new Int32Array(d * d)).localScoreCalls!;
    // one logReward = d local scores; one sampleMetrics call = d more for the true graph's score
    expect(after - before).toBe(2 * d);
  });

  it('without a known truth only the local-score count is reported', () => {
    const csvLike = new DagEnv({ d, data: data.data, nSamples: data.nSamples });
    expect(Object.keys(csvLike.sampleMetrics(new Int32Array(d * d)))).toEqual(['localScoreCalls']);
  });
});
