import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../core/base/errors.js';
import { Rng } from '../../core/base/rng.js';
import { CheckpointRegistry } from '../../core/checkpoint/registry.js';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import { EventBus } from '../../core/events/bus.js';
import { EXACT_EVALUATION_EVERY, evaluationTimetable } from '../../core/evaluation/timetable.js';
import { WorkBudgetSchedule } from '../../core/evaluation/work-budget.js';
import { networkInput } from '../../core/policy/network-input.js';
import { train } from '../../core/run/run.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { registry } from '../training/run-helpers.js';

/** The iterations 1..N at which `schedule` is due, with `trainingRows` per iteration and `evaluationRows` per evaluation (the opening one first). */
function dueIterations(schedule: WorkBudgetSchedule, total: number, trainingRows: number, evaluationRows: number): number[] {
  schedule.evaluated(evaluationRows);
  const due: number[] = [];
  for (let i = 1; i <= total; i++) {
    schedule.trained(trainingRows);
    if (schedule.due(i)) {
      due.push(i);
      schedule.evaluated(evaluationRows);
    }
  }
  return due;
}

describe('the work-budget schedule (evaluation.every "auto", sampled evaluation)', () => {
  it('spaces evaluations so that their rows stay within the budget of training rows, the final one included', () => {
    // 50 training rows per iteration, 100 rows per evaluation, budget 0.1: the opening evaluation is
    // paid for after 20 iterations, each later one after 20 more; the first is due at 40 (pays for
    // itself and the opening), then 60, 80 and the final at 100: 5 x 100 rows = 0.1 x 100 x 50
    expect(dueIterations(new WorkBudgetSchedule(0.1, 100), 100, 50, 100)).toEqual([40, 60, 80, 100]);
    // N = 90: at 80 the run's projected 4,500 training rows pay for 4 evaluations, not that one and
    // the final: it waits for the final (4 x 100 rows <= 0.1 x 90 x 50)
    expect(dueIterations(new WorkBudgetSchedule(0.1, 90), 90, 50, 100)).toEqual([40, 60, 90]);
    // a budget twice as large: twice as many evaluations
    expect(dueIterations(new WorkBudgetSchedule(0.2, 100), 100, 50, 100)).toEqual([20, 30, 40, 50, 60, 70, 80, 90, 100]);
    // a run too short to pay for its opening evaluation: the final one only
    expect(dueIterations(new WorkBudgetSchedule(0.1, 30), 30, 50, 100)).toEqual([30]);
  });

  it('with no opening evaluation, the first is due after the first update; its cost spaces the next', () => {
    const schedule = new WorkBudgetSchedule(0.1, 100);
    const due: number[] = [];
    for (let i = 1; i <= 100; i++) {
      schedule.trained(50);
      if (schedule.due(i)) {
        due.push(i);
        schedule.evaluated(100);
      }
    }
    expect(due).toEqual([1, 40, 60, 80, 100]);
  });

  it('a schedule restored from its saved counts continues as the original; bad counts are refused by name', () => {
    const a = new WorkBudgetSchedule(0.1, 100);
    const b = new WorkBudgetSchedule(0.1, 100);
    a.evaluated(100);
    for (let i = 1; i <= 45; i++) a.trained(50);
    expect(a.due(45)).toBe(true);
    a.evaluated(100);
    b.loadState(JSON.parse(JSON.stringify(a.saveState())));
    for (let i = 46; i <= 100; i++) {
      a.trained(50);
      b.trained(50);
      expect(b.due(i)).toBe(a.due(i));
    }
    expect(() => b.loadState({ trainingRows: 5, evaluationRows: -1, lastRows: 0 })).toThrow(/evaluation schedule count 'evaluationRows' = -1 is not a count/);
    expect(() => b.loadState({ trainingRows: 5, lastRows: 0 })).toThrow(/has no field 'evaluationRows'/);
  });
});

describe('the timetable of evaluation.every', () => {
  const env = new HyperGrid({ ndim: 2, height: 8, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
  const forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(1), 'timetable');
  const event = (iteration: number) => ({ iteration });

  it('an integer keeps its meaning; "auto" under exact evaluation is every 10; neither counts anything', () => {
    const bus = new EventBus();
    const dueAt = (every: number | 'auto', method: 'exact' | 'sampled', total: number): number[] => {
      const t = evaluationTimetable(bus, forward, method, { every, budget: 0.1, totalIterations: total });
      expect(t.forward).toBe(forward);
      return Array.from({ length: total }, (_, i) => i + 1).filter((i) => t.due(event(i)));
    };
    expect(EXACT_EVALUATION_EVERY).toBe(10);
    expect(dueAt('auto', 'exact', 35)).toEqual([10, 20, 30, 35]);
    expect(dueAt(7, 'sampled', 20)).toEqual([7, 14, 20]);
    expect(dueAt(0, 'sampled', 5)).toEqual([5]);
  });

  it('"auto" under sampled evaluation counts training steps (sampled + trained on) and the rows the evaluations send through P_F', () => {
    const bus = new EventBus();
    const checkpoints = new CheckpointRegistry();
    const t = evaluationTimetable(bus, forward, 'sampled', { every: 'auto', budget: 0.5, totalIterations: 100 }, checkpoints);
    expect(t.forward).not.toBe(forward);
    // the counting P_F computes what P_F computes
    const x = networkInput(env, t.forward, new Int32Array([0, 0, 3, 2]));
    const [a, b] = [t.forward.predict(x), forward.predict(x)];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    // an opening evaluation of 2 + 3 rows
    tf.dispose(t.forward.predict(tf.zeros([3, env.obsDim]) as tf.Tensor2D));
    t.evaluated();
    const state = () => checkpoints.entries().get('evaluationSchedule')!.saveState();
    expect(state()).toEqual({ trainingRows: 0, evaluationRows: 5, lastRows: 5, environmentSteps: 0 });
    const batch = new Sampler(env, forward, new Rng(3)).sampleForward(4);
    // a batch that is also what was sampled: its steps twice (the sampler's pass, the loss's pass)
    bus.trajectories$.next({ iteration: 1, batch });
    expect(state().trainingRows).toBe(2 * batch.nSteps);
    expect(t.due(event(1))).toBe(0.5 * 2 * batch.nSteps >= 10);
    // self-collected experience arrives as a running total of environment steps: 2 rows per new step
    t.due({ iteration: 2, environmentSteps: 7 });
    t.due({ iteration: 3, environmentSteps: 10 });
    expect(state()).toEqual({ trainingRows: 2 * batch.nSteps + 20, evaluationRows: 5, lastRows: 5, environmentSteps: 10 });
    x.dispose();
    t.subscription.unsubscribe();
  });
});

describe('evaluation.every and evaluation.budget in the preflight', () => {
  const raw = (evaluation: Record<string, unknown>) => ({ env: { name: 'hypergrid', ndim: 2, height: 4 }, objective: { name: 'tb' }, evaluation });
  const problems = (evaluation: Record<string, unknown>): readonly string[] => {
    try {
      resolveConfig(raw(evaluation), registry);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    return [];
  };

  it('defaults to "auto" and a budget of 0.1; takes "auto" and integers >= 0', () => {
    expect(resolveConfig(raw({}), registry).evaluation).toMatchObject({ every: 'auto', budget: 0.1 });
    for (const every of ['auto', 0, 1, 250]) expect(problems({ every })).toEqual([]);
  });

  it('anything else names the field, the value and the valid choices', async () => {
    expect(problems({ every: -1 })).toEqual(['field "evaluation.every" = -1: must be an integer ≥ 0 or "auto"']);
    expect(problems({ every: 2.5 })).toEqual(['field "evaluation.every" = 2.5: must be an integer ≥ 0 or "auto"']);
    expect(problems({ every: 'atuo' })).toEqual(['field "evaluation.every" = "atuo": must be an integer ≥ 0 or "auto"; did you mean "auto"?']);
    expect(problems({ every: null })).toEqual(['field "evaluation.every" = null: must be an integer ≥ 0 or "auto"']);
    expect(problems({ budget: 0 })).toEqual(['field "evaluation.budget" = 0: must be > 0']);
    expect(problems({ budget: 1.5 })).toEqual(['field "evaluation.budget" = 1.5: must be <= 1']);
    // train's preflight refuses it before any work
    await expect(train(raw({ every: 'sometimes' }) as unknown as ResolvedConfig, registry)).rejects.toThrow(
      'field "evaluation.every" = "sometimes": must be an integer ≥ 0 or "auto"',
    );
  });
});
