import * as tf from '@tensorflow/tfjs';
import type { StateRecord } from '../checkpoint/checkpointable.js';
import { loadVariables, type SavedTensor, saveTensors } from '../checkpoint/encoding.js';

/**
 * Adam over one set of variables with one learning rate, its moments kept as two flat vectors.
 *
 * Why: tfjs's Adam runs about a dozen kernels per variable (~10 µs of dispatch each on wasm, and
 * most of an MLP's variables are small); here one step is ~20 kernels on the concatenated
 * gradients and parameters, two reshapes per variable and one upload per variable. The arithmetic is tfjs's, op for op and in
 * float32 — m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p + (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε) · (−lr),
 * with β^t accumulated by repeated multiplication — so the updates are bit for bit those of
 * `tf.train.adam`. Its checkpoint record has the layout of a tfjs Adam's (per-variable moments by
 * position, named `<variable>/m` and `<variable>/v`, the β accumulators and the step count).
 */
export class FlatAdam {
  private readonly sizes: number[];
  private readonly m: tf.Variable<tf.Rank.R1>;
  private readonly v: tf.Variable<tf.Rank.R1>;
  private readonly accBeta1: tf.Variable<tf.Rank.R0>;
  private readonly accBeta2: tf.Variable<tf.Rank.R0>;
  private iterations = 0;

  constructor(
    readonly variables: readonly tf.Variable[],
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    this.sizes = variables.map((v) => v.size);
    const n = this.sizes.reduce((a, b) => a + b, 0);
    // a variable adds its own reference to the data: the initial tensors go with the tidy
    this.m = tf.tidy(() => tf.zeros([n]).variable(false)) as tf.Variable<tf.Rank.R1>;
    this.v = tf.tidy(() => tf.zeros([n]).variable(false)) as tf.Variable<tf.Rank.R1>;
    this.accBeta1 = tf.tidy(() => tf.scalar(beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(beta2).variable(false));
  }

  /** One step from gradients keyed by variable name (not disposed here); variables without one are left alone. */
  applyGradients(grads: tf.NamedTensorMap): void {
    const { variables } = this;
    const present = variables.map((v) => grads[v.name] !== undefined);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, this.accBeta2);
      const update = (m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, p: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] => {
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const mHat = tf.div(newM, oneMinusAccBeta1);
        const vHat = tf.div(newV, oneMinusAccBeta2);
        return [newM, newV, tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate), p)];
      };
      if (present.every(Boolean)) {
        const flat = (ts: tf.Tensor[]): tf.Tensor => (ts.length === 1 ? tf.reshape(ts[0]!, [-1]) : tf.concat(ts.map((t) => tf.reshape(t, [-1]))));
        const [newM, newV, newP] = update(this.m, this.v, flat(variables.map((v) => grads[v.name]!)), flat([...variables]));
        this.m.assign(newM as tf.Tensor1D);
        this.v.assign(newV as tf.Tensor1D);
        if (variables.length === 1) variables[0]!.assign(tf.reshape(newP, variables[0]!.shape));
        else {
          // one read and one upload per variable: the wasm split/slice kernels copy the whole
          // input once per part
          const values = newP.dataSync() as Float32Array;
          let off = 0;
          for (const v of variables) {
            v.assign(tf.tensor(values.subarray(off, off + v.size), v.shape));
            off += v.size;
          }
        }
      } else {
        // rare (a variable the loss does not reach): per variable, its moments untouched
        const ms = tf.split(this.m, this.sizes);
        const vs = tf.split(this.v, this.sizes);
        variables.forEach((variable, i) => {
          if (!present[i]) return;
          const [newM, newV, newP] = update(ms[i]!, vs[i]!, tf.reshape(grads[variable.name]!, [-1]), tf.reshape(variable, [-1]));
          ms[i] = newM;
          vs[i] = newV;
          variable.assign(tf.reshape(newP, variable.shape));
        });
        this.m.assign(tf.concat(ms) as tf.Tensor1D);
        this.v.assign(tf.concat(vs) as tf.Tensor1D);
      }
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.iterations += 1;
  }

  /** Step count, β accumulators and per-variable moments (the layout of a tfjs Adam's state). */
  saveState(): StateRecord {
    const perVariable = (flat: tf.Tensor1D, suffix: string): SavedTensor[] => {
      const parts = tf.tidy(() => (this.variables.length === 1 ? [tf.reshape(flat, this.variables[0]!.shape)] : tf.split(flat, this.sizes).map((p, i) => tf.reshape(p, this.variables[i]!.shape))));
      const saved = saveTensors(parts.map((tensor, i) => ({ name: `${this.variables[i]!.name}/${suffix}`, tensor })));
      tf.dispose(parts);
      return saved;
    };
    return {
      iterations: this.iterations,
      accBetas: saveTensors([
        { name: 'accBeta1', tensor: this.accBeta1 },
        { name: 'accBeta2', tensor: this.accBeta2 },
      ]),
      firstMoments: perVariable(this.m, 'm'),
      secondMoments: perVariable(this.v, 'v'),
    };
  }

  /** Restores {@link saveState}'s output (or a tfjs Adam's, saved before its first step: no moments). */
  loadState(state: StateRecord, owner: string): void {
    const first = state.firstMoments as SavedTensor[];
    const second = state.secondMoments as SavedTensor[];
    if (!Array.isArray(first) || !Array.isArray(second) || first.length !== second.length) throw new Error(`checkpoint: ${owner} has malformed Adam moments`);
    if (first.length !== 0 && first.length !== this.variables.length) {
      throw new Error(`checkpoint: ${owner} has moments for ${first.length} variables, this optimizer trains ${this.variables.length} (was the config changed?)`);
    }
    loadVariables([this.accBeta1, this.accBeta2], state.accBetas as SavedTensor[], `${owner} (β accumulators)`);
    const restore = (flat: tf.Variable<tf.Rank.R1>, saved: SavedTensor[], suffix: string): void => {
      if (saved.length === 0) {
        tf.tidy(() => flat.assign(tf.zerosLike(flat)));
        return;
      }
      const parts = this.variables.map((v) => tf.tidy(() => tf.zeros(v.shape).variable(false)));
      try {
        loadVariables(parts, saved, `${owner} (${suffix})`);
        tf.tidy(() => flat.assign(tf.concat(parts.map((p) => tf.reshape(p, [-1]))) as tf.Tensor1D));
      } finally {
        tf.dispose(parts);
      }
    };
    restore(this.m, first, 'first moments');
    restore(this.v, second, 'second moments');
    this.iterations = Number(state.iterations);
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.accBeta1, this.accBeta2]);
  }
}
