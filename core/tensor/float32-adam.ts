import type { Tensor, Variable } from '#tensor-types';
import type { StateRecord } from '../checkpoint/checkpointable.js';
import { decodeArray, encodeArray, type SavedTensor } from '../checkpoint/encoding.js';
import { type AdamConstants, AdamWorkspace } from './adam-kernel.js';
import { tensorOfReusedValues, withFloatValues } from './read.js';

const f32 = Math.fround;

/** One moment slot (see {@link Float32Adam}) and the parameter buffer of the variable using it. */
interface Slot {
  /** Name of the variable the slot was created for (the saved moments are named after it). */
  name: string;
  shape: number[];
  size: number;
  m: number;
  v: number;
  p: number;
  /** The variable and tensor data whose values `p` holds, if any. */
  holds?: { variable: Variable; dataId: object };
}

/**
 * Adam with the exact arithmetic of `tf.train.adam` — the same float32 operations in the same
 * order with the same float32 constants — computed outside the tensor backend: the parameters
 * are bit for bit those of `tf.train.adam`.
 *
 * Why: on the wasm backend `tf.train.adam` runs ~15 kernels per variable, each a dispatch and a
 * pass over the values (an MLP 4x256: ~150 kernels, 3–4 ms a step); here a step is one gradient
 * read and one parameter upload per variable around one SIMD loop (see adam-kernel.ts). The
 * parameters are kept next to the moments and read again only when the variable's data changed
 * since this optimiser wrote it (a checkpoint load, an assignment by other code).
 *
 * Moments are positional, like `tf.train.adam`'s: slot i belongs to the i-th variable that has a
 * gradient in a step (a variable without one shifts the later slots). The state record has the
 * layout of `tf.train.adam`'s internals (step count, β^t accumulators, moments named `<var>/m`
 * and `<var>/v`), so checkpoints written before this optimiser existed load unchanged.
 */
export class Float32Adam {
  private readonly workspace: AdamWorkspace;
  private readonly slots: Slot[] = [];
  private gradient = { offset: 0, size: 0 };
  private accBeta1: number;
  private accBeta2: number;
  private iterations = 0;

  constructor(
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
    useSimd = true,
  ) {
    this.workspace = new AdamWorkspace(useSimd);
    this.accBeta1 = f32(beta1);
    this.accBeta2 = f32(beta2);
  }

  /** One step with `gradients[i]` for `variables[i]` (the gradients are not disposed). */
  applyGradients(variables: readonly Variable[], gradients: readonly Tensor[]): void {
    const constants: AdamConstants = {
      beta1: f32(this.beta1),
      beta2: f32(this.beta2),
      oneMinusBeta1: f32(1 - this.beta1),
      oneMinusBeta2: f32(1 - this.beta2),
      correction1: f32(1 - this.accBeta1),
      correction2: f32(1 - this.accBeta2),
      epsilon: f32(this.epsilon),
      negLearningRate: f32(-this.learningRate),
    };
    variables.forEach((variable, i) => {
      const slot = this.slot(i, variable);
      const gradient = gradients[i]!;
      if (gradient.size !== slot.size || variable.size !== slot.size) {
        throw new Error(
          `Adam: variable '${variable.name}' (${variable.size} values, gradient ${gradient.size}) does not fit its moment slot ${i} ('${slot.name}', ${slot.size} values)`,
        );
      }
      const gOffset = this.gradientBuffer(slot.size);
      if (!slot.holds || slot.holds.variable !== variable || slot.holds.dataId !== variable.dataId) {
        this.workspace.view(slot.p, slot.size).set(variable.dataSync() as Float32Array);
      }
      withFloatValues(gradient, (g) => this.workspace.view(gOffset, slot.size).set(g));
      this.workspace.step(slot.p, gOffset, slot.m, slot.v, slot.size, constants);
      const t = tensorOfReusedValues(this.workspace.view(slot.p, slot.size), variable.shape);
      variable.assign(t);
      t.dispose();
      slot.holds = { variable, dataId: variable.dataId };
    });
    this.accBeta1 = f32(this.accBeta1 * constants.beta1);
    this.accBeta2 = f32(this.accBeta2 * constants.beta2);
    this.iterations++;
  }

  private slot(i: number, variable: Variable): Slot {
    if (!this.slots[i]) this.slots[i] = this.newSlot(variable.name, [...variable.shape]);
    return this.slots[i]!;
  }

  private newSlot(name: string, shape: number[]): Slot {
    const size = shape.reduce((a, b) => a * b, 1);
    return { name, shape, size, m: this.workspace.allocate(size), v: this.workspace.allocate(size), p: this.workspace.allocate(size) };
  }

  private gradientBuffer(size: number): number {
    if (size > this.gradient.size) this.gradient = { offset: this.workspace.allocate(size), size };
    return this.gradient.offset;
  }

  /** The state in the layout of `tf.train.adam`'s internals (see the class comment). */
  saveState(): StateRecord {
    const scalar = (name: string, x: number): SavedTensor => ({ name, shape: [], values: encodeArray(Float32Array.of(x)) });
    const moments = (key: 'm' | 'v'): SavedTensor[] =>
      this.slots.map((s) => ({ name: `${s.name}/${key}`, shape: [...s.shape], values: encodeArray(this.workspace.view(s[key], s.size).slice()) }));
    return {
      iterations: this.iterations,
      accBetas: [scalar('accBeta1', this.accBeta1), scalar('accBeta2', this.accBeta2)],
      firstMoments: moments('m'),
      secondMoments: moments('v'),
    };
  }

  /** Restores {@link saveState}'s output; `owner` names the optimiser in errors. */
  loadState(state: StateRecord, owner: string): void {
    const first = state.firstMoments as SavedTensor[];
    const second = state.secondMoments as SavedTensor[];
    const betas = state.accBetas as SavedTensor[];
    if (!Array.isArray(first) || !Array.isArray(second) || first.length !== second.length) throw new Error(`checkpoint: ${owner} has malformed Adam moments`);
    if (!Array.isArray(betas) || betas.length !== 2)
      throw new Error(`checkpoint: ${owner} must hold 2 β accumulators, got ${Array.isArray(betas) ? betas.length : 'none'}`);
    const [acc1, acc2] = betas.map((b, k) => {
      const values = decodeArray(b.values, 'float32', `${owner} β accumulator ${k + 1}`);
      if (values.length !== 1) throw new Error(`checkpoint: ${owner} β accumulator ${k + 1} must be a scalar, got ${values.length} values`);
      return values[0]!;
    });
    const moments = first.map((s, i) => {
      const m = decodeArray(s.values, 'float32', `${owner} (first moments) '${s.name}'`);
      const v = decodeArray(second[i]!.values, 'float32', `${owner} (second moments) '${second[i]!.name}'`);
      const size = s.shape.reduce((a, b) => a * b, 1);
      if (m.length !== size || v.length !== size)
        throw new Error(`checkpoint: ${owner} moment slot ${i} ('${s.name}') holds ${m.length} and ${v.length} values for shape [${s.shape}]`);
      return { name: s.name.replace(/\/m$/, ''), shape: [...s.shape], m, v };
    });
    const previous = this.slots.splice(0);
    moments.forEach(({ name, shape, m, v }, i) => {
      // a slot of the same size keeps its place in the workspace (a resumed run loads once per
      // optimiser, a long-lived process may load many times); its parameter copy is read again
      const kept = previous[i];
      const slot = kept && kept.size === m.length ? { name, shape, size: kept.size, m: kept.m, v: kept.v, p: kept.p } : this.newSlot(name, shape);
      this.workspace.view(slot.m, slot.size).set(m);
      this.workspace.view(slot.v, slot.size).set(v);
      this.slots.push(slot);
    });
    this.accBeta1 = acc1!;
    this.accBeta2 = acc2!;
    this.iterations = Number(state.iterations);
  }
}
