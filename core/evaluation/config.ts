import { Type } from 'typebox';
import { Defaulted, type Resolved } from '../base/typed-schema.js';

/** Default of `evaluation.exactMaxStates`: exact evaluation holds a few arrays of this length. */
export const EXACT_MAX_STATES_DEFAULT = 1_000_000;

/** Default of `evaluation.maxTestStates` (it was 256: four times the backward trajectories for half the spread). */
export const MAX_TEST_STATES_DEFAULT = 64;

/** Default of `evaluation.budget`: sampled evaluation adds at most a tenth of training's network work. */
export const EVALUATION_BUDGET_DEFAULT = 0.1;

/** Schema of the `evaluation` config section. */
export const EVALUATION_SCHEMA = Defaulted(
  Type.Object(
    {
      /** `auto`: exact when the environment is enumerable with at most `exactMaxStates` states, sampled otherwise. */
      mode: Defaulted(
        Type.Enum(['auto', 'exact', 'sampled', 'none'], {
          description: 'exact (enumerable environments up to exactMaxStates states), sampled (any size), none; auto = exact when it can, sampled otherwise',
        }),
        'auto',
      ),
      /**
       * When to evaluate (besides before the first update and after the last): every k iterations
       * (0 = only at the end), or `auto` (`core/evaluation/timetable.ts`): every 10 under exact
       * evaluation, and under sampled evaluation whenever training has done enough network work to
       * pay for one at `budget`.
       */
      every: Defaulted(
        Type.Union([Type.Integer({ minimum: 0 }), Type.Enum(['auto'])], {
          description:
            'evaluate every k iterations and at the end (0 = only at the end); "auto" = every 10 under exact evaluation, and under sampled evaluation spaced so that its network work stays within evaluation.budget of training\'s',
        }),
        'auto',
      ),
      /** `every: "auto"` under sampled evaluation: the most evaluation network work per unit of training's. */
      budget: Defaulted(
        Type.Number({
          exclusiveMinimum: 0,
          maximum: 1,
          description: 'every "auto", sampled evaluation: the share of training\'s network work (states through P_F) its evaluations may add, at most',
        }),
        EVALUATION_BUDGET_DEFAULT,
      ),
      samples: Defaulted(
        Type.Integer({ minimum: 1, description: 'terminal states drawn from P_T per evaluation (exact: mode discovery; sampled: log Z estimates, top-k)' }),
        1000,
      ),
      /** Largest state count exact evaluation may enumerate. */
      exactMaxStates: Defaulted(
        Type.Integer({ minimum: 1, description: 'most states exact evaluation may enumerate; auto switches to sampled above it' }),
        EXACT_MAX_STATES_DEFAULT,
      ),
      /** Sampled evaluation: backward trajectories K per terminal state for log p̂(x). */
      backwardSamples: Defaulted(
        Type.Integer({ minimum: 1, description: 'sampled: backward trajectories K per state for the importance-sampled log p(x)' }),
        10,
      ),
      /**
       * Sampled evaluation: at most this many test-set states (and fresh samples) get log p̂(x). The
       * cost of an evaluation is mostly these states' K backward trajectories; 64 keeps the spread of
       * the correlations between evaluations at ~0.01–0.03 (docs/evaluation.md, "What an evaluation costs").
       */
      maxTestStates: Defaulted(
        Type.Integer({ minimum: 2, description: 'sampled: test-set states (and fresh samples) whose log p(x) is estimated, at most' }),
        MAX_TEST_STATES_DEFAULT,
      ),
      /** Sampled evaluation: the k best of the samples for top-k reward and diversity. */
      topK: Defaulted(Type.Integer({ minimum: 1, description: 'sampled: the k best samples for top-k mean reward and diversity' }), 100),
      /** Also evaluate at iteration 0, before the first update. */
      atStart: Defaulted(Type.Boolean({ description: 'also evaluate before the first update (iteration 0)' }), true),
    },
    { additionalProperties: false },
  ),
  {},
);

/** How the sampler is measured against the target (see `schedule.ts`). */
export type EvaluationConfig = Resolved<typeof EVALUATION_SCHEMA>;
