import { describe, expect, it } from 'vitest';
import { modeCriterionOf } from '../../../core/evaluation/mode-criterion.js';
import { ModeTracker } from '../../../core/evaluation/mode-tracker.js';
import { topKMetrics } from '../../../core/evaluation/sampled/top-k.js';
import { HyperGrid } from '../../../envs/hypergrid.js';
import { createBitSeq } from '../../../envs/sequence/bitseq.js';

describe('modes over the run', () => {
  it('grid modes by reward threshold: distinct cells, milestones in trajectories', () => {
    // 2-D H=8: ring cells 1 and 6 per coordinate → 4 modes
    const env = new HyperGrid({ ndim: 2, height: 8, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
    const tracker = new ModeTracker(modeCriterionOf(env)!);
    const see = (cells: number[][], seen: number): void => {
      const x = Int32Array.from(cells.flat());
      tracker.observe(x, env.logReward(x), seen);
    };
    see(
      [
        [0, 0],
        [1, 1],
        [1, 1],
      ],
      3,
    );
    expect(tracker.metrics()).toEqual({ modesFound: 1, modesTotal: 4, trajectoriesTo10pct: 3 });
    see(
      [
        [1, 6],
        [3, 3],
      ],
      5,
    );
    expect(tracker.metrics()).toEqual({ modesFound: 2, modesTotal: 4, trajectoriesTo10pct: 3, trajectoriesTo50pct: 5 });
    const saved = tracker.saveState();
    see(
      [
        [6, 1],
        [6, 6],
      ],
      9,
    );
    expect(tracker.metrics()).toEqual({ modesFound: 4, modesTotal: 4, trajectoriesTo10pct: 3, trajectoriesTo50pct: 5, trajectoriesTo100pct: 9 });
    const restored = new ModeTracker(modeCriterionOf(env)!);
    restored.loadState(JSON.parse(JSON.stringify(saved)));
    expect(restored.metrics()).toEqual({ modesFound: 2, modesTotal: 4, trajectoriesTo10pct: 3, trajectoriesTo50pct: 5 });
  });

  it('listed modes within a radius δ: one sample may reach several modes; δ = 0 needs the mode itself', () => {
    // n = 4, one group of 2: modes 0111 and 1000
    const near = modeCriterionOf(createBitSeq({ ndim: 4, groups: 1, modesPerGroup: 2, modeRadius: 2 }))!;
    const exact = modeCriterionOf(createBitSeq({ ndim: 4, groups: 1, modesPerGroup: 2 }))!;
    const x = Int32Array.from([0, 1, 0, 0, /* 2 bits from both */ 1, 1, 1, 1, /* 1 from 0111, 3 from 1000 */ 1, 0, 0, 0]);
    const lr = new Float64Array(3);
    expect(near.reached(x, lr)).toEqual([['0', '1'], ['0'], ['1']]);
    expect(exact.reached(x, lr)).toEqual([[], [], ['1']]);
    expect(near.total).toBe(2);
  });
});

describe('top-k', () => {
  it('mean reward and mean pairwise distance of the k best', () => {
    const x = Int32Array.from([0, 0, 5, 5, 1, 0, 9, 9]);
    const lr = Float64Array.from([Math.log(3), Math.log(1), Math.log(5), Math.log(0.5)]);
    const l1 = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!);
    const m = topKMetrics(x, lr, 2, 2, l1);
    expect(m.topKReward).toBeCloseTo(4, 12);
    expect(m.topKDiversity).toBe(1);
    const all = topKMetrics(x, lr, 10, 2, l1);
    expect(all.topKReward).toBeCloseTo(9.5 / 4, 12);
    // pairs: (0,0)-(5,5) 10, (0,0)-(1,0) 1, (0,0)-(9,9) 18, (5,5)-(1,0) 9, (5,5)-(9,9) 8, (1,0)-(9,9) 17
    expect(all.topKDiversity).toBeCloseTo(63 / 6, 12);
  });
});
