import { describe, expect, it } from 'vitest';
import { localSearchPlan, localSearchProblems } from '../../core/sampling/local-search-config.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { recordRun, smallConfig } from './run-helpers.js';

const NO_REPLAY = { kind: 'none' as const, capacity: 10, ratio: 0.5, priorityExponent: 1 };

describe('local search in the trainer', () => {
  it('splits a batch of 128 with share 0.875 into 16 fresh and 7 rounds of 16 refined', () => {
    expect(localSearchPlan({ share: 0.875, acceptance: 'mh', into: 'batch' }, 128, 0)).toEqual({ fresh: 16, refined: 112, rounds: 7 });
    // into the replay: the whole non-replayed batch is fresh; 10 refined need one round of 12
    expect(localSearchPlan({ share: 0.625, acceptance: 'mh', into: 'replay' }, 16, 4)).toEqual({ fresh: 12, refined: 10, rounds: 1 });
  });

  it('names the bad fields', () => {
    expect(localSearchProblems({ share: 0.5, backSteps: 2, backRatio: 0.5, acceptance: 'mh', into: 'batch' }, 16, NO_REPLAY)).toEqual([
      expect.stringMatching(/field "localSearch\.backRatio" = 0\.5: give either/),
    ]);
    expect(localSearchProblems({ share: 0.5, acceptance: 'mh', into: 'replay' }, 16, NO_REPLAY)[0]).toMatch(
      /field "localSearch\.into" = "replay": there is no replay buffer/,
    );
    expect(localSearchProblems({ share: 0.99, acceptance: 'mh', into: 'batch' }, 16, { ...NO_REPLAY, kind: 'uniform', ratio: 0.5 })[0]).toMatch(
      /localSearch\.share" = 0\.99.*no fresh trajectory/,
    );
  });

  it('trains on the fresh trajectories followed by the refined rounds', async () => {
    const batches: Trajectories[] = [];
    const run = await recordRun(smallConfig({ iterations: 2, batchSize: 32, localSearch: { share: 0.75, backSteps: 2 }, evaluation: { every: 0 } }), {
      beforeRun: (_c, bus) => bus.trajectories$.subscribe((e) => batches.push(e.batch)),
    });
    expect(batches.map((b) => b.nTraj)).toEqual([32, 32]);
    // fresh = 32 − 24 = 8, rounds = 3: row 8r + i continues row 8(r − 1) + i; it changes only where
    // a proposal was accepted, so the changed rows are at most the accepted ones
    const key = (b: Trajectories, i: number): string =>
      Array.from({ length: b.lengths[i]! }, (_, t) => `${b.state(t, i).join(',')}:${b.action(t, i)}`).join(' ');
    batches.forEach((b, k) => {
      let changed = 0;
      for (let row = 8; row < 32; row++) if (key(b, row) !== key(b, row - 8)) changed++;
      const accepted = run.iterations[k]!.metrics.localSearchAcceptance! * 24;
      expect(changed).toBeGreaterThan(0);
      expect(changed).toBeLessThanOrEqual(Math.round(accepted));
    });
    expect(run.iterations.map((e) => e.trajectoriesSeen)).toEqual([32, 64]);
  });
});
