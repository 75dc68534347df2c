import { Type } from 'typebox';
import { Defaulted, type Resolved } from '../../base/typed-schema.js';

/** The distributions training may draw a preference ω from. */
export const PREFERENCE_DISTRIBUTIONS = ['dirichlet'] as const;

/** The step of the default evaluation grid of preferences: every ω on the simplex with entries in {0, ¼, ½, ¾, 1}. */
export const DEFAULT_PREFERENCE_STEPS = 4;

/**
 * Schema of `condition.preference`: a preference ω over the environment's K objectives, drawn
 * afresh for every training trajectory from Dirichlet(alpha); the trajectory's target is
 * R_ω(x)^exponent = Π_i R_i(x)^{exponent·ω_i} (MOGFN-PC's preference-conditional GFlowNet).
 */
export const PREFERENCE_SCHEMA = Type.Object(
  {
    distribution: Type.Enum(PREFERENCE_DISTRIBUTIONS, { description: 'dirichlet(alpha) on the simplex of the K objectives' }),
    alpha: Defaulted(
      Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1 })], {
        description: 'Dirichlet concentration: one number for every objective, or one per objective (each > 0)',
      }),
      1,
    ),
    exponent: Defaulted(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'fixed reward exponent of every preference: the target is R_ω^exponent (times β when condition.beta is set too)',
      }),
      1,
    ),
    grid: Type.Optional(
      Type.Array(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1 }), {
        minItems: 1,
        description: 'the preferences every evaluation measures the sampler at (each K entries ≥ 0 summing to 1); default: the simplex lattice of step ¼',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The `condition.preference` section of a resolved config. */
export type PreferenceConfig = Resolved<typeof PREFERENCE_SCHEMA>;

/** Every ω on the simplex of `k` objectives with entries in {0, 1/steps, …, 1}, in lexicographic order of ω_1 descending. */
export function simplexLattice(k: number, steps: number): number[][] {
  // the compositions of `steps` into k non-negative parts, scaled by 1/steps
  const compositions = (parts: number, total: number): number[][] =>
    parts === 1
      ? [[total]]
      : Array.from({ length: total + 1 }, (_, i) => total - i).flatMap((first) => compositions(parts - 1, total - first).map((rest) => [first, ...rest]));
  return compositions(k, steps).map((c) => c.map((v) => v / steps));
}

/**
 * What the schema cannot say about `condition.preference` once the environment's objectives are
 * known, each as `field "condition.preference.<path>" = value: reason; valid choices`.
 */
export function preferenceProblems(preference: PreferenceConfig, objectives: readonly string[]): string[] {
  const k = objectives.length;
  const problems: string[] = [];
  const named = `the environment's ${k} objectives (${objectives.join(', ')})`;
  if (k < 2)
    problems.push(`field "condition.preference" = ${JSON.stringify(preference)}: a preference needs at least 2 objectives; the environment has ${named}`);
  if (Array.isArray(preference.alpha) && preference.alpha.length !== k)
    problems.push(
      `field "condition.preference.alpha" = ${JSON.stringify(preference.alpha)}: has ${preference.alpha.length} entries; give one number, or one per ${named}`,
    );
  const seen = new Set<string>();
  for (const [i, w] of (preference.grid ?? []).entries()) {
    const shown = `field "condition.preference.grid.${i}" = ${JSON.stringify(w)}`;
    const sum = w.reduce((a, b) => a + b, 0);
    if (w.length !== k) problems.push(`${shown}: has ${w.length} entries; one per ${named}`);
    else if (Math.abs(sum - 1) > 1e-6) problems.push(`${shown}: sums to ${sum}; a preference's entries sum to 1`);
    else if (seen.has(String(w.map(Math.fround)))) problems.push(`${shown}: repeats an earlier grid preference; each once`);
    seen.add(String(w.map(Math.fround)));
  }
  return problems;
}
