import type { Rng } from '../base/rng.js';
import type { StateRecord } from '../checkpoint/checkpointable.js';
import type { ConditionalEnvironment } from '../env/condition/conditional-environment.js';
import type { ConditionedEnvironment } from '../env/condition/conditioned-environment.js';
import type { PeriodicEvaluation } from './exact-evaluation.js';
import { drawnAtEachCondition, multiObjectiveMeasure } from './multi-objective-evaluation.js';

/**
 * The evaluation of a conditional run: one evaluation per condition c of the grid
 * (`ConditionSpace.grid`), made by `evaluateAt` on the environment at c (exact: P_T(·|c) against the
 * target of c, e.g. R^β/Z_β), published as `<metric>@<condition>` (`tv@beta=0.5`), with each
 * metric's mean over the grid under its plain name (`tv`, `jsd`, …) so that every reader of `tv`
 * (the final line, `gfn bench`, the dashboard) reads the conditional run's average, and the worst
 * TV over the grid as `tvMax`. `rng`, the evaluator's stream, is shared by the conditions' evaluations
 * (used in grid order); a checkpoint keeps it and each condition's own state. A preference-conditional
 * run adds the multi-objective metrics of `samples` terminal states drawn across the grid
 * (`multiObjectiveMeasure`: hypervolume, R2, top-k diversity, the exact front's yardstick).
 */
export function perConditionEvaluation(
  env: ConditionalEnvironment,
  evaluateAt: (view: ConditionedEnvironment) => PeriodicEvaluation,
  rng: Rng,
  samples: number,
): PeriodicEvaluation {
  const conditions = env.space.grid.map((values) => ({ label: env.space.label(values), evaluation: evaluateAt(env.at(values)) }));
  const measure = env.space.objectives ? multiObjectiveMeasure(env) : undefined;
  return {
    evaluate: () => {
      const metrics: Record<string, number> = {};
      const sums = new Map<string, number>();
      let tvMax = -Infinity;
      const results = conditions.map(({ evaluation }) => evaluation.evaluate());
      for (const [c, { label }] of conditions.entries()) {
        for (const [name, value] of Object.entries(results[c]!.metrics)) {
          metrics[`${name}@${label}`] = value;
          sums.set(name, (sums.get(name) ?? 0) + value);
          if (name === 'tv') tvMax = Math.max(tvMax, value);
        }
      }
      for (const [name, sum] of sums) metrics[name] = sum / conditions.length;
      if (tvMax > -Infinity) metrics.tvMax = tvMax;
      const drawn = measure && drawnAtEachCondition(env, results, samples, rng);
      const measured = measure && drawn ? measure(drawn) : undefined;
      Object.assign(metrics, measured?.metrics);
      return { metrics, ...(measured?.view ? { view: measured.view } : {}) };
    },
    saveState: () => ({ rng: rng.getState(), conditions: conditions.map((c) => c.evaluation.saveState()) }),
    loadState: (state) => {
      // a checkpoint written before the first evaluation holds the stream alone
      const saved = state.conditions;
      if (saved !== undefined) {
        if (!Array.isArray(saved) || saved.length !== conditions.length)
          throw new Error(
            `checkpoint: the evaluator's state holds ${Array.isArray(saved) ? saved.length : 'no'} conditions; the run evaluates ${conditions.length}`,
          );
        conditions.forEach((c, i) => c.evaluation.loadState(saved[i] as StateRecord));
      }
      rng.setState(state.rng as number[]);
    },
  };
}
