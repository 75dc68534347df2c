import type { RewardClientStats } from '../../../core/env/reward-client.js';
import type { ExplorationOptions } from '../../../core/policy/categorical.js';
import type { ActorBatch } from '../../../core/sampling/actor-link.js';
import { Trajectories } from '../../../core/sampling/trajectories.js';
import type { ParameterSnapshot } from '../../../core/sampling/trajectory-source.js';

/**
 * What the learner and `gfn actor` processes keep in Redis, and how batches and parameters are
 * written there: typed arrays as binary fields (their bytes, little-endian as on every machine
 * Node runs on), small scalars as text. Every key of a run starts with `gfn:actors:<run>:`; each
 * start of the learner (a new run or a resume) is an *epoch*, and its keys carry `e<epoch>:`.
 */

/** The run id both sides use when none is given (`--run`). */
export const DEFAULT_RUN_ID = 'default';
/** The consumer group of the learner on the batches stream. */
export const LEARNER_GROUP = 'learner';
/** How long an actor's claim on its slot lasts unless renewed, by default (a killed actor's slot is free after this); it renews it five times as often. */
export const DEFAULT_SLOT_LEASE_MS = 5000;

/** The names of a run's keys. */
export interface RunKeys {
  /** Stream: one entry per start (`state` started) and end (`state` ended) of the learner, with its `epoch`. */
  announce: string;
  /** Counter: the learner's epoch (incremented at each start). */
  epoch: string;
  /** Hash of one epoch: `config` (the resolved config, JSON), `backend`, `size` (actors). */
  run(epoch: number): string;
  /** Stream of one epoch: the actors' batches (consumer group {@link LEARNER_GROUP}). */
  batches(epoch: number): string;
  /** Stream of one epoch: the learner's messages to actor slot `actor`, in order (trimmed to the slot's cursor at each push; a notice of new parameters replaces one right before it). */
  control(epoch: number, actor: number): string;
  /** Hash of one epoch: the newest parameters for every actor, or for actor `to` alone. */
  params(epoch: number, to?: number): string;
  /** String with expiry: the actor process holding slot `actor`. */
  lease(epoch: number, actor: number): string;
  /** Hash: slot `actor`'s random stream after its last pushed batch and the control entry it answered. */
  slotState(epoch: number, actor: number): string;
  /** Pattern of every key of one epoch (to delete it). */
  epochPattern(epoch: number): string;
}

/** The keys of run `run`. */
export function runKeys(run: string): RunKeys {
  const p = `gfn:actors:${run}:`;
  return {
    announce: `${p}announce`,
    epoch: `${p}epoch`,
    run: (e) => `${p}e${e}:run`,
    batches: (e) => `${p}e${e}:batches`,
    control: (e, i) => `${p}e${e}:control:${i}`,
    params: (e, to) => `${p}e${e}:params${to === undefined ? '' : `:${to}`}`,
    lease: (e, i) => `${p}e${e}:lease:${i}`,
    slotState: (e, i) => `${p}e${e}:slot:${i}`,
    epochPattern: (e) => `${p}e${e}:*`,
  };
}

/** A stream entry or hash as ioredis's `…Buffer` calls return it: field names and values as Buffers. */
export type Fields = Map<string, Buffer>;

/** Field/value pairs of a flat reply (`[f1, v1, f2, v2, …]`). */
export function fieldsOf(flat: readonly Buffer[]): Fields {
  const m: Fields = new Map();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i]!.toString(), flat[i + 1]!);
  return m;
}

/** The bytes of a typed array (no copy). */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A copy of `b` in a fresh, aligned buffer (a reply's Buffers may sit at any offset of a shared one). */
function aligned(b: Buffer): ArrayBuffer {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return copy.buffer;
}

/** A field, or an error naming it (a malformed entry is a bug, not a fault to ride out). */
export function field(m: Fields, name: string): Buffer {
  const v = m.get(name);
  if (v === undefined) throw new Error(`actors over Redis: an entry without field '${name}'`);
  return v;
}

/** A numeric field. */
export function numberField(m: Fields, name: string): number {
  return Number(field(m, name).toString());
}

/** A JSON field (small records only: never arrays of numbers). */
function jsonField<T>(m: Fields, name: string): T {
  return JSON.parse(field(m, name).toString()) as T;
}

/** The fields of a parameter snapshot with the batch it is for: the arrays concatenated, their sizes apart. */
export function parameterFields(parameters: ParameterSnapshot, n: number, exploration: ExplorationOptions): Array<string | Buffer> {
  const total = parameters.values.reduce((s, v) => s + v.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const v of parameters.values) {
    all.set(v, at);
    at += v.length;
  }
  const sizes = JSON.stringify(parameters.values.map((v) => v.length));
  return ['version', String(parameters.version), 'n', String(n), 'exploration', JSON.stringify(exploration), 'sizes', sizes, 'values', bytesOf(all)];
}

/** The snapshot and batch request {@link parameterFields} wrote. */
export function parametersOf(m: Fields): { parameters: ParameterSnapshot; n: number; exploration: ExplorationOptions } {
  const all = new Float32Array(aligned(field(m, 'values')));
  const sizes = jsonField<number[]>(m, 'sizes');
  const values: Float32Array[] = [];
  let at = 0;
  for (const s of sizes) {
    values.push(all.slice(at, at + s));
    at += s;
  }
  return { parameters: { version: numberField(m, 'version'), values }, n: numberField(m, 'n'), exploration: jsonField(m, 'exploration') };
}

/** The fields of a batch pushed by the actor process `incarnation`. */
export function batchFields(batch: ActorBatch, incarnation: string): Array<string | Buffer> {
  const t = batch.trajectories;
  return [
    'incarnation',
    incarnation,
    'actor',
    String(batch.actor),
    'sequence',
    String(batch.sequence),
    'nTraj',
    String(t.nTraj),
    'maxSteps',
    String(t.maxSteps),
    'stateDim',
    String(t.stateDim),
    'states',
    bytesOf(t.states),
    'actions',
    bytesOf(t.actions),
    'lengths',
    bytesOf(t.lengths),
    'logRewards',
    bytesOf(t.logRewards),
    'behaviourLogProb',
    bytesOf(batch.behaviourLogProb),
    'parameterVersion',
    String(batch.parameterVersion),
    'exploration',
    JSON.stringify(batch.exploration),
    'rngState',
    JSON.stringify(batch.rngState),
    // the actor's reward-client counters (a run with a reward service): a small record
    ...(batch.rewardStats ? ['rewardStats', JSON.stringify(batch.rewardStats)] : []),
  ];
}

/** A batch read back, with the actor process that pushed it. */
export function batchOf(m: Fields): { batch: ActorBatch; incarnation: string } {
  const i32 = (name: string): Int32Array => new Int32Array(aligned(field(m, name)));
  const f64 = (name: string): Float64Array => new Float64Array(aligned(field(m, name)));
  const trajectories = new Trajectories(
    'forward',
    numberField(m, 'nTraj'),
    numberField(m, 'maxSteps'),
    numberField(m, 'stateDim'),
    i32('states'),
    i32('actions'),
    i32('lengths'),
    f64('logRewards'),
  );
  const batch: ActorBatch = {
    actor: numberField(m, 'actor'),
    sequence: numberField(m, 'sequence'),
    trajectories,
    behaviourLogProb: f64('behaviourLogProb'),
    parameterVersion: numberField(m, 'parameterVersion'),
    exploration: jsonField(m, 'exploration'),
    rngState: jsonField(m, 'rngState'),
    ...(m.has('rewardStats') ? { rewardStats: jsonField<RewardClientStats>(m, 'rewardStats') } : {}),
  };
  return { batch, incarnation: field(m, 'incarnation').toString() };
}
