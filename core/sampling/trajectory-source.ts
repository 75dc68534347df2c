import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../base/rng.js';
import type { Environment } from '../env/environment.js';
import type { ExplorationOptions } from '../policy/categorical.js';
import { hasRewardStats } from '../env/remote-reward.js';
import type { RewardClientStats } from '../env/reward-client.js';
import type { Estimator } from '../tensor/estimator.js';
import { withFloatValues } from '../tensor/read.js';
import { Sampler } from './sampler.js';
import type { Trajectories } from './trajectories.js';

/**
 * Trajectory sources: where a learner's batches come from when sampling is decoupled from the
 * update (the pipelined trainer; actors feeding a learner). A source samples forward batches with
 * the parameters it is handed, in request order, and says for each batch which parameters and
 * which behaviour drew it, so that the learner can treat it as off-policy data.
 */

/** A batch to sample. */
export interface BatchRequest {
  /** Trajectories to draw. */
  n: number;
  /** The behaviour: ε-uniform mix and temperature on top of P_F. */
  exploration: ExplorationOptions;
}

/** P_F's parameters at one moment: one array per variable, in the estimator's variable order. */
export interface ParameterSnapshot {
  /** Updates the learner had made when it took the snapshot. */
  version: number;
  values: Float32Array[];
}

/** A batch a source sampled, with what drew it. */
export interface SampledBatch {
  trajectories: Trajectories;
  /** The {@link ParameterSnapshot.version} of the parameters it was sampled with. */
  parameterVersion: number;
  /** log q(τ) of each trajectory under the behaviour that drew it (those parameters and `exploration`). */
  behaviourLogProb: Float64Array;
  exploration: ExplorationOptions;
  /** The source's random stream right after this batch (what a checkpoint taken after consuming it saves). */
  rngState: number[];
  /** The counters of the source's reward client after this batch, where its reward comes from a service (a `reward` section). */
  rewardStats?: RewardClientStats;
}

/**
 * Where batches come from. Requests are answered in order; a source may start sampling a request
 * as soon as it is made (a worker thread does), so {@link request} returns at once and
 * {@link next} waits for the oldest unanswered batch.
 */
export interface TrajectorySource {
  /** Queues a batch to be sampled with `parameters`; the arrays may be transferred (do not reuse them). */
  request(request: BatchRequest, parameters: ParameterSnapshot): void;
  /** The oldest requested batch not yet taken; rejects with the source's failure. */
  next(): Promise<SampledBatch>;
  /** Puts the random stream at `state` (a {@link SampledBatch.rngState}); only with no request outstanding. */
  restore(state: readonly number[]): void;
  /** Stops sampling and frees what the source holds; outstanding requests are dropped. Idempotent. */
  close(): Promise<void>;
}

/** A copy of `estimator`'s parameters (host arrays the snapshot owns, so they may be transferred). */
export function snapshotParameters(estimator: Estimator, version: number): ParameterSnapshot {
  // one copy on every backend (dataSync already copies on wasm: a .slice() of it would be a second)
  return { version, values: estimator.variables.map((v) => withFloatValues(v, (x) => x.slice())) };
}

/** Loads `values` (one array per variable, in order) into `estimator`'s variables, checking their sizes. */
export function loadParameters(estimator: Estimator, values: readonly Float32Array[]): void {
  const { variables } = estimator;
  if (values.length !== variables.length) throw new Error(`parameters: ${values.length} arrays for ${variables.length} variables`);
  tf.tidy(() => {
    variables.forEach((v, i) => {
      if (values[i]!.length !== v.size) throw new Error(`parameters: variable '${v.name}' has ${v.size} values, got ${values[i]!.length}`);
      v.assign(tf.tensor(values[i]!, v.shape, v.dtype));
    });
  });
}

/**
 * A {@link TrajectorySource} in the calling thread: each batch is sampled when {@link next} asks
 * for it, with the parameters its request carried loaded into `estimator` (its own copy of P_F),
 * from the random stream `rng`. The worker-thread source runs one of these in its thread.
 */
export class InThreadTrajectorySource implements TrajectorySource {
  private readonly sampler: Sampler;
  private readonly queue: Array<{ request: BatchRequest; parameters: ParameterSnapshot }> = [];
  private closed = false;

  constructor(
    private readonly env: Environment,
    private readonly estimator: Estimator,
    private readonly rng: Rng,
  ) {
    this.sampler = new Sampler(env, estimator, rng);
  }

  request(request: BatchRequest, parameters: ParameterSnapshot): void {
    if (this.closed) throw new Error('trajectory source: request after close()');
    this.queue.push({ request, parameters });
  }

  /** The oldest request, sampled now; resolves once its rewards have arrived (a reward service's take time). */
  async next(): Promise<SampledBatch> {
    const item = this.queue.shift();
    if (!item) throw new Error('trajectory source: next() without a request');
    const { request, parameters } = item;
    loadParameters(this.estimator, parameters.values);
    const { trajectories, behaviourLogProb } = await this.sampler.sampleForwardRecorded(request.n, request.exploration);
    return {
      trajectories,
      behaviourLogProb,
      parameterVersion: parameters.version,
      exploration: request.exploration,
      rngState: this.rng.getState(),
      ...(hasRewardStats(this.env) ? { rewardStats: this.env.rewardStats() } : {}),
    };
  }

  restore(state: readonly number[]): void {
    if (this.queue.length > 0) throw new Error('trajectory source: restore() with requests outstanding');
    this.rng.setState(state);
  }

  close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    return Promise.resolve();
  }
}
