/**
 * The Sub-EB evaluator of the `rl` objective (`evaluator: "subeb"`) against the reference vectors in
 * `test/fixtures/subeb-vectors.json`: four cases on the 2-D H = 4 HyperGrid (uniform and learned P_B,
 * sampled and hand-made trajectories), every recorded quantity — log-probs, v, costs, advantages,
 * every sub-trajectory residual with its weight, L_SubEB, Z_diff, the full gradients for V, for
 * P_F + log Z and for P_B — and the grid tables after one real update.
 *
 * Tolerance: our computations run in float32 (the fixture's values are float32 results that an
 * independent float64 derivation reproduces to 4.8e-7): element-wise |ours − reference| ≤
 * max(1e-4·|reference|, 1e-5·max|reference|) (`expectClose`), the same criterion as the other
 * reference tests.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PolicyGradientGFlowNet, type RlOptions } from '../../algorithms/policy-based/rl.js';
import { sinkTargets, subEbPotentials, subEbTrainingLoss, subEbWeight } from '../../algorithms/policy-based/subeb.js';
import { type BackwardPolicy, LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { forwardLogProbs } from '../../core/policy/forward.js';
import { clippedLogRewards } from '../../core/policy/log-reward.js';
import { estimatorOutputs } from '../../core/policy/unique-states.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { gatherTransitions, selectRows } from '../../core/sampling/transitions.js';
import { flattenGradients } from '../../core/tensor/flat-params.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import type { HyperGrid } from '../../envs/hypergrid.js';
import { stepTerms } from '../../algorithms/value-based/balance-terms.js';
import { type ErrorRecord, expectClose as expectCloseShared, type Numeric, range, scatterToTimeByTraj } from './expect-close.js';
import { flattenMatrix, referenceParamPermutation, toReferenceLayout } from './load-reference.js';
import {
  buildSubEbBatch,
  buildSubEbEnv,
  buildSubEbMlp,
  loadSubEbReference,
  type SubEbCase,
  type SubEbGridTables,
  type SubEbReference,
} from './load-subeb-reference.js';

const errorReport = new Map<string, ErrorRecord>();
const expectClose = (actual: Numeric, expected: Numeric, label: string): void => expectCloseShared(actual, expected, 1e-4, label, errorReport);

/** The fixture's entries below this are its −1e5 masking of illegal actions. */
const MASKED = -1e4;

function subEbOptions(ref: SubEbReference, backward: RlOptions['backward']): RlOptions {
  const c = ref.config;
  return {
    backward,
    optimizer: 'adam',
    lr: c.adam.lr_PF,
    lrB: c.adam.lr_PB,
    lrZ: c.adam.lr_logZ,
    lrV: c.adam.lr_V,
    lambda: c.lamb_gae,
    logZInit: c.logZ_init,
    logRewardClip: c.log_reward_clip_min,
    centerAdvantages: true,
    trpo: { delta: 0.01, cgIterations: 10, cgTolerance: 1e-5, backtrackSteps: 20, damping: 0 },
    evaluator: 'subeb',
    subebLambda: c.lamda_subeb,
  };
}

/** Fresh fixture networks and the Sub-EB objective over them (dispose with `dispose`). */
interface Built {
  rl: PolicyGradientGFlowNet;
  pf: Mlp;
  v: Mlp;
  pb?: Mlp;
  backward: BackwardPolicy;
  dispose: () => void;
}

function build(ref: SubEbReference, env: HyperGrid, learnedPB: boolean, optimizer: RlOptions['optimizer'] = 'adam'): Built {
  const pf = buildSubEbMlp('PF', ref);
  const v = buildSubEbMlp('V', ref);
  const pb = learnedPB ? buildSubEbMlp('PB', ref) : undefined;
  const backward = pb ? new LearnedBackwardPolicy(env, pb) : new UniformBackwardPolicy(env);
  const sampler = new Sampler(env, pf, new Rng(0));
  const rl = new PolicyGradientGFlowNet(
    { env, forward: pf, backward, value: v, sampler },
    { ...subEbOptions(ref, learnedPB ? 'coupled' : 'uniform'), optimizer },
  );
  return {
    rl,
    pf,
    v,
    ...(pb ? { pb } : {}),
    backward,
    dispose: () => {
      rl.dispose(); // disposes P_B and V
      pf.dispose();
    },
  };
}

/** The grid tables of the fixture from our networks: legal entries as numbers, illegal as null. */
function gridTables(env: HyperGrid, pf: Mlp, backward: BackwardPolicy, v: Mlp): { logPF: (number | null)[][]; logPB: (number | null)[][]; logV: number[] } {
  const states = env.allStates();
  const n = env.nStates;
  const fMask = env.forwardMask(states);
  const bMask = env.backwardMask(states);
  const nB = env.nActions - 1;
  const logPF = Array.from({ length: n }, () => new Array<number | null>(env.nActions).fill(null));
  const logPB = Array.from({ length: n }, () => new Array<number | null>(nB).fill(null));
  for (let a = 0; a < env.nActions; a++) {
    const rows = range(n).filter((s) => fMask[s * env.nActions + a] === 1);
    const lp = tf.tidy(() => forwardLogProbs(env, pf, selectRows(states, env.stateDim, rows), new Int32Array(rows.length).fill(a)).dataSync());
    rows.forEach((s, k) => (logPF[s]![a] = lp[k]!));
  }
  for (let b = 0; b < nB; b++) {
    const rows = range(n).filter((s) => bMask[s * nB + b] === 1);
    const lp = tf.tidy(() => backward.logProbs(selectRows(states, env.stateDim, rows), new Int32Array(rows.length).fill(b)).dataSync());
    rows.forEach((s, k) => (logPB[s]![b] = lp[k]!));
  }
  const logV = Array.from(tf.tidy(() => estimatorOutputs(env, v, states).dataSync()));
  return { logPF, logPB, logV };
}

/** Our tables against the fixture's: the same legal entries (the fixture's masked ones are null here), values close. */
function expectTables(ours: ReturnType<typeof gridTables>, expected: SubEbGridTables, label: string): void {
  const legal = (x: number | null): boolean => x !== null && x > MASKED;
  expect(
    ours.logPF.map((row) => row.map((x) => x !== null)),
    `${label}: legal forward actions`,
  ).toEqual(expected.log_pf_all_actions.map((row) => row.map(legal)));
  expect(
    ours.logPB.map((row) => row.map((x) => x !== null)),
    `${label}: legal backward actions`,
  ).toEqual(expected.log_pb_all_bactions.map((row) => row.map(legal)));
  const pick = (rows: readonly (readonly (number | null)[])[]): number[] => rows.flatMap((row) => row.filter(legal) as number[]);
  expectClose(pick(ours.logPF), pick(expected.log_pf_all_actions), `${label}.log_pf_all_actions`);
  expectClose(pick(ours.logPB), pick(expected.log_pb_all_bactions), `${label}.log_pb_all_bactions`);
  expectClose(ours.logV, expected.logV, `${label}.logV`);
}

describe('Sub-EB reference vectors (rl objective, evaluator subeb)', () => {
  let ref: SubEbReference;
  let env: HyperGrid;
  let tensorsBefore = 0;

  beforeAll(() => {
    ref = loadSubEbReference();
    env = buildSubEbEnv(ref);
  });

  afterAll(() => {
    if (process.env.GFN_REPORT_ERRORS) {
      const rows = [...errorReport].map(
        ([label, { maxRel, maxAbsOverScale }]) => `${label}: max rel ${maxRel.toExponential(2)}, max |diff|/max|expected| ${maxAbsOverScale.toExponential(2)}`,
      );
      console.info(`errors against the Sub-EB reference:\n${rows.join('\n')}`);
    }
  });

  beforeEach(() => {
    tensorsBefore = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked by the test').toBe(tensorsBefore);
  });

  it('covers the four cases, and the environment gives the fixture log-rewards', () => {
    expect(ref.cases.map((c) => c.name)).toEqual(['sampled_U', 'sampled_PB', 'handcrafted_U', 'handcrafted_PB']);
    for (const c of ref.cases) {
      const batch = buildSubEbBatch(c);
      expectClose(env.logReward(batch.terminalStates()), c.log_reward_raw, `${c.name}.log_reward_raw`);
      expectClose(clippedLogRewards(batch.logRewards, ref.config.log_reward_clip_min), c.log_reward_clipped, `${c.name}.log_reward_clipped`);
    }
  });

  it('with optimizer trpo, V, P_B and log Z take the same steps and P_F a trust-region step on the Sub-EB advantages', () => {
    const c = ref.cases.find((x) => x.name === 'sampled_PB')!;
    const built = build(ref, env, true, 'trpo');
    try {
      const metrics = built.rl.update({ iteration: 0, forward: buildSubEbBatch(c) });
      const after = gridTables(env, built.pf, built.backward, built.v);
      const expected = c.after_one_update_model;
      expectClose(after.logV, expected.logV, 'trpo.after_one_update_model.logV');
      expectClose(
        after.logPB.flatMap((row) => row.filter((x): x is number => x !== null)),
        expected.log_pb_all_bactions.flatMap((row) => row.filter((x): x is number => x !== null && x > MASKED)),
        'trpo.after_one_update_model.log_pb_all_bactions',
      );
      expectClose(built.rl.logZ(), expected.logZ, 'trpo.after_one_update_model.logZ');
      expect(metrics.trpoAccepted).toBe(1);
      expect(metrics.trpoKl).toBeGreaterThan(0);
      expect(metrics.trpoKl).toBeLessThanOrEqual(0.01 * (1 + 1e-3));
      const before = c.grid_before.log_pf_all_actions.flat().filter((x) => x > MASKED);
      const moved = after.logPF.flatMap((row) => row.filter((x): x is number => x !== null));
      expect(Math.max(...moved.map((x, k) => Math.abs(x - before[k]!)))).toBeGreaterThan(1e-3);
    } finally {
      built.dispose();
    }
  });

  const caseNames = ['sampled_U', 'sampled_PB', 'handcrafted_U', 'handcrafted_PB'];
  for (const name of caseNames) {
    describe(name, () => {
      let c: SubEbCase;
      beforeAll(() => {
        c = ref.cases.find((x) => x.name === name)!;
      });

      it('log-probs, v, costs, advantages, every residual with its weight, L_SubEB, Z_diff and the full gradients', () => {
        const built = build(ref, env, c.pb_parameterized);
        const { rl, pf, v, pb, backward } = built;
        try {
          const batch = buildSubEbBatch(c);
          const tr = gatherTransitions(batch, env.nActions - 1);
          const T = batch.maxSteps;
          const N = batch.nTraj;

          // log P_F, log P_B (0 at the exit), v at every step's start state (x at the exit step)
          const terms = tf.tidy(() => {
            const t = stepTerms(env, pf, backward, v, tr);
            return { logPF: t.logPF.dataSync(), logPB: t.logPB.dataSync(), v: t.logF.dataSync() };
          });
          const rows = range(tr.count);
          expectClose(scatterToTimeByTraj(tr, terms.logPF, rows, T, N), c.log_pf, `${name}.log_pf`);
          expectClose(scatterToTimeByTraj(tr, terms.logPB, rows, T, N), c.log_pb, `${name}.log_pb`);
          expectClose(scatterToTimeByTraj(tr, terms.v, rows, T, N), c.logV, `${name}.logV`);

          // every sub-trajectory residual d_ij = H[b][i] − H[b][j], with its weight
          const h = tf.tidy(() => {
            const t = { logPF: tf.tensor1d(terms.logPF), logPB: tf.tensor1d(terms.logPB), v: tf.tensor1d(terms.v) };
            const logR = clippedLogRewards(batch.logRewards, ref.config.log_reward_clip_min);
            return subEbPotentials(tr, batch.lengths, t, sinkTargets(logR, rl.logZ())).arraySync();
          });
          const weight = subEbWeight(batch.lengths, ref.config.lamda_subeb);
          const expectedCount = Array.from(batch.lengths).reduce((s, L) => s + (L * (L + 1)) / 2, 0);
          expect(c.subeb_residuals.length, 'one residual per sub-trajectory').toBe(expectedCount);
          const ours = c.subeb_residuals.map((r) => h[r.traj]![r.start]! - h[r.traj]![r.start + r.n_actions]!);
          expectClose(
            ours,
            c.subeb_residuals.map((r) => r.residual),
            `${name}.subeb_residuals.residual`,
          );
          expectClose(
            c.subeb_residuals.map((r) => weight(r.traj, r.n_actions)),
            c.subeb_residuals.map((r) => r.weight),
            `${name}.subeb_residuals.weight`,
          );
          expect(c.subeb_residuals.map((r) => r.ends_in_sink)).toEqual(c.subeb_residuals.map((r) => r.start + r.n_actions === batch.lengths[r.traj]));

          // the loss of one iteration, its quantities and its gradients
          const ctx = { env, forward: pf, backward, value: v, logZ: rl.learnedLogZ };
          const options = {
            subebLambda: ref.config.lamda_subeb,
            lambda: ref.config.lamb_gae,
            logRewardClip: ref.config.log_reward_clip_min,
            centerAdvantages: true,
          };
          const { loss, quantities } = subEbTrainingLoss(ctx, batch, options);
          const variables = [rl.logZVar, ...pf.variables, ...v.variables, ...(pb?.variables ?? [])];
          const { value, grads } = tf.variableGrads(loss, variables);
          try {
            const q = quantities();
            expectClose(q.scores, flattenMatrix(c.scores), `${name}.scores`);
            expectClose(q.trajectoryCosts, c.traj_score_sum, `${name}.traj_score_sum`);
            expectClose(
              q.values,
              flattenMatrix(c.logV).map((x) => -x),
              `${name}.baseline U = −v`,
            );
            expectClose(q.advantages, flattenMatrix(c.advantages), `${name}.advantages`);
            expectClose(q.subEbLoss, c.subeb_loss, `${name}.subeb_loss`);
            expectClose(q.zDiff, c.Z_diff, `${name}.Z_diff`);
            if (c.backward_policy) expectClose(q.subEbLoss, c.backward_policy.V2_loss, `${name}.V2_loss`);

            const flat = (net: Mlp): Float64Array => toReferenceLayout(flattenGradients(net.variables, grads), referenceParamPermutation(net));
            expectClose(flat(v), c.grad_V_flat, `${name}.grad_V_flat`);
            expectClose([...flat(pf), grads[rl.logZVar.name]!.dataSync()[0]!], c.grad_PF_and_logZ_flat, `${name}.grad_PF_and_logZ_flat`);
            expectClose(grads[rl.logZVar.name]!.dataSync()[0]!, c.grad_logZ, `${name}.grad_logZ`);
            if (pb) expectClose(flat(pb), c.backward_policy!.grad_PB_flat, `${name}.grad_PB_flat`);
            else expect(c.backward_policy).toBeNull();
          } finally {
            value.dispose();
            tf.dispose(Object.values(grads));
          }
        } finally {
          built.dispose();
        }
      });

      it('grid tables before and after one real update (V step, P_B step, P_F + log Z step)', () => {
        const built = build(ref, env, c.pb_parameterized);
        try {
          expectTables(gridTables(env, built.pf, built.backward, built.v), c.grid_before, `${name}.grid_before`);
          const metrics = built.rl.update({ iteration: 0, forward: buildSubEbBatch(c) });
          const after = c.after_one_update_model;
          expectTables(gridTables(env, built.pf, built.backward, built.v), after, `${name}.after_one_update_model`);
          expectClose(built.rl.logZ(), after.logZ, `${name}.after_one_update_model.logZ`);
          // the reference returns A_loss + Z_diff, A_loss ≈ 0 (centred advantages): compare Z_diff
          expectClose(metrics.zDiff!, c.Z_diff, `${name}.Z_diff of the update`);
          expect(Math.abs(after.returned_loss - c.Z_diff)).toBeLessThan(1e-6);
        } finally {
          built.dispose();
        }
      });
    });
  }
});
