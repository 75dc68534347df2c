import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXACT_MAX_STATES_DEFAULT } from '../../../core/config/schema.js';
import { ConfigError } from '../../../core/base/errors.js';
import { EventBus, type RunFinished } from '../../../core/events/bus.js';
import { attachEvaluation } from '../../../core/evaluation/periodic.js';
import { chooseEvaluationMethod, evaluationDue } from '../../../core/evaluation/schedule.js';
import { Rng } from '../../../core/base/rng.js';
import { Mlp } from '../../../core/tensor/mlp.js';
import { HyperGrid } from '../../../envs/hypergrid.js';
import { recordRun, smallConfig } from '../../training/run-helpers.js';

const grid = (ndim: number, height: number): HyperGrid => new HyperGrid({ ndim, height, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
const limits = (mode: 'auto' | 'exact' | 'sampled' | 'none', exactMaxStates = EXACT_MAX_STATES_DEFAULT) => ({ mode, exactMaxStates });

afterEach(() => vi.restoreAllMocks());

describe('evaluation.mode', () => {
  it('auto: exact up to exactMaxStates states, sampled above; none and sampled as asked', () => {
    expect(chooseEvaluationMethod(grid(2, 8), limits('auto'))).toBe('exact');
    expect(chooseEvaluationMethod(grid(8, 8), limits('auto'))).toBe('sampled');
    expect(chooseEvaluationMethod(grid(2, 8), limits('auto', 63))).toBe('sampled');
    expect(chooseEvaluationMethod(grid(2, 8), limits('auto', 64))).toBe('exact');
    expect(chooseEvaluationMethod(grid(2, 8), limits('sampled'))).toBe('sampled');
    expect(chooseEvaluationMethod(grid(12, 16), limits('none'))).toBe('none');
  });

  it('exact above the limit is a config error naming the state count and the limit', () => {
    expect(() => chooseEvaluationMethod(grid(12, 16), limits('exact'))).toThrow(ConfigError);
    expect(() => chooseEvaluationMethod(grid(12, 16), limits('exact'))).toThrow(
      /field "evaluation.mode" = "exact": environment 'hypergrid' has 281,474,976,710,656 states, above evaluation.exactMaxStates = 1,000,000/,
    );
  });

  it("evaluates every k iterations and at the last one (iterations counted from 1; 0 is atStart's)", () => {
    const due = (every: number, total: number): number[] => Array.from({ length: total + 1 }, (_, i) => i).filter((i) => evaluationDue(i, every, total));
    expect(due(3, 10)).toEqual([3, 6, 9, 10]);
    expect(due(0, 4)).toEqual([4]);
    expect(due(5, 10)).toEqual([5, 10]);
  });
});

describe('the evaluator is built lazily', () => {
  it('enumerates nothing before the first evaluation is due', () => {
    const env = grid(2, 5);
    const all = vi.spyOn(env, 'allStates');
    const truth = vi.spyOn(env, 'trueDistribution');
    const bus = new EventBus();
    const forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(1), 'lazy-eval');
    const objective = { name: 'none', update: () => ({}), dispose: () => undefined };
    const published: string[] = [];
    bus.evaluation$.subscribe((e) => published.push(e.method));
    const schedule = {
      mode: 'exact' as const,
      every: 2,
      budget: 0.1,
      samples: 10,
      exactMaxStates: 100,
      backwardSamples: 2,
      maxTestStates: 4,
      topK: 3,
      totalIterations: 4,
      seed: 0,
      atStart: false,
    };
    const sub = attachEvaluation(bus, env, forward, objective, schedule);
    const tick = (iteration: number): void =>
      bus.iteration$.next({ iteration, metrics: {}, timings: { sampleMs: 0, updateMs: 0 }, trajectoriesSeen: 0, elapsedMs: 0 });
    expect(all).not.toHaveBeenCalled();
    expect(truth).not.toHaveBeenCalled();
    tick(1);
    expect(all).not.toHaveBeenCalled();
    tick(2);
    expect(all).toHaveBeenCalled();
    expect(published).toEqual(['exact']);
    sub?.unsubscribe();
    forward.dispose();
  });
});

describe('training beyond enumeration', () => {
  it('hypergrid ndim 12 height 16 (2.8e14 states) trains and publishes sampled metrics with their own duration', async () => {
    const config = smallConfig({
      iterations: 2,
      batchSize: 4,
      env: { name: 'hypergrid', ndim: 12, height: 16 },
      estimator: { name: 'mlp', hidden: [16] },
      evaluation: { every: 0, atStart: false, samples: 16, backwardSamples: 2, maxTestStates: 6, topK: 4 },
    });
    let finished: RunFinished | undefined;
    const run = await recordRun(config, { beforeRun: (_c, bus) => bus.runFinished$.subscribe((f) => (finished = f)) });
    expect(run.iterations.length).toBe(2);
    expect(run.evaluations.length).toBe(1);
    const [e] = run.evaluations;
    expect(e!.method).toBe('sampled');
    expect(e!.durationMs).toBeGreaterThan(0);
    for (const k of ['elbo', 'logZIs', 'ess', 'testSpearman', 'testPearson', 'testLogRatioVar', 'sampleSpearman', 'logZIsError', 'topKReward', 'modesFound'])
      expect(Number.isFinite(e!.metrics[k]), k).toBe(true);
    // ring cells per coordinate at H = 16: 2, 13, and 12 (|12/15 − ½| evaluates to 0.30000000000000004 > 0.3)
    expect(e!.metrics.modesTotal).toBe(3 ** 12);
    // the evaluation after the last iteration is counted in the run's total, apart from training time
    expect(finished!.evaluationMs).toBeCloseTo(e!.durationMs!, 6);
    expect(finished!.elapsedMs).toBeGreaterThan(finished!.evaluationMs!);
  });

  it('exact above the limit fails before the first iteration; none publishes nothing', async () => {
    await expect(recordRun(smallConfig({ env: { name: 'hypergrid', ndim: 8, height: 8 }, evaluation: { mode: 'exact' } }))).rejects.toThrow(
      /16,777,216 states, above evaluation.exactMaxStates = 1,000,000/,
    );
    const run = await recordRun(smallConfig({ iterations: 3, evaluation: { mode: 'none' } }));
    expect(run.iterations.length).toBe(3);
    expect(run.evaluations.length).toBe(0);
  });
});
