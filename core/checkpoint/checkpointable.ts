/**
 * The checkpoint contract: anything whose state a checkpoint saves and restores.
 *
 * A state is a JSON-serialisable record (typed arrays go through `encodeArray` in
 * `encoding.ts`), so that one checkpoint file holds a whole run and can be read back by any
 * process on any machine. `loadState` must leave the object exactly as it was when `saveState`
 * ran: a resumed run then draws the same random numbers and takes the same steps as an
 * uninterrupted one.
 */
export type StateRecord = { [key: string]: unknown };

/** Something a checkpoint can save and restore exactly. */
export interface Checkpointable {
  /** A JSON-serialisable snapshot of the complete state. */
  saveState(): StateRecord;
  /** Restores a snapshot returned by {@link saveState} (of an object built from the same config). */
  loadState(state: StateRecord): void;
  /**
   * Called instead of {@link loadState} when a checkpoint has no state for this part because it was
   * written before the part existed; absent = such a checkpoint is refused. It must leave the part
   * as the older run had it (e.g. a flag that older runs implied).
   */
  loadMissing?(): void;
}

/** Type guard for {@link Checkpointable}. */
export function isCheckpointable(x: unknown): x is Checkpointable {
  const c = x as Partial<Checkpointable> | null | undefined;
  return typeof c?.saveState === 'function' && typeof c.loadState === 'function';
}

/** A field of a saved state, or an error naming what is missing (a truncated or foreign file). */
export function field<T>(state: StateRecord, key: string, owner: string): T {
  if (!(key in state)) throw new Error(`checkpoint: the state of ${owner} has no field '${key}'`);
  return state[key] as T;
}

/** `value` as a count (a safe integer ≥ 0), or an error naming `what` was saved and its value. */
export function savedCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`checkpoint: ${what} = ${JSON.stringify(value)} is not a count`);
  return value;
}
