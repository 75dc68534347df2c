import type { OptionProblem } from '../../core/plugin/plugin.js';

/** The evaluator choices of the `rl` objective. */
export const RL_EVALUATORS = ['td', 'subeb'] as const;
export type RlEvaluator = (typeof RL_EVALUATORS)[number];

/** The options {@link rlOptionProblems} looks at, as the `rl` config section spells them. */
export interface RlChoices {
  backward: 'uniform' | 'coupled' | 'guided';
  evaluator?: RlEvaluator;
  entropyBonus?: number;
  importanceWeights?: boolean;
}

/**
 * Option combinations the `rl` objective cannot train with (its plugin's `validate` reports them
 * before any work; the constructor refuses them too).
 */
export function rlOptionProblems(o: RlChoices): OptionProblem[] {
  if (o.evaluator !== 'subeb') return [];
  const problems: OptionProblem[] = [];
  if (o.backward === 'guided') {
    problems.push({
      field: 'backward',
      value: o.backward,
      reason: `evaluator 'subeb' trains P_B on its own residuals and needs backward 'uniform' or 'coupled', not backward 'guided'`,
    });
  }
  if ((o.entropyBonus ?? 0) > 0)
    problems.push({ field: 'entropyBonus', value: o.entropyBonus, reason: `evaluator 'subeb' has no entropy bonus yet; valid choice: 0` });
  if (o.importanceWeights)
    problems.push({ field: 'importanceWeights', value: o.importanceWeights, reason: `evaluator 'subeb' has no importance weights yet; valid choice: false` });
  return problems;
}
