import type { ActorStats } from '../../core/sampling/actor-stats.js';
import type { IterationRecord } from '../../run-folder/records.js';

/**
 * What a run's iteration records say about its sampling actors and its reward service, as curves
 * (docs/actors.md, docs/rewards.md): each actor's trajectories per second (one curve per actor, keys
 * `actorRate:<actor>`, drawn in one chart), the mean staleness of the batches trained on so far,
 * the batches dropped as too stale, and the reward service's mean and 95th-percentile latency. A
 * run without actors or a reward service has none of these fields and gets none of these curves.
 */

/** Prefix of the per-actor rate curves; the chart that draws them all is keyed by {@link ACTOR_RATE}. */
export const ACTOR_RATE = 'actorRate';

/** The curves one iteration record adds: curve key → value. */
export function actorAndRewardValues(r: IterationRecord): Array<[string, number]> {
  const values: Array<[string, number]> = [];
  const actors = r.actors;
  if (actors) {
    actors.trajectoriesPerSecond.forEach((rate, actor) => values.push([`${ACTOR_RATE}:${actor}`, rate]));
    const mean = meanStaleness(actors);
    if (mean !== undefined) values.push(['meanStaleness', mean]);
    values.push(['droppedBatches', actors.droppedBatches]);
  }
  for (const key of ['rewardLatencyMeanMs', 'rewardLatencyP95Ms'] as const) {
    const v = r[key];
    if (typeof v === 'number') values.push([key, v]);
  }
  return values;
}

/** Mean lag, in updates, of the batches trained on so far; undefined before the first. */
export function meanStaleness(actors: Pick<ActorStats, 'staleness'>): number | undefined {
  let batches = 0;
  let lags = 0;
  actors.staleness.forEach((count, lag) => {
    batches += count;
    lags += count * lag;
  });
  return batches > 0 ? lags / batches : undefined;
}

/**
 * The chart a curve is drawn in and the name of its line there (an actor's rate: `actor 2`); any
 * other curve is its own chart here (a conditional run's `tv@beta=0.5` is placed by `curve-groups.ts`).
 */
export function chartOf(curveKey: string): { chart: string; part?: string } {
  const [chart, part] = curveKey.split(':');
  return part === undefined || chart !== ACTOR_RATE ? { chart: curveKey } : { chart: ACTOR_RATE, part: `actor ${part}` };
}
