import * as tf from '@tensorflow/tfjs-core';
import { firstNonFiniteVariable } from '../checkpoint/finite.js';
import type { Estimator } from '../tensor/estimator.js';
import { type AnyObjective, collectsOwnExperience } from '../objectives/objective.js';
import type { Trajectories } from '../sampling/trajectories.js';
import { type ConformanceReport, ReportBuilder } from './report.js';

/** What {@link checkObjectiveUpdates} runs. */
export interface ObjectiveUpdateInputs {
  objective: AnyObjective;
  /** The training batch of each update (batch objectives; self-collecting ones gather their own). */
  batch?: (iteration: number) => Trajectories;
  /** P_F, whose variables are checked when the objective does not list the ones it trains. */
  forward?: Estimator;
  /** Updates to run (at least 2: tensors created by the first one, e.g. optimiser slots, are not leaks). */
  updates: number;
}

/**
 * Runs `updates` updates of an objective and reports by name:
 * - `finite-loss`: every update returns a finite `loss`;
 * - `finite-metrics`: every metric it returns is finite;
 * - `finite-parameters`: the variables it trains stay finite;
 * - `no-tensor-leak`: from the second update on, an update leaves the number of live tensors unchanged;
 * - `log-z`: `logZ()`, when the objective has it, is finite after the updates.
 */
export function checkObjectiveUpdates(inputs: ObjectiveUpdateInputs): ConformanceReport {
  const { objective } = inputs;
  const report = new ReportBuilder(`objective '${objective.name}'`);
  const updates = Math.max(2, inputs.updates);
  const losses: string[] = [];
  const metricProblems: string[] = [];
  const leaks: string[] = [];
  let failed: string | undefined;
  for (let i = 1; i <= updates && failed === undefined; i++) {
    let metrics: Record<string, number>;
    try {
      if (collectsOwnExperience(objective)) {
        const before = tf.memory().numTensors;
        metrics = objective.iterate(i).metrics;
        if (i > 1 && tf.memory().numTensors !== before) leaks.push(`update ${i} left ${tf.memory().numTensors - before} more tensors`);
      } else {
        if (!inputs.batch) throw new Error('a batch objective needs a batch source');
        const forward = inputs.batch(i - 1);
        const before = tf.memory().numTensors;
        metrics = objective.update({ iteration: i, forward });
        if (i > 1 && tf.memory().numTensors !== before) leaks.push(`update ${i} left ${tf.memory().numTensors - before} more tensors`);
      }
    } catch (err) {
      failed = `update ${i} threw: ${(err as Error).message}`;
      break;
    }
    if (!Number.isFinite(metrics.loss)) losses.push(`update ${i} returned loss = ${metrics.loss}`);
    for (const [k, v] of Object.entries(metrics)) if (!Number.isFinite(v)) metricProblems.push(`update ${i} returned ${k} = ${v}`);
  }
  const orFailure = (problems: string[]): string[] => (failed ? [failed, ...problems] : problems);
  report.run('finite-loss', () => orFailure(losses));
  report.run('finite-metrics', () => orFailure(metricProblems));
  report.run('finite-parameters', () => {
    const variables = trainedVariables(objective) ?? inputs.forward?.variables ?? [];
    const broken = firstNonFiniteVariable(variables);
    return broken === undefined ? [] : [`variable '${broken}' holds NaN or Inf after ${updates} updates`];
  });
  report.run('no-tensor-leak', () => orFailure(leaks));
  if (objective.logZ) {
    report.run('log-z', () => {
      const logZ = objective.logZ!();
      return Number.isFinite(logZ) ? [] : [`logZ() = ${logZ}`];
    });
  }
  return report.report();
}

/** The variables the objective lists for checkpoints, if it can list them. */
function trainedVariables(objective: AnyObjective): readonly tf.Variable[] | undefined {
  try {
    return objective.checkpointParts?.().variables;
  } catch {
    // an objective that refuses to be checkpointed: P_F's variables are checked instead
    return undefined;
  }
}
