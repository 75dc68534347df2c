import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ModifiedDetailedBalance, type MdbOptions } from '../../algorithms/value-based/mdb.js';
import { TargetNetwork } from '../../algorithms/value-based/target-network.js';
import { Rng } from '../../core/base/rng.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { DagEnv } from '../../envs/dag/dag-env.js';
import { syntheticDagData } from '../../envs/dag/data.js';

/*
 * MDB on d = 3 with linear P_F networks (logits = x·W + b over the 9 adjacency bits; 10 actions,
 * 9 = exit), every term written out by hand: the allowed actions of each state listed from the
 * graph, P_B = 1/#edges(s'), log R from the full BGe score, the target's exit log-probability.
 */
const sample = syntheticDagData({ d: 3, seed: 3, samples: 50 });
const env = new DagEnv({ d: 3, data: sample.data, nSamples: 50 });
const EXIT = 9;

/** A 9 → 10 linear network with entries k/16-ish (exact in float32). */
function linear(seed: number): { net: Mlp; w: number[]; b: number[] } {
  const net = new Mlp({ inputDim: 9, hidden: [], outputDim: 10, activation: 'relu' }, new Rng(0), `mdb-hand-${seed}`);
  const w = Array.from({ length: 90 }, (_, k) => (((k * 7 + seed * 13) % 17) - 8) / 8);
  const b = Array.from({ length: 10 }, (_, k) => (((k * 5 + seed) % 9) - 4) / 4);
  const layer = net.layers[0]!;
  layer.weight.assign(tf.tensor2d(w, [9, 10]));
  layer.bias.assign(tf.tensor1d(b));
  return { net, w, b };
}

function logits(w: number[], b: number[], adj: number[]): number[] {
  return b.map((bj, j) => bj + adj.reduce((s, x, i) => s + x * w[i * 10 + j]!, 0));
}

/** log softmax over the listed allowed actions, of action `a`. */
function logProb(z: number[], allowed: number[], a: number): number {
  const m = Math.max(...allowed.map((k) => z[k]!));
  const lse = m + Math.log(allowed.reduce((s, k) => s + Math.exp(z[k]! - m), 0));
  return z[a]! - lse;
}

function huber(x: number, delta: number): number {
  return Math.abs(x) <= delta ? 0.5 * x * x : delta * (Math.abs(x) - 0.5 * delta);
}

// transition 1: s = {0→1}, a = 1→2 (index 5); allowed in s: 0→2, 1→2, 2→0, 2→1, exit (1→0 closes a cycle)
//               s' = {0→1, 1→2}; allowed: 0→2, exit; 2 edges → log P_B = −log 2
// transition 2: s = ∅, a = 2→0 (index 6); allowed: every edge, exit
//               s' = {2→0}; allowed: 0→1, 1→0, 1→2, 2→1, exit (0→2 closes a cycle); 1 edge → log P_B = 0
const S1 = [0, 1, 0, 0, 0, 0, 0, 0, 0];
const S1n = [0, 1, 0, 0, 0, 1, 0, 0, 0];
const S2 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
const S2n = [0, 0, 0, 0, 0, 0, 1, 0, 0];
const cases = [
  { s: S1, a: 5, next: S1n, allowed: [2, 5, 6, 7, EXIT], allowedNext: [2, EXIT], logPB: -Math.log(2) },
  { s: S2, a: 6, next: S2n, allowed: [1, 2, 3, 5, 6, 7, EXIT], allowedNext: [1, 3, 5, 7, EXIT], logPB: 0 },
];

const online = linear(1);
const targetNet = linear(2);
const made: ModifiedDetailedBalance[] = [];

function objective(options: Partial<MdbOptions> = {}): ModifiedDetailedBalance {
  // the target starts as a copy of P_F; give it its own values afterwards (as after training)
  const target = new TargetNetwork(online.net, linear(3).net, 1000, 1);
  target.target.variables.forEach((v, i) => v.assign(targetNet.net.variables[i]!));
  const o: MdbOptions = { lr: 1e-3, loss: 'huber', huberDelta: 1, transitionBatch: 2, updatesPerIteration: 1, replayCapacity: 10, prefill: 1, ...options };
  const mdb = new ModifiedDetailedBalance(env, online.net, target, o, new Rng(0));
  made.push(mdb);
  return mdb;
}

const batch = {
  count: 2,
  states: Int32Array.from([...S1, ...S2]),
  actions: Int32Array.from([5, 6]),
  logRewardDeltas: Float64Array.from(cases.map((c) => env.bge.score(c.next) - env.bge.score(c.s))),
};

function handResiduals(): number[] {
  return cases.map((c) => {
    const z = logits(online.w, online.b, c.s);
    const zt = logits(targetNet.w, targetNet.b, c.next);
    const dLogR = env.bge.score(c.next) - env.bge.score(c.s);
    return dLogR + c.logPB + logProb(z, c.allowed, EXIT) - logProb(z, c.allowed, c.a) - logProb(zt, c.allowedNext, EXIT);
  });
}

afterAll(() => made.forEach((m) => m.dispose()));

describe('MDB by hand on d = 3', () => {
  it("the allowed-action lists above are the environment's", () => {
    for (const c of cases) {
      for (const [state, list] of [
        [c.s, c.allowed],
        [c.next, c.allowedNext],
      ] as const) {
        const mask = env.forwardMask(Int32Array.from(state));
        expect([...mask].flatMap((m, k) => (m ? [k] : []))).toEqual(list);
      }
    }
  });

  it('residuals and Huber / squared losses equal the hand computation', () => {
    const r = handResiduals();
    // δ between the two |residuals|, so both branches of the Huber loss are used
    const delta = (Math.abs(r[0]!) + Math.abs(r[1]!)) / 2;
    expect(Math.abs(Math.abs(r[0]!) - Math.abs(r[1]!))).toBeGreaterThan(0.5);
    const mdb = objective({ huberDelta: delta });
    const got = tf.tidy(() => Array.from(mdb.residuals(batch).dataSync()));
    got.forEach((g, k) => expect(g).toBeCloseTo(r[k]!, 4));
    const huberLoss = tf.tidy(() => mdb.loss(batch).dataSync()[0]!);
    expect(huberLoss).toBeCloseTo((huber(r[0]!, delta) + huber(r[1]!, delta)) / 2, 4);
    const squared = objective({ loss: 'squared' });
    const sq = tf.tidy(() => squared.loss(batch).dataSync()[0]!);
    expect(sq).toBeCloseTo((r[0]! ** 2 + r[1]! ** 2) / 2, 4);
  });

  it('the gradient reaches P_F only (central differences on one weight; the target gets none)', () => {
    const mdb = objective({ loss: 'squared' });
    const v = online.net.layers[0]!.weight;
    const { grads } = tf.variableGrads(() => mdb.loss(batch), [v]);
    const g = grads[v.name]!.dataSync()[1 * 10 + EXIT]!;
    tf.dispose(grads);
    // float64 hand loss as a function of w[1][exit]
    const lossAt = (dw: number): number => {
      const w = online.w.slice();
      w[1 * 10 + EXIT]! += dw;
      return (
        cases
          .map((c) => {
            const z = logits(w, online.b, c.s);
            const zt = logits(targetNet.w, targetNet.b, c.next);
            const d = env.bge.score(c.next) - env.bge.score(c.s);
            return (d + c.logPB + logProb(z, c.allowed, EXIT) - logProb(z, c.allowed, c.a) - logProb(zt, c.allowedNext, EXIT)) ** 2;
          })
          .reduce((a, b) => a + b) / 2
      );
    };
    const h = 1e-5;
    expect(g).toBeCloseTo((lossAt(h) - lossAt(-h)) / (2 * h), 3);
    expect(g).not.toBe(0);
    // the trained variables are P_F's: the target's are not among them
    const trained = made[made.length - 1]!.checkpointParts().variables;
    expect(trained.every((t) => online.net.variables.includes(t))).toBe(true);
  });

  it('an update stores the non-exit transitions, trains after the prefill and leaks no tensor', () => {
    const mdb = objective({ prefill: 3, transitionBatch: 2, lr: 1e-2 });
    // one trajectory ∅ → {0→1} → {0→1, 1→2} → exit: two transitions stored per update
    const pad = Array.from({ length: 9 }, () => -1);
    const forward = new Trajectories(
      'forward',
      1,
      3,
      9,
      Int32Array.from([...S2, ...S1, ...S1n, ...pad]),
      Int32Array.from([1, 5, EXIT]),
      Int32Array.of(3),
      Float64Array.of(0),
    );
    const before = tf.memory().numTensors;
    const w0 = Array.from(online.net.variables[0]!.dataSync());
    expect(mdb.update({ iteration: 1, forward })).toEqual({ loss: 0, replaySize: 2 });
    expect(Array.from(online.net.variables[0]!.dataSync())).toEqual(w0);
    const second = mdb.update({ iteration: 2, forward });
    expect(second.replaySize).toBe(4);
    expect(second.loss).toBeGreaterThan(0);
    expect(Array.from(online.net.variables[0]!.dataSync())).not.toEqual(w0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
