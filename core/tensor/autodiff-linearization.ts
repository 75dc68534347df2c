import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor2D, Variable } from '#tensor-types';
import type { Linearization } from './estimator.js';

/** What {@link linearizeByAutodiff} needs of a network: its differentiable pass, inference pass and variables. */
export interface Differentiable {
  apply(x: Tensor2D): Tensor2D;
  predict(x: Tensor2D): Tensor2D;
  readonly variables: readonly Variable[];
}

/**
 * The linearisation of any network at inputs `x` through reverse-mode automatic differentiation,
 * for networks without a hand-written one (the dense stack's is in `linearization.ts`):
 *
 * - Jᵀ·u is the gradient of Σ outputs ⊙ u w.r.t. the variables;
 * - J·v is obtained by differentiating twice: g(u) = Jᵀ·u is linear in u, so the gradient of
 *   ⟨g(u), v⟩ w.r.t. u is J·v at every u (taken at u = 0). The tensor backend records the
 *   backward pass's operations when it runs inside an outer gradient computation, which is what
 *   makes the second differentiation possible.
 *
 * Each product recomputes the forward pass (nothing is cached between products), so a product
 * costs about one training step's forward and backward pass (J·v about twice that). No `gram`:
 * a trust-region step runs its matrix-free conjugate gradients.
 */
export function linearizeByAutodiff(net: Differentiable, x: Tensor2D): Linearization {
  const outputs = net.predict(x);
  const variables = [...net.variables];
  const vjp = (u: Tensor2D): Tensor[] =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), u)), variables);
      value.dispose();
      // a variable the outputs do not depend on gets no entry: its block of Jᵀ·u is zero
      return variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
    });
  return {
    outputs,
    vjp,
    jvp: (tangents) => {
      if (tangents.length !== variables.length)
        throw new Error(`linearisation: expected ${variables.length} tangents (one per variable), got ${tangents.length}`);
      return tf.tidy(() => {
        const atZero = tf.zeros(outputs.shape) as Tensor2D;
        return tf.grad((u: Tensor) => tf.addN(vjp(u as Tensor2D).map((g, i) => tf.sum(tf.mul(g, tangents[i]!)))) as Scalar)(atZero) as Tensor2D;
      });
    },
    dispose: () => outputs.dispose(),
  };
}
