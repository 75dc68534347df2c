import * as tf from '@tensorflow/tfjs-core';
import type { Checkpointable, StateRecord } from '../../core/checkpoint/checkpointable.js';
import { field } from '../../core/checkpoint/checkpointable.js';
import { loadVariables, type SavedTensor, saveTensors } from '../../core/checkpoint/encoding.js';
import type { Estimator } from '../../core/tensor/estimator.js';

/**
 * A slowly moving copy of an online estimator (the target network of DQN-style losses): every
 * `every` gradient steps, target ← τ·online + (1 − τ)·target. τ = 1 is a periodic hard copy (as
 * DAG-GFlowNet does, every 1,000 steps); τ < 1 with `every` = 1 is Polyak averaging. The target
 * is only evaluated (never differentiated), so terms built on it carry no gradient.
 */
export class TargetNetwork implements Checkpointable {
  private steps = 0;

  /**
   * @param target a second estimator of the same architecture as `online` (its initial values
   *   are overwritten by a copy of `online`'s)
   */
  constructor(
    private readonly online: Estimator,
    readonly target: Estimator,
    readonly every: number,
    readonly tau: number,
  ) {
    if (!Number.isInteger(every) || every < 1) throw new Error(`target network: every must be an integer >= 1, got ${every}`);
    if (!(tau > 0 && tau <= 1)) throw new Error(`target network: tau must be in (0, 1], got ${tau}`);
    if (online.variables.length !== target.variables.length) throw new Error("target network: the target must have the online estimator's architecture");
    this.blend(1);
  }

  /** Counts one gradient step of the online estimator and updates the target when due. */
  step(): void {
    this.steps++;
    if (this.steps % this.every === 0) this.blend(this.tau);
  }

  /** Gradient steps counted so far. */
  get stepsCounted(): number {
    return this.steps;
  }

  private blend(tau: number): void {
    tf.tidy(() => {
      this.online.variables.forEach((v, i) => {
        const t = this.target.variables[i]!;
        t.assign(tau === 1 ? tf.clone(v) : tf.add(tf.mul(v, tau), tf.mul(t, 1 - tau)));
      });
    });
  }

  /** The target's values and the step counter. */
  saveState(): StateRecord {
    return { steps: this.steps, variables: saveTensors(this.target.variables.map((tensor, i) => ({ name: `target${i}`, tensor }))) };
  }

  loadState(state: StateRecord): void {
    loadVariables(this.target.variables, field<SavedTensor[]>(state, 'variables', 'the target network'), 'the target network');
    this.steps = field<number>(state, 'steps', 'the target network');
  }

  dispose(): void {
    this.target.dispose();
  }
}
