import type { Checkpointable } from './checkpointable.js';

/**
 * State holders beyond the container's own services that a checkpoint must include, e.g. a
 * subscriber's random stream (the periodic evaluator's). Each registers under a name fixed by the
 * config, so that a resumed run finds its saved state under the same name.
 */
export class CheckpointRegistry {
  private readonly parts = new Map<string, Checkpointable>();

  /** Adds `part` under `name`; a name can be taken once. */
  register(name: string, part: Checkpointable): void {
    if (this.parts.has(name)) throw new Error(`checkpoint: a state named '${name}' is already registered`);
    this.parts.set(name, part);
  }

  /** Everything registered, by name. */
  entries(): ReadonlyMap<string, Checkpointable> {
    return this.parts;
  }
}
