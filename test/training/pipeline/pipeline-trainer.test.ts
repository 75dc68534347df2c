import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import { TOKENS } from '../../../core/di/tokens.js';
import { createRunContainer, PIPELINE_STREAM } from '../../../core/run/container.js';
import { explorationAt } from '../../../core/sampling/exploration.js';
import type { Trajectories } from '../../../core/sampling/trajectories.js';
import { InThreadTrajectorySource } from '../../../core/sampling/trajectory-source.js';
import { type RecordedRun, recordDraws, recordRun, registry, smallConfig } from '../run-helpers.js';

/** The numbers of a run without its timings. */
const numbers = (run: RecordedRun) => ({
  iterations: run.iterations.map((e) => e.metrics),
  evaluations: run.evaluations.map((e) => e.metrics),
});

describe('the pipelined trainer (pipeline: true)', () => {
  it.each([
    ['TB-U', { name: 'tb', backward: 'uniform' }],
    ['RL-U', { name: 'rl', backward: 'uniform', value: { hidden: [32] } }],
  ])('%s: same config and seed give identical metrics, which differ from the sequential run', async (_label, objective) => {
    const config = smallConfig({ iterations: 30, objective, pipeline: true });
    const a = numbers(await recordRun(config));
    const b = numbers(await recordRun(config));
    const sequential = numbers(await recordRun({ ...config, pipeline: false }));
    expect(a.iterations).toHaveLength(30);
    expect(b).toEqual(a);
    expect(sequential.iterations).toHaveLength(30);
    expect(sequential.iterations).not.toEqual(a.iterations);
  });

  it('batch k + 1 is what a trajectory source draws with the parameters from before update k (the first with the initial ones)', async () => {
    const config = smallConfig({ iterations: 12, pipeline: true, sampler: { epsilon: 0.1 } });
    const { snapshots, fresh } = await recordDraws(config);
    expect(fresh).toHaveLength(12);
    // the same draws in this thread, from the sampling thread's stream, on a network of its own
    const replay = async (versionOf: (k: number) => number): Promise<Trajectories[]> => {
      const container = createRunContainer({ ...config, pipeline: false }, registry, 'wasm');
      const source = new InThreadTrajectorySource(
        container.get(TOKENS.Environment),
        container.get(TOKENS.ForwardEstimator),
        new Rng(config.seed + PIPELINE_STREAM),
      );
      const out: Trajectories[] = [];
      for (let k = 1; k <= 12; k++) {
        const version = versionOf(k);
        source.request({ n: config.batchSize, exploration: explorationAt(config.sampler, k - 1) }, { version, values: snapshots[version]! });
        const batch = await source.next();
        expect(batch.parameterVersion).toBe(version);
        out.push(batch.trajectories);
      }
      expect(container.dispose()).toEqual([]);
      return out;
    };
    const stale = await replay((k) => Math.max(0, k - 2));
    stale.forEach((t, i) => {
      expect(t.actions, `batch ${i + 1}`).toEqual(fresh[i]!.actions);
      expect(t.states).toEqual(fresh[i]!.states);
      expect(t.logRewards).toEqual(fresh[i]!.logRewards);
    });
    // sampled on-policy instead, the batches differ: the staleness is real
    const onPolicy = await replay((k) => k - 1);
    expect(onPolicy.some((t, i) => !t.actions.every((a, j) => a === fresh[i]!.actions[j]))).toBe(true);
  });
});
