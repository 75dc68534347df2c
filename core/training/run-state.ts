import type * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../config/schema.js';
import { TOKENS } from '../di/tokens.js';
import type { AnyObjective, ObjectiveStateParts } from '../objectives/objective.js';
import { type Checkpointable, isCheckpointable, type StateRecord } from '../checkpoint/checkpointable.js';
import { loadVariables, type SavedTensor, variablesState } from '../checkpoint/encoding.js';
import type { Resolver } from '../plugin/plugin.js';

/** Identifies checkpoint files (and their layout version). */
export const CHECKPOINT_FORMAT = 'gflownet-ts-checkpoint';
/** Version 2 files end with a sha256 checksum; version 1 (no checksum) is still read (`run-folder/checkpoint-codec.ts`). */
export const CHECKPOINT_VERSION = 2;

/**
 * Everything a run needs to continue exactly where it was, in one JSON document: the resolved
 * config, the forward policy's weights (enough to sample, see `loadSampler`) and, under `state`,
 * every other state holder of the run.
 */
export interface CheckpointDocument {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Iterations completed: a resumed run starts at this index. */
  iterations: number;
  /** Tensor backend that produced it (a resume is bit-identical only on the same one). */
  backend: string;
  config: ResolvedConfig;
  /** P_F's variables, in order. */
  forward: StateRecord;
  /** Why the run cannot be resumed from this checkpoint (an objective without checkpoint support), if so. */
  notResumable?: string;
  /** trainer counters, root Rng, sampler, replay buffer, objective, registered extras. */
  state: Record<string, StateRecord>;
}

/** What the capture and restore read from: the run's container (inversify's satisfies it). */
export interface RunServices extends Resolver {
  isBound(token: symbol): boolean;
}

/** The objective's checkpoint parts, or why there are none. */
function objectiveParts(objective: AnyObjective): ObjectiveStateParts | string {
  if (!objective.checkpointParts) return `objective '${objective.name}' does not support checkpoints (it has no checkpointParts())`;
  try {
    return objective.checkpointParts();
  } catch (err) {
    return `objective '${objective.name}' cannot be checkpointed: ${(err as Error).message}`;
  }
}

const saveAll = (parts: Readonly<Record<string, Checkpointable>> = {}): StateRecord =>
  Object.fromEntries(Object.entries(parts).map(([k, c]) => [k, c.saveState()]));

/** Snapshots a run after `iterations` completed iterations (call between iterations). */
export function captureRunState(run: RunServices, backend: string): CheckpointDocument {
  const config = run.get(TOKENS.Config);
  const trainer = run.get(TOKENS.Trainer);
  const trainerState = trainer.saveState();
  const state: Record<string, StateRecord> = { trainer: trainerState, rng: { state: run.get(TOKENS.Rng).getState() } };
  let notResumable: string | undefined;
  if (run.isBound(TOKENS.Sampler)) state.sampler = run.get(TOKENS.Sampler).saveState();
  if (run.isBound(TOKENS.ReplayBuffer)) {
    const replay = run.get(TOKENS.ReplayBuffer);
    if (isCheckpointable(replay)) state.replay = replay.saveState();
    else notResumable = `replay buffer '${config.replay.kind}' does not support checkpoints`;
  }
  const parts = objectiveParts(run.get(TOKENS.Objective));
  if (typeof parts === 'string') notResumable = parts;
  else state.objective = { ...variablesState(parts.variables), optimizers: saveAll(parts.optimizers), extra: saveAll(parts.extra) };
  const extras = run.get(TOKENS.Checkpoints).entries();
  state.extras = Object.fromEntries([...extras].map(([name, c]) => [name, c.saveState()]));
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    iterations: Number(trainerState.iterations),
    backend,
    config,
    forward: variablesState(run.get(TOKENS.ForwardEstimator).variables),
    ...(notResumable ? { notResumable } : {}),
    state,
  };
}

/** Loads `saved` into each part by name; a part without saved state is an error naming it, unless it can stand in for a checkpoint older than itself (`loadMissing`). */
function loadAll(parts: Readonly<Record<string, Checkpointable>> | ReadonlyMap<string, Checkpointable>, saved: unknown, what: string): void {
  const record = (saved ?? {}) as Record<string, StateRecord>;
  for (const [name, part] of parts instanceof Map ? parts : Object.entries(parts)) {
    if (!record[name] && part.loadMissing) {
      part.loadMissing();
      continue;
    }
    if (!record[name]) throw new Error(`checkpoint: no saved state for ${what} '${name}' (saved: ${Object.keys(record).join(', ') || 'none'})`);
    part.loadState(record[name]);
  }
}

/**
 * Restores a run built from `doc.config` to the checkpoint, before its trainer runs. Refuses, by
 * name, a checkpoint of a run whose objective (or replay buffer) could not be saved: continuing from
 * part of the state would silently give different results.
 */
export function restoreRunState(run: RunServices, doc: CheckpointDocument): void {
  if (doc.notResumable) throw new Error(`cannot resume from this checkpoint: ${doc.notResumable}`);
  const { state } = doc;
  const objective = run.get(TOKENS.Objective);
  const parts = objectiveParts(objective);
  if (typeof parts === 'string') throw new Error(`cannot resume: ${parts}`);
  if (!state.objective) throw new Error(`cannot resume: the checkpoint has no state for objective '${objective.name}'`);
  loadVariables(parts.variables, state.objective.variables as SavedTensor[], `objective '${objective.name}'`);
  loadAll(parts.optimizers, state.objective.optimizers, `optimizer of objective '${objective.name}'`);
  loadAll(parts.extra ?? {}, state.objective.extra, `state of objective '${objective.name}'`);
  // P_F is usually among the objective's variables; loading it again is harmless and covers the rest
  loadVariables(run.get(TOKENS.ForwardEstimator).variables as tf.Variable[], doc.forward.variables as SavedTensor[], 'the forward estimator');
  run.get(TOKENS.Rng).setState((state.rng?.state ?? []) as number[]);
  if (run.isBound(TOKENS.Sampler)) loadAll({ sampler: run.get(TOKENS.Sampler) }, state, 'the');
  if (run.isBound(TOKENS.ReplayBuffer)) {
    const replay = run.get(TOKENS.ReplayBuffer);
    if (!isCheckpointable(replay)) throw new Error('cannot resume: the replay buffer does not support checkpoints');
    loadAll({ replay }, state, 'the');
  }
  loadAll(run.get(TOKENS.Checkpoints).entries(), state.extras, 'subscriber');
  loadAll({ trainer: run.get(TOKENS.Trainer) }, state, 'the');
}
