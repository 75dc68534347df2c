import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Scalar, Variable } from '#tensor-types';
import type { Checkpointable, StateRecord } from '../checkpoint/checkpointable.js';
import { Float32Adam } from './float32-adam.js';

/** A set of variables trained with one learning rate. */
export interface ParamGroup {
  name: string;
  variables: readonly Variable[];
  learningRate: number;
}

/**
 * Adam over several parameter groups, each with its own learning rate (e.g. the policy network at
 * 1e-3 and log Z at 0.1). One gradient computation covers all groups. Each group's update is
 * `tf.train.adam`'s bit for bit, computed outside the backend (see {@link Float32Adam}).
 */
export class GroupedAdam implements Checkpointable {
  private readonly optimizers: Array<{ group: ParamGroup; opt: Float32Adam }>;

  constructor(
    groups: readonly ParamGroup[],
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.optimizers = groups.map((group) => ({ group, opt: new Float32Adam(group.learningRate, beta1, beta2, epsilon) }));
  }

  /** All variables of all groups. */
  get variables(): Variable[] {
    return this.optimizers.flatMap(({ group }) => [...group.variables]);
  }

  /**
   * Minimises the scalar returned by `loss` by one Adam step and returns its value.
   * Tensors created inside `loss` are disposed.
   */
  minimize(loss: () => Scalar): number {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.applyGradients(grads);
    const v = value.dataSync()[0]!;
    value.dispose();
    return v;
  }

  /** Applies (and disposes) gradients keyed by variable name; variables without a gradient are skipped. */
  applyGradients(grads: NamedTensorMap): void {
    for (const { group, opt } of this.optimizers) {
      const variables = group.variables.filter((v) => grads[v.name] !== undefined);
      if (variables.length > 0)
        opt.applyGradients(
          variables,
          variables.map((v) => grads[v.name]!),
        );
    }
    tf.dispose(Object.values(grads));
  }

  /** Every group's exact Adam state (step count, β^t accumulators, moments), keyed by group name. */
  saveState(): StateRecord {
    return { groups: Object.fromEntries(this.optimizers.map(({ group, opt }) => [group.name, opt.saveState()])) };
  }

  /** Restores {@link saveState}'s output into optimizers over the same groups. */
  loadState(state: StateRecord): void {
    const groups = (state.groups ?? {}) as Record<string, StateRecord>;
    for (const { group, opt } of this.optimizers) {
      const saved = groups[group.name];
      if (!saved) throw new Error(`checkpoint: no state for the Adam group '${group.name}' (saved groups: ${Object.keys(groups).join(', ') || 'none'})`);
      opt.loadState(saved, `Adam group '${group.name}'`);
    }
  }

  /** Nothing to free: the optimiser's state lives outside the tensor backend. */
  dispose(): void {}
}
