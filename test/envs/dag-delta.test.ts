import { describe, expect, it } from 'vitest';
import { logRewardDeltas } from '../../core/env/log-reward-delta.js';
import { Rng } from '../../core/base/rng.js';
import { DagEnv } from '../../envs/dag/dag-env.js';
import { syntheticDagData } from '../../envs/dag/data.js';

/** The local delta score equals the difference of full log-rewards on random DAGs and edges. */
describe('dag logRewardDelta', () => {
  const d = 7;
  const data = syntheticDagData({ d, seed: 11 });
  const env = new DagEnv({ d, data: data.data, nSamples: data.nSamples });

  it("equals logReward(s') − logReward(s) for 200 random allowed additions", () => {
    const rng = new Rng(5);
    const states: number[] = [];
    const actions: number[] = [];
    let s: Int32Array = Int32Array.from(env.s0);
    for (let k = 0; k < 200; k++) {
      const mask = env.forwardMask(s);
      const allowed = [...mask.subarray(0, d * d)].flatMap((m, a) => (m ? [a] : []));
      if (allowed.length === 0 || rng.uniform() < 0.15) {
        s = Int32Array.from(env.s0);
        k--;
        continue;
      }
      const a = allowed[rng.int(allowed.length)]!;
      states.push(...s);
      actions.push(a);
      s = env.step(s, Int32Array.of(a));
    }
    const st = Int32Array.from(states);
    const ac = Int32Array.from(actions);
    const next = env.step(st, ac);
    const local = env.logRewardDelta(st, ac);
    const before = env.logReward(st);
    const after = env.logReward(next);
    let nonzero = 0;
    local.forEach((v, k) => {
      expect(v).toBeCloseTo(after[k]! - before[k]!, 9);
      if (Math.abs(v) > 1e-3) nonzero++;
    });
    expect(nonzero).toBeGreaterThan(150);
    // the generic helper takes the local route
    expect(Array.from(logRewardDeltas(env, st, ac, next))).toEqual(Array.from(local));
  });

  it('refuses an edge that is already present', () => {
    const s = env.step(Int32Array.from(env.s0), Int32Array.of(1));
    expect(() => env.logRewardDelta(s, Int32Array.of(1))).toThrow(/does not add an absent edge/);
  });
});
