import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Rng } from '../../core/base/rng.js';
import { LocalSearch } from '../../core/sampling/local-search.js';
import { packForwardPaths } from '../../core/sampling/paths.js';
import { Sampler } from '../../core/sampling/sampler.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';

/*
 * Hand computation on the 2-D HyperGrid with H = 3, P_F uniform over the allowed actions (an MLP
 * with constant logits) and P_B uniform, from x = (2, 2) with K = 1:
 *   back:     (2,2) → (1,2) or (2,1), P_B = 1/2 each (both coordinates can go down);
 *   reverse:  P_F(s' ⇝ x) = P_F(step to x | s') · P_F(exit | x) = 1/2 · 1 (at (1,2): one move and exit
 *             are allowed; at (2,2) only exit);
 *   rebuild from s' = (1,2): exit at once (P_F = 1/2, x' = (1,2), nothing to undo: P_B(x' ⇝ s') = 1)
 *             or step to (2,2) and exit (P_F = 1/2, x' = (2,2), P_B = 1/2).
 * So log A-ratio = log R(x') − log R(x) + log 2 when x' = s', and log R(x') − log R(x) = 0 when x' = x.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
const EXIT = env.nActions - 1;
const logR = (s: number[]): number => env.logReward(Int32Array.from(s))[0]!;

/** n copies of the trajectory s0 → (1,0) → (2,0) → (2,1) → (2,2) → exit. */
function cornerBatch(n: number): Trajectories {
  const states = [
    [0, 0],
    [1, 0],
    [2, 0],
    [2, 1],
    [2, 2],
  ].map((s) => Int32Array.from(s));
  const path = { states, actions: [0, 0, 1, 1, EXIT] };
  return packForwardPaths(
    env,
    Array.from({ length: n }, () => path),
    new Float64Array(n).fill(logR([2, 2])),
  );
}

describe('local search', () => {
  let uniformNet: Mlp;
  let sampler: Sampler;
  const pb = new UniformBackwardPolicy(env);
  beforeAll(() => {
    uniformNet = new Mlp({ inputDim: env.obsDim, hidden: [4], outputDim: env.nActions, activation: 'relu' }, new Rng(1), 'ls-test/uniform');
    uniformNet.layers[1]!.assign(new Array<number>(4 * env.nActions).fill(0), new Array<number>(env.nActions).fill(0));
    sampler = new Sampler(env, uniformNet, new Rng(2));
  });
  afterAll(() => uniformNet.dispose());

  it('computes the Metropolis–Hastings ratio of the hand computation, case by case', async () => {
    const before = tf.memory().numTensors;
    const ls = new LocalSearch(env, sampler, new Rng(3), { backSteps: 1, acceptance: 'mh' });
    const p = await ls.propose(cornerBatch(200), pb);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const len = p.candidates.lengths[i]!;
      const xNew = Array.from(p.candidates.state(len - 1, i));
      const junction = Array.from(p.candidates.state(3, i));
      expect(p.backSteps[i]).toBe(1);
      expect(p.logPBDestroyed[i]).toBeCloseTo(Math.log(1 / 2), 6);
      expect(p.logPFDestroyed[i]).toBeCloseTo(Math.log(1 / 2), 6);
      expect(p.logPFRebuilt[i]).toBeCloseTo(Math.log(1 / 2), 6);
      expect([
        [1, 2],
        [2, 1],
      ]).toContainEqual(junction);
      if (xNew[0] === 2 && xNew[1] === 2) {
        expect(len).toBe(5);
        expect(p.logPBRebuilt[i]).toBeCloseTo(Math.log(1 / 2), 6);
        expect(p.logRatio[i]).toBeCloseTo(0, 6);
      } else {
        expect(xNew).toEqual(junction);
        expect(len).toBe(4);
        expect(p.logPBRebuilt[i]).toBe(0);
        expect(p.logRatio[i]).toBeCloseTo(logR(xNew) - logR([2, 2]) + Math.log(2), 6);
        expect(p.candidates.logRewards[i]).toBeCloseTo(logR(xNew), 12);
      }
      seen.add(`${junction}->${xNew}`);
    }
    // all four cases occur (each has probability 1/4)
    expect(seen.size).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds valid trajectories from s0 through the junction', async () => {
    const ls = new LocalSearch(env, sampler, new Rng(4), { backRatio: 0.5, acceptance: 'mh' });
    const p = await ls.propose(cornerBatch(50), pb);
    for (let i = 0; i < 50; i++) {
      expect(p.backSteps[i]).toBe(2);
      let s: Int32Array = env.s0.slice();
      const len = p.candidates.lengths[i]!;
      for (let t = 0; t < len; t++) {
        expect(Array.from(p.candidates.state(t, i))).toEqual(Array.from(s));
        const a = p.candidates.action(t, i);
        if (t === len - 1) expect(a).toBe(EXIT);
        else s = env.step(s, Int32Array.from([a]));
      }
    }
  });

  it('accepts with probability min(1, ratio) and keeps the old trajectory on rejection', async () => {
    const ls = new LocalSearch(env, sampler, new Rng(5), { backSteps: 1, acceptance: 'mh' });
    const batch = cornerBatch(4000);
    const [round] = await ls.refine(batch, 1, pb);
    // x = (2,2) has R = R0 + R1 + ... and every x' ≠ x loses reward here; the expected acceptance
    // is the mean of min(1, e^ratio) over the four equally likely cases
    const caseA = (s: number[]): number => Math.min(1, Math.exp(logR(s) - logR([2, 2]) + Math.log(2)));
    const expected = (1 / 4) * (1 + 1 + caseA([1, 2]) + caseA([2, 1]));
    let accepted = 0;
    for (let i = 0; i < batch.nTraj; i++) {
      accepted += round!.accepted[i]!;
      const len = round!.trajectories.lengths[i]!;
      const x = Array.from(round!.trajectories.state(len - 1, i));
      if (!round!.accepted[i]) {
        expect(len).toBe(5);
        expect(Array.from(round!.trajectories.state(1, i))).toEqual([1, 0]);
        expect(x).toEqual([2, 2]);
      }
      expect(round!.trajectories.logRewards[i]).toBeCloseTo(logR(x), 12);
    }
    const sd = Math.sqrt((expected * (1 - expected)) / batch.nTraj);
    expect(Math.abs(accepted / batch.nTraj - expected)).toBeLessThan(4 * sd);
  });

  it('greedy acceptance takes exactly the proposals that do not lose reward', async () => {
    const ls = new LocalSearch(env, sampler, new Rng(6), { backSteps: 2, acceptance: 'greedy' });
    const batch = cornerBatch(100);
    const p = await new LocalSearch(env, sampler, new Rng(6), { backSteps: 2, acceptance: 'greedy' }).propose(batch, pb);
    const [round] = await ls.refine(batch, 1, pb);
    for (let i = 0; i < 100; i++) {
      expect(round!.accepted[i]).toBe(p.candidates.logRewards[i]! >= batch.logRewards[i]! ? 1 : 0);
    }
  });

  it('rejects a back distance that is not exactly one valid option', () => {
    expect(() => new LocalSearch(env, sampler, new Rng(0), { backSteps: 0, acceptance: 'mh' })).toThrow(/backSteps = 0/);
    expect(() => new LocalSearch(env, sampler, new Rng(0), { backRatio: 1.5, acceptance: 'mh' })).toThrow(/backRatio = 1.5/);
    expect(() => new LocalSearch(env, sampler, new Rng(0), { backSteps: 1, backRatio: 0.5, acceptance: 'mh' } as never)).toThrow(/exactly one/);
  });
});
