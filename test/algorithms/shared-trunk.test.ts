import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { recordRun, smallConfig } from '../training/run-helpers.js';

describe('backward policy on a trunk shared with P_F', () => {
  it('shares the hidden layers, owns only its head, and matches a hand forward pass', () => {
    const pf = new Mlp({ inputDim: 4, hidden: [5, 6], outputDim: 3, activation: 'relu' }, new Rng(2), 'pf');
    const pb = pf.withSharedTrunk(2, new Rng(3), 'pb');
    const trunkVars = pf.layers.slice(0, -1).flatMap((l) => l.variables);
    expect(pb.variables.slice(0, trunkVars.length)).toEqual(trunkVars);
    expect(pb.variables).toHaveLength(trunkVars.length + 2);
    const x = tf.tensor2d([[1, 0, 0.5, -1]]);
    const viaTrunk = tf.tidy(() => tf.add(tf.matMul(pf.trunkPredict(x), pb.variables.at(-2)! as tf.Tensor2D), pb.variables.at(-1)!).dataSync());
    const direct = tf.tidy(() => pb.predict(x).dataSync());
    direct.forEach((v, k) => expect(v).toBeCloseTo(viaTrunk[k]!, 6));
    const before = tf.memory().numTensors;
    pb.dispose();
    expect(tf.memory().numTensors).toBe(before - 3); // only the head's weight, bias and the weight's kernel view
    expect(pf.variables.every((v) => !v.isDisposed)).toBe(true);
    x.dispose();
    pf.dispose();
  });

  it('TB with backward "shared" trains on 2-D H=8 (TV < 0.08) and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const run = await recordRun(smallConfig({ iterations: 1500, objective: { name: 'tb', backward: 'shared' } }), { stopBelowTv: 0.08 });
    expect(run.evaluations.at(-1)!.metrics.tv).toBeLessThan(0.08);
    expect(tf.memory().numTensors).toBe(before);
  });
});
