import type { RewardClientStats } from '../../../core/env/reward-client.js';
import type { ExplorationOptions } from '../../../core/policy/categorical.js';
import { Trajectories } from '../../../core/sampling/trajectories.js';
import type { ActorBatch } from '../../../core/sampling/actor-link.js';

/**
 * The protocol between the learner's {@link WorkerActorLink} and one actor's sampling thread
 * (`sampling-worker.ts`): plain data and typed arrays, the arrays moved (transfer lists), never
 * copied through JSON. The thread applies the messages in order to an `Actor`
 * (`core/sampling/actor.ts`).
 */

/** What the thread starts with. */
export interface SamplingWorkerData {
  /** The run's resolved config. */
  config: Record<string, unknown>;
  /** The tensor backend the run selected. */
  backend: string;
  /** The actor's number. */
  actor: number;
  /** Seed of the thread's random stream. */
  seed: number;
  /** Where relative plugin paths of `config.plugins` resolve from (the starting process's working directory). */
  baseDir: string;
}

/** Main thread → sampling thread: `Actor.request` / `publish` / `acknowledge` / `restore`, and the end. */
export type SamplingRequest =
  | { kind: 'request' | 'publish'; n: number; exploration: ExplorationOptions; version: number; values: Float32Array[] }
  | { kind: 'acknowledge' }
  | { kind: 'restore'; rngState: number[] }
  /** Free what the thread built and exit, after the requests before it. */
  | { kind: 'close' };

/** A sampled batch as it travels: an {@link ActorBatch} with its trajectories taken apart. */
export interface BatchMessage {
  kind: 'batch';
  actor: number;
  sequence: number;
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
  rewardStats?: RewardClientStats;
}

/** Sampling thread → main thread: a batch, or the failure that ended the thread's work. */
export type SamplingReply = BatchMessage | { kind: 'error'; message: string; stack?: string };

/** `batch` as a message and the buffers to transfer with it (only arrays that own their whole buffer). */
export function batchMessage(batch: ActorBatch): { message: BatchMessage; transfer: ArrayBuffer[] } {
  const t = batch.trajectories;
  // an environment may hand out views of memory it reuses: copy its log-rewards, move the rest
  const message: BatchMessage = {
    kind: 'batch',
    actor: batch.actor,
    sequence: batch.sequence,
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
    ...(batch.rewardStats ? { rewardStats: batch.rewardStats } : {}),
  };
  const arrays = [message.states, message.actions, message.lengths, message.logRewards, message.behaviourLogProb];
  const transfer = arrays.filter((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength).map((a) => a.buffer as ArrayBuffer);
  return { message, transfer };
}

/** The {@link ActorBatch} a {@link BatchMessage} carries. */
export function actorBatchOf(m: BatchMessage): ActorBatch {
  return {
    actor: m.actor,
    sequence: m.sequence,
    trajectories: new Trajectories('forward', m.nTraj, m.maxSteps, m.stateDim, m.states, m.actions, m.lengths, m.logRewards),
    behaviourLogProb: m.behaviourLogProb,
    parameterVersion: m.parameterVersion,
    exploration: m.exploration,
    rngState: m.rngState,
    ...(m.rewardStats ? { rewardStats: m.rewardStats } : {}),
  };
}
