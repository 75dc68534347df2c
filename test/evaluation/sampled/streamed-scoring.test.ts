import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.js';
import { rowLogProbs } from '../../../core/evaluation/sampled/row-log-probs.js';
import { ScoringSampler } from '../../../core/evaluation/sampled/scoring-sampler.js';
import { trajectoryLogProbs } from '../../../core/evaluation/sampled/trajectory-log-probs.js';
import { maskedLogProbsOf } from '../../../core/policy/categorical.js';
import { LearnedBackwardPolicy, UniformBackwardPolicy } from '../../../core/policy/backward.js';
import { networkInput } from '../../../core/policy/network-input.js';
import { Sampler } from '../../../core/sampling/sampler.js';
import type { Estimator } from '../../../core/tensor/estimator.js';
import { Mlp } from '../../../core/tensor/mlp.js';
import { readValues } from '../../../core/tensor/read.js';
import { HyperGrid } from '../../../envs/hypergrid.js';
import { createBitSeq } from '../../../envs/sequence/bitseq.js';

const nets: Mlp[] = [];
afterAll(() => nets.forEach((n) => n.dispose()));
const mlp = (inputDim: number, outputDim: number, seed: number): Mlp => {
  const net = new Mlp({ inputDim, hidden: [32], outputDim, activation: 'relu' }, new Rng(seed), `streamed-test-${seed}`);
  nets.push(net);
  return net;
};

/** An estimator that records the rows of each of its passes. */
function counted(net: Estimator, passes: number[]): Estimator {
  return { ...net, predict: (x) => (passes.push(x.shape[0]), net.predict(x)) };
}

describe('streamed scoring of the sampled evaluation', () => {
  const env = new HyperGrid({ ndim: 3, height: 6, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });

  it('rowLogProbs equals one pass over every row, with no pass above passRows distinct states', () => {
    const net = mlp(env.obsDim, env.nActions, 1);
    const batch = new Sampler(env, net, new Rng(3)).sampleForward(200);
    // every (state, action) row of the batch, states repeated as sampling repeats them
    const states: number[] = [];
    const actions: number[] = [];
    for (let i = 0; i < batch.nTraj; i++)
      for (let t = 0; t < batch.lengths[i]!; t++) {
        states.push(...batch.state(t, i));
        actions.push(batch.action(t, i));
      }
    const rows = Int32Array.from(states);
    const acts = Int32Array.from(actions);
    const whole = maskedLogProbsOf(
      readValues(() => net.predict(networkInput(env, net, rows))),
      env.forwardMask(rows),
      env.nActions,
      acts,
    );
    const passes: number[] = [];
    const policy = counted(net, passes);
    const streamed = rowLogProbs(
      rows,
      acts,
      env.stateDim,
      { logits: (s) => readValues(() => policy.predict(networkInput(env, policy, s))), mask: (s) => env.forwardMask(s), width: env.nActions },
      7,
    );
    expect(passes.length).toBeGreaterThan(2);
    expect(Math.max(...passes)).toBeLessThanOrEqual(7);
    // every distinct state once: fewer network rows than scored rows
    expect(passes.reduce((a, b) => a + b, 0)).toBeLessThan(acts.length);
    for (let r = 0; r < acts.length; r++) expect(streamed[r]).toBeCloseTo(whole[r]!, 5);
  });

  it.each([
    ['forward samples, uniform P_B', 'forward'],
    ['backward samples, learned P_B', 'backward'],
  ] as const)('trajectoryLogProbs is the same in passes of 5 rows as in one pass (%s)', (_name, direction) => {
    const bits = createBitSeq({ ndim: 5, groups: 2, modesPerGroup: 2 });
    const forward = mlp(bits.obsDim, bits.nActions, 7);
    const backward = direction === 'forward' ? new UniformBackwardPolicy(bits) : new LearnedBackwardPolicy(bits, mlp(bits.obsDim, bits.nActions - 1, 8));
    const sampler = new Sampler(bits, forward, new Rng(5));
    const fresh = sampler.sampleForward(60);
    const batch = direction === 'forward' ? fresh : sampler.sampleBackward(fresh.terminalStates(), backward);
    const one = trajectoryLogProbs(bits, forward, backward, batch, 1 << 20);
    const small = trajectoryLogProbs(bits, forward, backward, batch, 5);
    for (let i = 0; i < batch.nTraj; i++) {
      expect(small.logPF[i]).toBeCloseTo(one.logPF[i]!, 5);
      expect(small.logPB[i]).toBeCloseTo(one.logPB[i]!, 5);
    }
  });
});

describe('forward samples scored as they are drawn (ScoringSampler)', () => {
  it.each([
    ['hypergrid 3-D', () => new HyperGrid({ ndim: 3, height: 6, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false })],
    ['bitseq n=5 (insert anywhere)', () => createBitSeq({ ndim: 5, groups: 2, modesPerGroup: 2 })],
  ] as const)('gives the log P_F(τ) of a second pass over the samples, and the same samples as Sampler (%s)', (_name, make) => {
    const env = make();
    const forward = mlp(env.obsDim, env.nActions, 11);
    const { batch, logPF } = new ScoringSampler(env, forward, new Rng(4)).sampleForwardScored(300);
    const plain = new Sampler(env, forward, new Rng(4)).sampleForward(300);
    expect(Array.from(batch.actions)).toEqual(Array.from(plain.actions));
    const again = trajectoryLogProbs(env, forward, new UniformBackwardPolicy(env), batch);
    expect(logPF).toBeDefined();
    for (let i = 0; i < batch.nTraj; i++) expect(logPF![i]).toBeCloseTo(again.logPF[i]!, 5);
    // with P_F given, only P_B is computed: the same values
    const withKnown = trajectoryLogProbs(env, forward, new UniformBackwardPolicy(env), batch, undefined, logPF);
    expect(Array.from(withKnown.logPB)).toEqual(Array.from(again.logPB));
  });

  it('keeps no more logits than its budget: past it, no log P_F (the caller scores the samples again)', () => {
    const env = new HyperGrid({ ndim: 3, height: 6, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
    const forward = mlp(env.obsDim, env.nActions, 12);
    const small = new ScoringSampler(env, forward, new Rng(4), 100).sampleForwardScored(300);
    expect(small.logPF).toBeUndefined();
    expect(small.batch.nTraj).toBe(300);
  });
});
