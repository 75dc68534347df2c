import { Type } from 'typebox';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import type { LocalSearchOptions } from './local-search.js';
import { type ReplayConfig, replayCount } from './replay.js';

/** Schema of the `localSearch` section. */
export const LOCAL_SEARCH_SCHEMA = Defaulted(
  Type.Object(
    {
      /**
       * Refined trajectories made per iteration, as a fraction of `batchSize`, in [0, 1); 0 = off.
       * They are produced by chained rounds from the fresh trajectories (each round refines every
       * fresh trajectory once), the first round first.
       */
      share: Defaulted(
        Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'refined trajectories per iteration as a fraction of batchSize; 0 = no local search' }),
        0,
      ),
      /** Steps to go back from x (exclusive with `backRatio`). */
      backSteps: Type.Optional(Type.Integer({ minimum: 1, description: 'steps to go back under P_B from each terminal state (exclusive with backRatio)' })),
      /** Fraction of x's backward path to go back, rounded up; used when `backSteps` is absent (default 0.5). */
      backRatio: Type.Optional(
        Type.Number({
          exclusiveMinimum: 0,
          maximum: 1,
          description: 'fraction of the backward path to go back, rounded up (default 0.5 when backSteps is absent)',
        }),
      ),
      acceptance: Defaulted(
        Type.Enum(['mh', 'greedy'], { description: "Metropolis–Hastings on the reward with the proposal ratio, or greedy (accept iff R(x') ≥ R(x))" }),
        'mh',
      ),
      /** `batch`: refined trajectories take their share of the training batch; `replay`: they go to the replay buffer instead. */
      into: Defaulted(Type.Enum(['batch', 'replay'], { description: 'refined trajectories join the training batch, or the replay buffer' }), 'batch'),
    },
    { additionalProperties: false },
  ),
  {},
);

/** The `localSearch` section of the run config. */
export type LocalSearchConfig = Resolved<typeof LOCAL_SEARCH_SCHEMA>;

/** The {@link LocalSearch} options a config section asks for. */
export function localSearchOptions(config: LocalSearchConfig): LocalSearchOptions {
  const back = config.backSteps !== undefined ? { backSteps: config.backSteps } : { backRatio: config.backRatio ?? 0.5 };
  return { ...back, acceptance: config.acceptance };
}

/** How an iteration's trajectories split between fresh samples, refinements, and replay. */
export interface LocalSearchPlan {
  /** Fresh trajectories sampled from P_F. */
  fresh: number;
  /** Refined trajectories made (round(share · batchSize)). */
  refined: number;
  /** Refinement rounds: ⌈refined / fresh⌉. */
  rounds: number;
}

/**
 * The split of a batch of `batchSize` with `replayed` trajectories from the buffer: with `into:
 * batch` the refined trajectories take their share and the fresh ones the rest; with `into: replay`
 * all non-replayed trajectories are fresh.
 */
export function localSearchPlan(config: LocalSearchConfig, batchSize: number, replayed: number): LocalSearchPlan {
  const refined = Math.round(config.share * batchSize);
  const fresh = batchSize - replayed - (config.into === 'batch' ? refined : 0);
  return { fresh, refined, rounds: fresh > 0 ? Math.ceil(refined / fresh) : 0 };
}

/** Problems of the section against the rest of the config, each naming the field and its value. */
export function localSearchProblems(config: LocalSearchConfig, batchSize: number, replay: ReplayConfig): string[] {
  if (config.share === 0) return [];
  const problems: string[] = [];
  if (config.backSteps !== undefined && config.backRatio !== undefined) {
    problems.push(
      `field "localSearch.backRatio" = ${config.backRatio}: give either localSearch.backSteps (= ${config.backSteps}) or localSearch.backRatio, not both`,
    );
  }
  if (config.into === 'replay' && replay.kind === 'none') {
    problems.push('field "localSearch.into" = "replay": there is no replay buffer (replay.kind is "none"); set replay.kind or use "batch"');
  }
  const plan = localSearchPlan(config, batchSize, replayCount(replay, batchSize));
  if (plan.fresh < 1) {
    problems.push(
      `field "localSearch.share" = ${config.share}: with batchSize ${batchSize} and replay.ratio ${replay.ratio} no fresh trajectory is left to refine`,
    );
  }
  return problems;
}
