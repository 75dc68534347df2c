import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../core/events/bus.js';
import { attachTimeBudget } from '../../core/training/time-budget.js';

let now = 0;
afterEach(() => vi.restoreAllMocks());

const iteration = (bus: EventBus, i: number): void =>
  bus.iteration$.next({ iteration: i, metrics: {}, timings: { sampleMs: 0, updateMs: 0 }, trajectoriesSeen: i, elapsedMs: now });
const evaluation = (bus: EventBus, i: number): void => bus.evaluation$.next({ iteration: i, metrics: { tv: 1 }, method: 'exact' });

describe('time budget subscriber', () => {
  it('stops at the first evaluation after the deadline when the run evaluates', () => {
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const bus = new EventBus();
    const stop = vi.fn();
    attachTimeBudget(bus, stop, { seconds: 2, atEvaluation: true });
    now = 1000;
    bus.runStarted$.next({ runName: 'r', backend: 'cpu', kernels: 'backend', iterations: 10, config: {} });
    now = 2500;
    evaluation(bus, 9);
    iteration(bus, 9);
    now = 2999;
    evaluation(bus, 19);
    expect(stop).not.toHaveBeenCalled();
    now = 3000;
    iteration(bus, 20); // past the deadline, but not an evaluation: keep going until one
    expect(stop).not.toHaveBeenCalled();
    evaluation(bus, 29);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('stops at the first iteration after the deadline when the run does not evaluate periodically', () => {
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const bus = new EventBus();
    const stop = vi.fn();
    attachTimeBudget(bus, stop, { seconds: 0.5, atEvaluation: false });
    now = 0;
    bus.runStarted$.next({ runName: 'r', backend: 'cpu', kernels: 'backend', iterations: 10, config: {} });
    now = 499;
    iteration(bus, 0);
    expect(stop).not.toHaveBeenCalled();
    now = 500;
    iteration(bus, 1);
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
