/**
 * HyperGrid (ndim 2, height 4) against ground-truth reference vectors computed in float64
 * (`test/fixtures/hypergrid-vectors.json`, conventions in `test/fixtures/README.md`).
 * Our computations run in float32, so values are compared with a relative tolerance of 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrajectoryBalance, type TbOptions } from '../../algorithms/value-based/tb.js';
import { ExactTerminatingDistribution } from '../../core/evaluation/exact.js';
import { jensenShannon, totalVariation } from '../../core/evaluation/metrics.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import type { Trajectories } from '../../core/sampling/trajectories.js';
import { gatherTransitions, selectRows } from '../../core/sampling/transitions.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import type { HyperGrid } from '../../envs/hypergrid.js';
import {
  buildBackwardBatch,
  buildEnv,
  buildForwardBatch,
  buildMlp,
  buildNetworks,
  flattenMatrix,
  flattenStates,
  type HypergridReference,
  loadHypergridReference,
  type NetworkName,
} from './load-reference.js';
import { expectClose, range, scatterToTimeByTraj } from './expect-close.js';

const TB_OPTIONS: TbOptions = { lr: 1e-3, lrZ: 0.1, logZInit: 0.5, logRewardClip: -12 };

describe('HyperGrid reference vectors', () => {
  let ref: HypergridReference;
  let env: HyperGrid;
  let nets: Record<NetworkName, Mlp>;
  let fwd: Trajectories;
  let bwd: Trajectories;
  let tensorsBefore = 0;

  beforeAll(() => {
    ref = loadHypergridReference();
    env = buildEnv(ref);
    nets = buildNetworks(ref);
    fwd = buildForwardBatch(ref);
    bwd = buildBackwardBatch(ref);
  });

  afterAll(() => {
    for (const net of Object.values(nets)) net.dispose();
  });

  beforeEach(() => {
    tensorsBefore = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked by the test').toBe(tensorsBefore);
  });

  it('fixture and environment agree on the setup', () => {
    expect(ref.meta.env.n_actions).toBe(env.nActions);
    expect(ref.encoding.input_dim).toBe(env.obsDim);
    expect(Array.from(env.s0)).toEqual(ref.meta.env.s0);
    expect(ref.TB.log_reward_clip_min).toBe(TB_OPTIONS.logRewardClip);
    expect(ref.meta.logZ_init).toBe(TB_OPTIONS.logZInit);
    expect(nets.logit_PF.outputDim).toBe(3);
    expect(nets.logit_PB.outputDim).toBe(2);
    expect(nets.logit_PF.layers.map((l) => l.outDim)).toEqual([16, 16, 3]);
  });

  describe('environment', () => {
    it('encodes the example state as the reference K-hot vector', () => {
      const obs = env.encode(Int32Array.from(ref.encoding.example_state));
      expect(Array.from(obs)).toEqual(ref.encoding.example_encoding);
    });

    it('gives the reference log-reward of all 16 states', () => {
      const states = flattenStates([ref.rewards_all_states.states]);
      expectClose(env.logReward(states), ref.rewards_all_states.log_reward, 1e-4, 'log_reward');
      expectClose(
        ref.rewards_all_states.states.map((s) => env.reward(s)),
        ref.rewards_all_states.reward,
        1e-4,
        'reward',
      );
    });

    it('indexes states in the reference order', () => {
      const states = flattenStates([ref.rewards_all_states.states]);
      expect(Array.from(env.stateIndex(states))).toEqual(Array.from(range(env.nStates)));
      expect(Array.from(env.allStates())).toEqual(Array.from(states));
    });
  });

  describe('log-probabilities on the forward batch', () => {
    it('log P_F of every step (exit included) matches log_pf', () => {
      const tr = gatherTransitions(fwd, env.nActions - 1);
      const lp = tf.tidy(() => forwardLogProbs(env, nets.logit_PF, tr.states, tr.actions).dataSync());
      const m = scatterToTimeByTraj(tr, lp, range(tr.count), fwd.maxSteps, fwd.nTraj);
      expectClose(m, ref.log_probs.log_pf, 1e-4, 'log_pf');
    });

    const backwardCases: Array<[string, (e: HyperGrid, n: Record<NetworkName, Mlp>) => BackwardPolicy, keyof HypergridReference['log_probs']]> = [
      ['uniform', (e) => new UniformBackwardPolicy(e), 'log_pb_uniform'],
      ['learned', (e, n) => new LearnedBackwardPolicy(e, n.logit_PB), 'log_pb_learned'],
    ];
    for (const [kind, make, key] of backwardCases) {
      it(`${kind} log P_B at the next state of every non-exit step matches ${key}`, () => {
        const policy = make(env, nets);
        const tr = gatherTransitions(fwd, env.nActions - 1);
        const nonExit = range(tr.count).filter((k) => !tr.isExit[k]);
        const lp = tf.tidy(() => policy.logProbs(selectRows(tr.nextStates, env.stateDim, nonExit), selectRows(tr.actions, 1, nonExit)).dataSync());
        const m = scatterToTimeByTraj(tr, lp, nonExit, fwd.maxSteps, fwd.nTraj);
        expectClose(m, ref.log_probs[key], 1e-4, key);
      });
    }
  });

  describe('trajectory balance', () => {
    // Built outside the tests so that the per-test tensor-leak check only sees what the losses and
    // gradients allocate; construction/disposal is checked separately under 'tensor lifecycle'.
    const tb = {} as Record<'TB_U' | 'TB_B', TrajectoryBalance>;
    beforeAll(() => {
      tb.TB_U = new TrajectoryBalance(env, nets.logit_PF, new UniformBackwardPolicy(env), TB_OPTIONS);
      tb.TB_B = new TrajectoryBalance(env, nets.logit_PF, new LearnedBackwardPolicy(env, nets.logit_PB), TB_OPTIONS);
    });
    afterAll(() => {
      tb.TB_U.dispose();
      tb.TB_B.dispose();
    });

    for (const variant of ['TB_U', 'TB_B'] as const) {
      it(`${variant}: per-trajectory scores and loss`, () => {
        const scores = tf.tidy(() => tb[variant].scores(fwd).dataSync());
        const loss = tf.tidy(() => tb[variant].loss(fwd).dataSync()[0]!);
        expectClose(scores, ref.TB[variant].per_traj_scores, 1e-4, `${variant}.per_traj_scores`);
        expectClose(loss, ref.TB[variant].loss, 1e-4, `${variant}.loss`);
      });
    }

    it('TB_U: gradients w.r.t. log Z and the first layer weight of logit_PF', () => {
      const tbU = tb.TB_U;
      const w0 = nets.logit_PF.layers[0]!.weight;
      const { value, grads } = tf.variableGrads(() => tbU.loss(fwd), [tbU.logZVar, w0]);
      try {
        expectClose(value.dataSync()[0]!, ref.TB.TB_U.loss, 1e-4, 'TB_U.loss (variableGrads)');
        expectClose(grads[tbU.logZVar.name]!.dataSync()[0]!, ref.TB.TB_U.grad_logZ, 1e-4, 'TB_U.grad_logZ');
        // our weight gradient is [in][out] = [8][16]; the fixture's is [out][in] = [16][8]
        const gw = tf.tidy(() => tf.transpose(grads[w0.name]!).arraySync() as number[][]);
        expect([gw.length, gw[0]!.length]).toEqual([16, 8]);
        expectClose(gw, ref.TB.TB_U.grad_logit_PF_layer0_weight, 1e-4, 'TB_U.grad_logit_PF_layer0_weight');
      } finally {
        value.dispose();
        tf.dispose(Object.values(grads));
      }
    });
  });

  describe('exact evaluation', () => {
    it('terminating distribution, true distribution, distances and log Z match', () => {
      const pT = new ExactTerminatingDistribution(env).compute(nets.logit_PF);
      const truth = env.trueDistribution();
      expectClose(pT, ref.exact.P_T, 1e-4, 'P_T');
      expectClose(truth, ref.exact.true_dist, 1e-4, 'true_dist');
      expectClose(totalVariation(pT, truth), ref.exact.l1_dist, 1e-4, 'l1_dist');
      expectClose(jensenShannon(pT, truth), ref.exact.JSD, 1e-4, 'JSD');
      expectClose(env.logPartition(), ref.exact.true_log_partition, 1e-4, 'true_log_partition');
    });
  });

  describe('trajectory batches', () => {
    it('forward batch: each non-exit step is env.step, padding is s_f', () => {
      for (let i = 0; i < fwd.nTraj; i++) {
        const len = fwd.lengths[i]!;
        expect(Array.from(fwd.state(0, i))).toEqual(Array.from(env.s0));
        for (let t = 0; t < len - 1; t++) {
          const next = env.step(fwd.state(t, i).slice(), Int32Array.of(fwd.action(t, i)));
          expect(Array.from(next), `traj ${i} step ${t}`).toEqual(Array.from(fwd.state(t + 1, i)));
        }
        expect(fwd.action(len - 1, i)).toBe(env.nActions - 1);
        for (let t = len; t <= fwd.maxSteps; t++) expect(Array.from(fwd.state(t, i))).toEqual(ref.meta.env.sf_padding_state);
      }
      expect(Array.from(fwd.terminalStates())).toEqual(flattenMatrix(ref.forward_batch.terminal_states));
      expectClose(env.logReward(fwd.terminalStates()), ref.forward_batch.log_rewards, 1e-4, 'forward log_rewards');
    });

    it('backward batch: env.backwardStep(s_t, a_t) = s_{t+1} on every valid step, ends at s0', () => {
      for (let i = 0; i < bwd.nTraj; i++) {
        const len = bwd.lengths[i]!;
        for (let t = 0; t < len; t++) {
          const prev = env.backwardStep(bwd.state(t, i).slice(), Int32Array.of(bwd.action(t, i)));
          expect(Array.from(prev), `traj ${i} step ${t}`).toEqual(Array.from(bwd.state(t + 1, i)));
        }
        for (let t = len; t <= bwd.maxSteps; t++) expect(Array.from(bwd.state(t, i)), `traj ${i} row ${t}`).toEqual(Array.from(env.s0));
        for (let t = len; t < bwd.maxSteps; t++) expect(bwd.action(t, i)).toBe(-1);
      }
      // the backward trajectories start at the forward batch's terminal states
      expect(Array.from(bwd.terminalStates())).toEqual(flattenMatrix(ref.forward_batch.terminal_states));
      expectClose(env.logReward(bwd.terminalStates()), ref.RL_B_backward.log_rewards, 1e-4, 'backward log_rewards');
    });
  });

  describe('tensor lifecycle', () => {
    it('an Mlp built from the fixture frees all its tensors on dispose', () => {
      const before = tf.memory().numTensors;
      buildMlp('logit_PF', ref).dispose();
      expect(tf.memory().numTensors - before, 'tensors left after Mlp.dispose()').toBe(0);
    });

    it('a TrajectoryBalance frees all its tensors on dispose', () => {
      const before = tf.memory().numTensors;
      new TrajectoryBalance(env, nets.logit_PF, new UniformBackwardPolicy(env), TB_OPTIONS).dispose();
      expect(tf.memory().numTensors - before, 'tensors left after TrajectoryBalance.dispose()').toBe(0);
    });
  });
});
