import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { globalNormClip, HostAdam } from '../../core/tensor/host-adam.js';
import { ownedVariable } from '../../core/tensor/names.js';

/** A small least-squares problem on two variables: loss = Σ (W x − y)² + Σ (b − 3)². */
function problem(tag: string) {
  const w = ownedVariable(tf.tensor2d([0.5, -0.2, 0.1, 0.3], [2, 2]), `${tag}/w`);
  const b = ownedVariable(tf.tensor1d([1, -1]), `${tag}/b`);
  const loss = (): tf.Scalar =>
    tf.tidy(() => tf.add(tf.sum(tf.square(tf.sub(tf.matMul(tf.tensor2d([[1, 2]]), w), tf.tensor2d([[2, -1]])))), tf.sum(tf.square(tf.sub(b, 3)))) as tf.Scalar);
  return { vars: [w, b], loss };
}

describe('HostAdam', () => {
  it('follows tf.train.adam step for step (same hyper-parameters)', () => {
    const a = problem('host');
    const b = problem('tfjs');
    const host = new HostAdam(a.vars, { learningRate: 0.05, epsilon: 1e-5 });
    const reference: tf.Optimizer = tf.train.adam(0.05, 0.9, 0.999, 1e-5);
    for (let step = 0; step < 30; step++) {
      const ga = tf.variableGrads(a.loss, a.vars);
      ga.value.dispose();
      host.applyGradients(ga.grads);
      const gb = tf.variableGrads(b.loss, b.vars);
      gb.value.dispose();
      reference.applyGradients(gb.grads);
      tf.dispose(Object.values(gb.grads));
    }
    a.vars.forEach((v, k) => {
      const x = v.dataSync();
      const y = b.vars[k]!.dataSync();
      x.forEach((xi, i) => expect(Math.abs(xi - y[i]!)).toBeLessThan(1e-5));
    });
    // and it did move: 30 steps of 0.05 towards the optimum
    expect(Math.abs(a.vars[1]!.dataSync()[0]! - 1)).toBeGreaterThan(1);
    reference.dispose();
    tf.dispose([...a.vars, ...b.vars]);
  });

  it('clips the global norm of all gradients together, as if Adam were fed the scaled gradients', () => {
    const a = problem('clip-host');
    const b = problem('clip-tfjs');
    const host = new HostAdam(a.vars, { learningRate: 0.01 });
    const reference: tf.Optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 5; step++) {
      const ga = tf.variableGrads(a.loss, a.vars);
      ga.value.dispose();
      const expectedNorm = Math.sqrt(Object.values(ga.grads).reduce((s, g) => s + g.square().sum().dataSync()[0]!, 0));
      const norm = host.applyGradients(ga.grads, 0.5);
      expect(Math.abs(norm - expectedNorm) / expectedNorm).toBeLessThan(1e-6);
      const gb = tf.variableGrads(b.loss, b.vars);
      gb.value.dispose();
      const scale = 0.5 / (expectedNorm + 1e-6);
      const scaled: tf.NamedTensorMap = {};
      for (const [k, g] of Object.entries(gb.grads)) scaled[k] = tf.mul(g, scale);
      reference.applyGradients(scaled);
      tf.dispose([...Object.values(gb.grads), ...Object.values(scaled)]);
    }
    a.vars.forEach((v, k) => v.dataSync().forEach((xi, i) => expect(Math.abs(xi - b.vars[k]!.dataSync()[i]!)).toBeLessThan(1e-6)));
    reference.dispose();
    tf.dispose([...a.vars, ...b.vars]);
  });

  it('globalNormClip: the norm, and a factor only when it exceeds the limit', () => {
    expect(globalNormClip([3, 4], 10)).toEqual({ norm: 5, scale: 1 });
    const { norm, scale } = globalNormClip([3, 4], 1);
    expect(norm).toBe(5);
    expect(scale).toBeCloseTo(1 / (5 + 1e-6), 15);
    expect(globalNormClip([0, 0], 0.5)).toEqual({ norm: 0, scale: 1 });
  });
});
