import { Type } from 'typebox';
import { Defaulted, type Resolved } from '../base/typed-schema.js';
import type { ExplorationOptions } from '../policy/categorical.js';

/** Schema of the `sampler` config section. */
export const EXPLORATION_SCHEMA = Defaulted(
  Type.Object(
    {
      /** ε at iteration 0. */
      epsilon: Defaulted(Type.Number({ minimum: 0, maximum: 1, description: 'probability of a uniform action instead of P_F (at iteration 0)' }), 0),
      /** ε from iteration `epsilonDecayIterations` on; absent = `epsilon` (no decay). */
      // no default: it defaults to epsilon, which a schema default cannot say
      epsilonFinal: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'ε after the decay (default: epsilon)' })),
      /** Iterations of the linear decay; 0 = ε stays at `epsilon`. */
      epsilonDecayIterations: Defaulted(
        Type.Integer({ minimum: 0, description: 'iterations of the linear decay from epsilon to epsilonFinal; 0 = constant' }),
        0,
      ),
      /** Logits are divided by this before the softmax. */
      temperature: Defaulted(Type.Number({ exclusiveMinimum: 0 }), 1),
    },
    { additionalProperties: false },
  ),
  {},
);

/**
 * The behaviour-policy schedule of the `sampler` config section: ε decays linearly from `epsilon`
 * to `epsilonFinal` over `epsilonDecayIterations` iterations and stays there; temperature is
 * constant.
 */
export type ExplorationSchedule = Resolved<typeof EXPLORATION_SCHEMA>;

/** The ε and temperature to sample with at `iteration` (0-based). A pure function of its inputs. */
export function explorationAt(schedule: ExplorationSchedule, iteration: number): ExplorationOptions {
  const { epsilon, epsilonDecayIterations: d, temperature } = schedule;
  const final = schedule.epsilonFinal ?? epsilon;
  if (d <= 0) return { epsilon, temperature };
  const progress = Math.min(iteration, d) / d;
  // interpolate from the end that is exact at progress 1, so ε reaches epsilonFinal bit for bit
  return { epsilon: progress >= 1 ? final : epsilon + (final - epsilon) * progress, temperature };
}

/**
 * True when the schedule ever departs from sampling P_F itself (ε > 0 at some iteration, or a
 * temperature other than 1): the check on-policy objectives need. A linear schedule takes its
 * extreme values at its ends, so looking at both ends is enough.
 */
export function isExploratory(schedule: ExplorationSchedule): boolean {
  const reachesFinal = schedule.epsilonDecayIterations > 0;
  const maxEpsilon = Math.max(schedule.epsilon, reachesFinal ? (schedule.epsilonFinal ?? schedule.epsilon) : 0);
  return maxEpsilon > 0 || schedule.temperature !== 1;
}

/**
 * Problems of a schedule that the JSON schema cannot express (it sees one field at a time),
 * each naming the field and its value.
 */
export function scheduleProblems(schedule: ExplorationSchedule): string[] {
  const problems: string[] = [];
  if (schedule.epsilonDecayIterations === 0 && schedule.epsilonFinal !== undefined && schedule.epsilonFinal !== schedule.epsilon) {
    problems.push(
      `field "sampler.epsilonFinal" = ${schedule.epsilonFinal}: differs from sampler.epsilon = ${schedule.epsilon} but sampler.epsilonDecayIterations is 0 (ε would never reach it); set epsilonDecayIterations > 0 or drop epsilonFinal`,
    );
  }
  return problems;
}
