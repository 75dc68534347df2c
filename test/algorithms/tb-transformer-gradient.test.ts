import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrajectoryBalance } from '../../algorithms/value-based/tb.js';
import { UniformBackwardPolicy } from '../../core/policy/backward.js';
import { Rng } from '../../core/base/rng.js';
import { Trajectories } from '../../core/sampling/trajectories.js';
import { flattenValues } from '../../core/tensor/flat-params.js';
import { Transformer, type TransformerShape } from '../../core/tensor/transformer.js';
import { createBitSeq } from '../../envs/sequence/bitseq.js';
import { transformer64 } from '../tensor/float64-transformer.js';

/*
 * The TB gradient through the transformer on REAL bitseq (insert variant) trajectories: 6 bits in
 * 2-bit words = 3 positions over 4 symbols, forward action symbol·3 + position, exit 12. The float32
 * gradient of the TB loss (uniform P_B) with respect to every network variable must equal central
 * differences of a float64 TB loss built from the float64 reference network, the masked softmax over
 * the allowed actions and the uniform backward probabilities 1 / (number of filled positions).
 */
const env = createBitSeq({ ndim: 6, wordBits: 2, groups: 1, modesPerGroup: 2, alpha: 0.5, variant: 'insert', seed: 0 });
const P = 3;
const V = 4;
const EXIT = P * V;
const LOGZ = 0.3;

/** Random complete insert-anywhere trajectories: each step fills a random empty position with a random symbol. */
function randomTrajectories(n: number, rng: Rng): { paths: number[][][]; actions: number[][] } {
  const paths: number[][][] = [];
  const actions: number[][] = [];
  for (let i = 0; i < n; i++) {
    const s = [-1, -1, -1];
    const path = [s.slice()];
    const acts: number[] = [];
    for (let t = 0; t < P; t++) {
      const empty = s.map((v, p) => (v < 0 ? p : -1)).filter((p) => p >= 0);
      const p = empty[rng.int(empty.length)]!;
      const sym = rng.int(V);
      s[p] = sym;
      acts.push(sym * P + p);
      path.push(s.slice());
    }
    acts.push(EXIT);
    paths.push(path);
    actions.push(acts);
  }
  return { paths, actions };
}

function buildBatch(paths: number[][][], actions: number[][]): Trajectories {
  const n = paths.length;
  const T = env.maxTrajectoryLength;
  const states = new Int32Array((T + 1) * n * P).fill(-1);
  const acts = new Int32Array(T * n).fill(-1);
  const lengths = new Int32Array(n);
  const terminals = new Int32Array(n * P);
  paths.forEach((path, i) => {
    path.forEach((s, t) => states.set(s, (t * n + i) * P));
    actions[i]!.forEach((a, t) => (acts[t * n + i] = a));
    lengths[i] = actions[i]!.length;
    terminals.set(path[path.length - 1]!, i * P);
  });
  return new Trajectories('forward', n, T, P, states, acts, lengths, env.logReward(terminals));
}

/** Float64 TB loss: mean over trajectories of (log Z + Σ log P_F − log R − Σ log P_B)². */
function tbLoss64(shape: TransformerShape, params: ArrayLike<number>, paths: number[][][], actions: number[][], logR: Float64Array | Float32Array): number {
  // every visited state (the last one is where exit is taken) in one float64 pass
  const visited = paths.flat();
  const logits = transformer64(shape, params, env.encode(Int32Array.from(visited.flat())), visited.length);
  let row = 0;
  let loss = 0;
  paths.forEach((path, i) => {
    let res = LOGZ - logR[i]!;
    path.forEach((s, t) => {
      const full = s.every((v) => v >= 0);
      const allowed = Array.from({ length: EXIT + 1 }, (_, a) => (a === EXIT ? full : s[a % P]! < 0));
      const l = Array.from(logits.subarray(row * (EXIT + 1), (row + 1) * (EXIT + 1)));
      const max = Math.max(...l.filter((_, a) => allowed[a]));
      const z = l.reduce((acc, v, a) => acc + (allowed[a] ? Math.exp(v - max) : 0), 0);
      res += l[actions[i]![t]!]! - max - Math.log(z);
      // uniform P_B at the next state: one over its filled positions
      if (t < P) res += Math.log(t + 1);
      row++;
    });
    loss += res * res;
  });
  return loss / paths.length;
}

describe('TB gradient through the transformer on bitseq trajectories', () => {
  it.each(['flatten', 'position'] as const)('equals central differences of the float64 TB loss for every variable, %s readout', (readout) => {
    expect(env.tokenLayout()).toEqual({ positions: P, vocabulary: V });
    const shape: TransformerShape = {
      layout: { positions: P, vocabulary: V },
      outputDim: EXIT + 1,
      layers: 2,
      heads: 2,
      width: 8,
      ffWidth: 16,
      activation: 'relu',
      readout,
    };
    const net = new Transformer(shape, new Rng(21), `tbfd-${readout}`);
    const { paths, actions } = randomTrajectories(5, new Rng(22));
    const batch = buildBatch(paths, actions);
    const tb = new TrajectoryBalance(env, net, new UniformBackwardPolicy(env), { lr: 1e-3, lrZ: 0.1, logZInit: LOGZ, logRewardClip: -1e9 });
    const theta = flattenValues(net.variables);
    const loss64 = (p: ArrayLike<number>): number => tbLoss64(shape, p, paths, actions, batch.logRewards);
    const got = tb.loss(batch);
    expect(Math.abs(got.dataSync()[0]! - loss64(theta))).toBeLessThan(1e-4 * (1 + loss64(theta)));
    got.dispose();
    const { value, grads } = tf.variableGrads(() => tb.loss(batch), net.variables);
    const h = 1e-6;
    let off = 0;
    for (const v of net.variables) {
      const g = grads[v.name]!.dataSync();
      for (let k = 0; k < v.size; k++) {
        const plus = theta.slice();
        const minus = theta.slice();
        plus[off + k]! += h;
        minus[off + k]! -= h;
        const fd = (loss64(plus) - loss64(minus)) / (2 * h);
        expect(Math.abs(g[k]! - fd), `${v.name}[${k}]: ${g[k]} vs ${fd}`).toBeLessThan(1e-3 * (Math.abs(fd) + 0.05));
      }
      off += v.size;
    }
    expect(off).toBe(theta.length);
    tf.dispose([value, ...Object.values(grads)]);
    tb.dispose();
    net.dispose();
  });
});
