import type { ExplorationOptions } from '../../../core/policy/categorical.js';
import { Trajectories } from '../../../core/sampling/trajectories.js';
import type { SampledBatch } from '../../../core/sampling/trajectory-source.js';

/**
 * The protocol between the pipelined trainer's {@link WorkerTrajectorySource} and its sampling
 * thread (`sampling-worker.ts`): plain data and typed arrays, the arrays moved (transfer lists),
 * never copied through JSON. Requests are answered in order.
 */

/** What the thread starts with. */
export interface SamplingWorkerData {
  /** The run's resolved config. */
  config: Record<string, unknown>;
  /** The tensor backend the run selected. */
  backend: string;
  /** Seed of the thread's random stream. */
  seed: number;
  /** Where relative plugin paths of `config.plugins` resolve from (the starting process's working directory). */
  baseDir: string;
}

/** Main thread → sampling thread. */
export type SamplingRequest =
  | { kind: 'sample'; n: number; exploration: ExplorationOptions; version: number; values: Float32Array[] }
  | { kind: 'restore'; rngState: number[] }
  /** Free what the thread built and exit, after the requests before it. */
  | { kind: 'close' };

/** A sampled batch as it travels: {@link SampledBatch} with its trajectories taken apart. */
export interface BatchMessage {
  kind: 'batch';
  nTraj: number;
  maxSteps: number;
  stateDim: number;
  states: Int32Array;
  actions: Int32Array;
  lengths: Int32Array;
  logRewards: Float64Array;
  behaviourLogProb: Float64Array;
  parameterVersion: number;
  exploration: ExplorationOptions;
  rngState: number[];
}

/** Sampling thread → main thread: a batch, or the failure that ended the thread's work. */
export type SamplingReply = BatchMessage | { kind: 'error'; message: string; stack?: string };

/** `batch` as a message and the buffers to transfer with it (only arrays that own their whole buffer). */
export function batchMessage(batch: SampledBatch): { message: BatchMessage; transfer: ArrayBuffer[] } {
  const t = batch.trajectories;
  // an environment may hand out views of memory it reuses: copy its log-rewards, move the rest
  const message: BatchMessage = {
    kind: 'batch',
    nTraj: t.nTraj,
    maxSteps: t.maxSteps,
    stateDim: t.stateDim,
    states: t.states,
    actions: t.actions,
    lengths: t.lengths,
    logRewards: t.logRewards.slice(),
    behaviourLogProb: batch.behaviourLogProb,
    parameterVersion: batch.parameterVersion,
    exploration: batch.exploration,
    rngState: batch.rngState,
  };
  const arrays = [message.states, message.actions, message.lengths, message.logRewards, message.behaviourLogProb];
  const transfer = arrays.filter((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength).map((a) => a.buffer as ArrayBuffer);
  return { message, transfer };
}

/** The {@link SampledBatch} a {@link BatchMessage} carries. */
export function sampledBatchOf(m: BatchMessage): SampledBatch {
  return {
    trajectories: new Trajectories('forward', m.nTraj, m.maxSteps, m.stateDim, m.states, m.actions, m.lengths, m.logRewards),
    behaviourLogProb: m.behaviourLogProb,
    parameterVersion: m.parameterVersion,
    exploration: m.exploration,
    rngState: m.rngState,
  };
}
