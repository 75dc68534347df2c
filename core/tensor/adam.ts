import * as tf from '@tensorflow/tfjs-core';
import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import { loadAdamState, saveAdamState } from './adam-state.js';

/** A set of variables trained with one learning rate. */
export interface ParamGroup {
  name: string;
  variables: readonly tf.Variable[];
  learningRate: number;
}

/**
 * Adam over several parameter groups, each with its own learning rate (e.g. the policy network at
 * 1e-3 and log Z at 0.1). One gradient computation covers all groups.
 */
export class GroupedAdam implements Checkpointable {
  private readonly optimizers: Array<{ group: ParamGroup; opt: tf.Optimizer }>;

  constructor(groups: readonly ParamGroup[], readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-8) {
    this.optimizers = groups.map((group) => ({ group, opt: tf.train.adam(group.learningRate, beta1, beta2, epsilon) }));
  }

  /** All variables of all groups. */
  get variables(): tf.Variable[] {
    return this.optimizers.flatMap(({ group }) => [...group.variables]);
  }

  /**
   * Minimises the scalar returned by `loss` by one Adam step and returns its value.
   * Tensors created inside `loss` are disposed.
   */
  minimize(loss: () => tf.Scalar): number {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.applyGradients(grads);
    const v = value.dataSync()[0]!;
    value.dispose();
    return v;
  }

  /** Applies (and disposes) gradients keyed by variable name; variables without a gradient are skipped. */
  applyGradients(grads: tf.NamedTensorMap): void {
    for (const { group, opt } of this.optimizers) {
      const own: tf.NamedTensorMap = {};
      for (const v of group.variables) if (grads[v.name]) own[v.name] = grads[v.name]!;
      if (Object.keys(own).length > 0) opt.applyGradients(own);
    }
    tf.dispose(Object.values(grads));
  }

  /** Every group's exact Adam state (step count, β^t accumulators, moments), keyed by group name. */
  saveState(): StateRecord {
    return { groups: Object.fromEntries(this.optimizers.map(({ group, opt }) => [group.name, saveAdamState(opt)])) };
  }

  /** Restores {@link saveState}'s output into optimizers over the same groups. */
  loadState(state: StateRecord): void {
    const groups = (state.groups ?? {}) as Record<string, StateRecord>;
    for (const { group, opt } of this.optimizers) {
      const saved = groups[group.name];
      if (!saved) throw new Error(`checkpoint: no state for the Adam group '${group.name}' (saved groups: ${Object.keys(groups).join(', ') || 'none'})`);
      loadAdamState(opt, saved, `Adam group '${group.name}'`);
    }
  }

  dispose(): void {
    for (const { opt } of this.optimizers) opt.dispose();
  }
}
