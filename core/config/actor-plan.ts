import type { ResolvedConfig } from './schema.js';

/** How batches sampled apart from the learner reach it. */
export type ActorSchedule = 'async' | 'lockstep';

/** The actors a config asks for: `actors ≥ 1`, or `pipeline: true`, which is one of its cases. */
export interface ActorPlan {
  /** Actors (worker threads). */
  count: number;
  /**
   * `lockstep`: the batch of update k is sampled by actor (k − 1) mod count with the parameters
   * of update k − 1 − maxLag (the initial ones before that), so every run of a config is the same;
   * `async`: batches are trained on in the order they arrive, those more than `maxLag` updates
   * stale dropped.
   */
  schedule: ActorSchedule;
  maxLag: number;
  /** Where the checkpoint keeps the actors' state (`pipeline` keeps the format of its earlier versions). */
  stateKey: 'pipeline' | 'actors';
}

/**
 * The config's actors, or undefined when the learner samples for itself. `pipeline: true` is one
 * actor in lockstep, one update stale: the same mechanism, spelled as it was before actors existed.
 */
export function actorPlan(config: ResolvedConfig): ActorPlan | undefined {
  if (config.pipeline) return { count: 1, schedule: 'lockstep', maxLag: 1, stateKey: 'pipeline' };
  // a config saved before actors existed has no such field: no actors
  if (!(config.actors > 0)) return undefined;
  return { count: config.actors, schedule: config.actorSchedule, maxLag: config.maxLag, stateKey: 'actors' };
}
