/**
 * DB and SubTB against the reference code's numbers (test/fixtures/hypergrid-vectors.json):
 * per-transition DB scores in time-major transition order and the DB-U/DB-B and SubTB-U/SubTB-B
 * losses (DB: log R unclipped, divided by the number of trajectories; SubTB: geometric weighting
 * within trajectories, λ = 0.99, computed here in float64 — compared with the reference's
 * float64-weight value).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DetailedBalance } from '../../algorithms/value-based/db.js';
import { balancePotentials } from '../../algorithms/value-based/balance.js';
import { stepTerms } from '../../algorithms/value-based/balance-terms.js';
import { SubTrajectoryBalance } from '../../algorithms/value-based/subtb.js';
import { LearnedBackwardPolicy, UniformBackwardPolicy } from '../../core/policy/backward.js';
import { gatherTransitions } from '../../core/sampling/transitions.js';
import { expectClose } from './expect-close.js';
import { buildEnv, buildForwardBatch, buildNetworks, FIXTURE_PATH } from './load-reference.js';

interface BalanceFixture {
  DB: { DB_U: { per_transition_scores: number[]; loss: number }; DB_B: { per_transition_scores: number[]; loss: number } };
  SubTB: { SubTB_U: { loss_with_float64_weights: number }; SubTB_B: { loss_with_float64_weights: number } };
}
const fixture = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as BalanceFixture;
const env = buildEnv();
const nets = buildNetworks();
const batch = buildForwardBatch();
const backward = { U: new UniformBackwardPolicy(env), B: new LearnedBackwardPolicy(env, nets.logit_PB) };
const lossValue = (f: () => tf.Scalar): number => {
  const t = f();
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

afterAll(() => Object.values(nets).forEach((n) => n.dispose()));

describe('DB against the reference code', () => {
  it.each(['U', 'B'] as const)('DB-%s per-transition scores and loss', (variant) => {
    const tr = gatherTransitions(batch, env.nActions - 1);
    const scores = tf.tidy(() => {
      const terms = stepTerms(env, nets.logit_PF, backward[variant], nets.logF, tr);
      const h = balancePotentials(tr, batch.lengths, terms.logPF, terms.logPB, terms.logF, Float32Array.from(batch.logRewards));
      const w = h.shape[1];
      const hv = h.dataSync();
      return Array.from({ length: tr.count }, (_, m) => hv[tr.traj[m]! * w + tr.time[m]!]! - hv[tr.traj[m]! * w + tr.time[m]! + 1]!);
    });
    const ref = fixture.DB[`DB_${variant}`];
    expectClose(scores, ref.per_transition_scores, 1e-4, `DB-${variant} scores`);
    const db = new DetailedBalance(env, nets.logit_PF, backward[variant], nets.logF, { lr: 1e-3, clipLogReward: false, logRewardClip: -12 });
    const before = tf.memory().numTensors;
    expectClose(
      lossValue(() => db.loss(batch)),
      ref.loss,
      1e-4,
      `DB-${variant} loss`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('SubTB(0.99) against the reference code', () => {
  it.each(['U', 'B'] as const)('SubTB-%s loss', (variant) => {
    const subtb = new SubTrajectoryBalance(env, nets.logit_PF, backward[variant], nets.logF, {
      lr: 1e-3,
      lambda: 0.99,
      weighting: 'geometric',
      logRewardClip: -12,
    });
    const before = tf.memory().numTensors;
    expectClose(
      lossValue(() => subtb.loss(batch)),
      fixture.SubTB[`SubTB_${variant}`].loss_with_float64_weights,
      1e-4,
      `SubTB-${variant} loss`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
