import { Type } from 'typebox';
import { Defaulted, type Resolved } from '../../base/typed-schema.js';
import { PREFERENCE_SCHEMA } from './preference-config.js';

/** The distributions training may draw the reward exponent β from. */
export const BETA_DISTRIBUTIONS = ['uniform', 'log-uniform', 'gamma'] as const;
export type BetaDistribution = (typeof BETA_DISTRIBUTIONS)[number];

/** Which of `min`, `max`, `shape`, `scale` each distribution takes (all of them, and no other). */
export const BETA_DISTRIBUTION_FIELDS: Readonly<Record<BetaDistribution, readonly ('min' | 'max' | 'shape' | 'scale')[]>> = {
  uniform: ['min', 'max'],
  'log-uniform': ['min', 'max'],
  gamma: ['shape', 'scale'],
};

/** How the balance losses weigh a trajectory's squared residual by its condition. */
export const RESIDUAL_WEIGHTS = ['inverse-beta', 'none'] as const;

/** How an observation carries the condition's features f (see `ConditionedEnvironment.encode`). */
export const CONDITION_ENCODINGS = ['product', 'concat', 'film'] as const;
export type ConditionEncoding = (typeof CONDITION_ENCODINGS)[number];

/** The β at which a conditional run is evaluated exactly when the config names none. */
export const DEFAULT_BETA_GRID = [0.5, 1, 2, 4];

const positive = (description: string) => Type.Optional(Type.Number({ exclusiveMinimum: 0, description }));

/**
 * Schema of the optional `condition` section: a conditional GFlowNet, one policy for a family of
 * targets R(x)^β. It has no default: a config without it resolves to exactly what it did before the
 * section existed (same run identity, same random streams).
 *
 * The condition is the reward exponent β (an inverse temperature), a preference vector ω over the
 * environment's objectives (R_ω(x) = Π_i R_i(x)^{ω_i}, ω drawn from a Dirichlet), or both (the
 * target R_ω^β); at least one of `beta` and `preference`.
 */
export const CONDITION_SCHEMA = Type.Object(
  {
    /** β, drawn afresh for every training trajectory: the trajectory's target is R(x)^β. */
    beta: Type.Optional(
      Type.Object(
        {
          distribution: Type.Enum(BETA_DISTRIBUTIONS, {
            description: 'uniform on [min, max], log-uniform on [min, max] (log β uniform), or gamma(shape, scale) (mean shape·scale)',
          }),
          min: positive('uniform and log-uniform: the smallest β (> 0)'),
          max: positive('uniform and log-uniform: the largest β (> min)'),
          shape: positive('gamma: its shape k (> 0)'),
          scale: positive('gamma: its scale θ (> 0)'),
        },
        { additionalProperties: false },
      ),
    ),
    /** A preference ω over the environment's objectives, drawn afresh for every training trajectory (multi-objective environments). */
    preference: Type.Optional(PREFERENCE_SCHEMA),
    /** The β of the per-condition exact (or sampled) evaluation; metrics `tv@beta=…` and their mean `tv`. */
    grid: Defaulted(
      Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
        minItems: 1,
        description: 'β values at which every evaluation measures the sampler (each > 0, distinct); the plain metrics are their mean',
      }),
      DEFAULT_BETA_GRID,
    ),
    /**
     * `concat`: the networks see [obs, f] with f = (log β, β). `product`: [obs, obs·f_1, …, obs·f_k, f],
     * so that the first layer's weights are affine functions of the condition (a multiplicative,
     * FiLM-like interaction at the input) for 1 + k times its width; measured to learn the family of
     * targets in fewer iterations (docs/conditional.md). `film`: the observation is `concat`'s, and
     * every hidden layer l of the MLPs over it is modulated, h_l = act(γ_l(f) ⊙ (W_l x + b_l) + β_l(f))
     * (FiLM, Perez et al. 2018), γ = 1 and β = 0 at the start.
     */
    encoding: Defaulted(
      Type.Enum(CONDITION_ENCODINGS, {
        description:
          'product: observation, observation times each condition feature, features (first-layer weights affine in the condition); concat: observation and features; film: concat, and every hidden layer of the MLPs scaled and shifted by affine maps of the features (FiLM)',
      }),
      'product',
    ),
    /**
     * The weight of each trajectory's squared residual in the balance losses. A residual scales
     * with β (its target is β·log R), so under equal weights the high-β trajectories of a batch
     * dominate the gradient and the low-β targets are learned last; `inverse-beta` weighs each by
     * 1/β. Any positive weights leave the losses' minimiser (every residual zero) where it is.
     */
    residualWeight: Defaulted(
      Type.Enum(RESIDUAL_WEIGHTS, { description: "inverse-beta: each trajectory's squared residual weighs 1/β in TB, DB and SubTB; none: equal weights" }),
      'inverse-beta',
    ),
    /**
     * The condition of the environment's own s0: what a sampler given no condition samples at, and
     * where the objective's `logZ` metric reads its conditional log Z(c).
     */
    reference: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'β of sampling without a condition, and of the logZ metric' }), 1),
  },
  { additionalProperties: false },
);

/** The `condition` section of a resolved config. */
export type ConditionConfig = Resolved<typeof CONDITION_SCHEMA>;

/**
 * What the schema cannot say about a `condition` section, each as
 * `field "condition.<path>" = value: reason; valid choices`: the fields each distribution needs and
 * takes, an empty range, a repeated grid value.
 */
export function conditionFieldProblems(condition: ConditionConfig): string[] {
  const { beta } = condition;
  const problems: string[] = [];
  if (!beta) {
    if (!condition.preference)
      problems.push(
        `field "condition" = ${JSON.stringify(condition)}: names no condition; give beta (a temperature), preference (multi-objective environments) or both`,
      );
    return problems;
  }
  const wanted = BETA_DISTRIBUTION_FIELDS[beta.distribution];
  for (const field of ['min', 'max', 'shape', 'scale'] as const) {
    const value = beta[field];
    if (value === undefined && wanted.includes(field)) {
      problems.push(`field "condition.beta.${field}" is required by distribution ${JSON.stringify(beta.distribution)} (it takes ${wanted.join(', ')})`);
    } else if (value !== undefined && !wanted.includes(field)) {
      const takers = Object.entries(BETA_DISTRIBUTION_FIELDS)
        .filter(([, fields]) => fields.includes(field))
        .map(([name]) => JSON.stringify(name));
      problems.push(
        `field "condition.beta.${field}" = ${value}: not an option of distribution ${JSON.stringify(beta.distribution)}, which takes ${wanted.join(', ')}; ${field} belongs to ${takers.join(', ')}`,
      );
    }
  }
  if (beta.min !== undefined && beta.max !== undefined && !(beta.max > beta.min)) {
    problems.push(`field "condition.beta.max" = ${beta.max}: must be above condition.beta.min = ${beta.min}`);
  }
  const seen = new Set<number>();
  for (const [i, b] of condition.grid.entries()) {
    if (seen.has(Math.fround(b))) problems.push(`field "condition.grid.${i}" = ${b}: repeats an earlier grid value; each β once`);
    seen.add(Math.fround(b));
  }
  return problems;
}
