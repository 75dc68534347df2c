import * as tf from '@tensorflow/tfjs-core';
import type { Rank, Tensor, Tensor2D, Variable } from '#tensor-types';
import type { Rng } from '../base/rng.js';
import type { Environment } from '../env/environment.js';
import { type ConditionalEnvironment, isConditional } from '../env/condition/conditional-environment.js';
import type { Trajectories } from '../sampling/trajectories.js';
import { Mlp } from '../tensor/mlp.js';
import { ownedVariable } from '../tensor/names.js';
import { readValues } from '../tensor/read.js';
import { initialLogZValue, type LogZInit } from './initial-log-z.js';

/**
 * The log Z an objective learns: one number, or in a conditional run a function log Z(c) of the
 * condition (a small network on the condition's features), so that each trajectory's residual
 * uses the partition function of its own target.
 */
export interface LearnedLogZ {
  /** Its trainable variables. */
  readonly variables: readonly Variable[];
  /**
   * log Z of each trajectory of `batch` (differentiable): the scalar variable itself when log Z is
   * one number (it broadcasts), else `[nTraj]` of log Z(c_i).
   */
  perTrajectory(batch: Trajectories): Tensor;
  /** {@link perTrajectory}'s values on the host: the one number, or log Z(c_i) of each trajectory. */
  perTrajectoryValues(batch: Trajectories): number | Float32Array;
  /** log Z at the environment's s0 (the reference condition of a conditional run): the `logZ` metric. */
  value(): number;
  /** log Z at the condition the initial state `s0` carries (a conditional run's per-condition evaluation). */
  at(s0: Int32Array): number;
  /** Sets the starting log Z for every condition (`logZInit: "auto"`); returns the value stored (float32). */
  assignInitial(value: number): number;
  dispose(): void;
}

/** log Z as one scalar variable (every unconditional run). */
export class ScalarLogZ implements LearnedLogZ {
  readonly variable: Variable<Rank.R0>;

  constructor(init: LogZInit, name: string) {
    this.variable = ownedVariable(tf.scalar(initialLogZValue(init)), name);
  }

  get variables(): readonly Variable[] {
    return [this.variable];
  }

  perTrajectory(): Tensor {
    return this.variable;
  }

  perTrajectoryValues(): number {
    return this.value();
  }

  value(): number {
    return this.variable.dataSync()[0]!;
  }

  at(): number {
    return this.value();
  }

  assignInitial(value: number): number {
    return assignScalar(this.variable, value);
  }

  dispose(): void {
    this.variable.dispose();
  }
}

/** The one variable of an unconditional run's log Z; `owner` (the objective) names the error of a conditional one. */
export function scalarLogZVariable(logZ: LearnedLogZ, owner: string): Variable<Rank.R0> {
  if (!(logZ instanceof ScalarLogZ)) throw new Error(`${owner}: a conditional log Z(c) is a network, not one variable`);
  return logZ.variable;
}

/** Assigns `value` to a scalar variable and returns what it stores (float32): a log Z's start. */
export function assignScalar(variable: Variable<Rank.R0>, value: number): number {
  return assignFirst(variable, tf.scalar(value));
}

/** Assigns `value` (which it frees) to `variable` and returns the variable's first entry. */
function assignFirst<R extends Rank>(variable: Variable<R>, value: Tensor<R>): number {
  variable.assign(value);
  value.dispose();
  return variable.dataSync()[0]!;
}

/** Hidden widths of the log Z(c) network: the condition has a handful of features. */
export const CONDITIONAL_LOG_Z_HIDDEN = [64, 64];

/**
 * log Z(c): an MLP on the condition's features (`ConditionSpace.features`). Its output layer starts
 * at zero weights with the bias at the initial log Z, so that log Z(c) starts equal to it for every
 * condition, as a scalar log Z would.
 */
export class ConditionalLogZ implements LearnedLogZ {
  readonly network: Mlp;

  constructor(
    private readonly env: ConditionalEnvironment,
    init: LogZInit,
    name: string,
    rng: Rng,
  ) {
    const f = env.space.featureDim;
    this.network = new Mlp({ inputDim: f, hidden: CONDITIONAL_LOG_Z_HIDDEN, outputDim: 1, activation: 'relu' }, rng, name);
    const last = this.network.layers[this.network.layers.length - 1]!;
    last.assign(new Float32Array(last.inDim), [initialLogZValue(init)]);
  }

  get variables(): readonly Variable[] {
    return this.network.variables;
  }

  perTrajectory(batch: Trajectories): Tensor {
    // a trajectory's first state carries its condition like every other
    return tf.tidy(() => tf.reshape(this.network.apply(this.features(batch.firstStates())), [batch.nTraj]));
  }

  perTrajectoryValues(batch: Trajectories): Float32Array {
    return readValues(() => this.perTrajectory(batch));
  }

  value(): number {
    return this.at(this.env.s0);
  }

  at(s0: Int32Array): number {
    return readValues(() => this.network.predict(this.features(s0)))[0]!;
  }

  assignInitial(value: number): number {
    const last = this.network.layers[this.network.layers.length - 1]!;
    return assignFirst(last.bias, tf.tensor1d([value]));
  }

  dispose(): void {
    this.network.dispose();
  }

  private features(states: Int32Array): Tensor2D {
    const rows = states.length / this.env.stateDim;
    return tf.tensor2d(this.env.conditionFeatures(states), [rows, this.env.space.featureDim]);
  }
}

/**
 * The log Z of an objective on `env`: log Z(c) on a conditional environment (the output layer
 * starts at zero weights, so a new network's variables are drawn from `rng` only there: an
 * unconditional run draws nothing), one scalar variable named `name` otherwise. `owner` (the
 * objective's name) names the error when a conditional environment comes without `rng`.
 */
export function learnedLogZ(env: Environment, init: LogZInit, name: string, owner: string, rng?: () => Rng): LearnedLogZ {
  if (!isConditional(env)) return new ScalarLogZ(init, name);
  if (!rng) throw new Error(`${owner}: a conditional environment needs an Rng for the initial weights of log Z(c)`);
  return new ConditionalLogZ(env, init, name, rng());
}
