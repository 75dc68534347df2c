import { describe, expect, it } from 'vitest';
import { chartOf, meanStaleness } from '../../dashboard/client/actor-series.js';
import { RunSeries } from '../../dashboard/client/series.js';
import type { ActorStats } from '../../core/sampling/actor-stats.js';
import { actorIterationRecord } from './helpers.js';

const iteration = actorIterationRecord;

const stats = (rates: number[], staleness: number[], dropped: number): ActorStats => ({
  trajectoriesPerSecond: rates,
  staleness,
  droppedBatches: dropped,
  droppedTrajectories: 16 * dropped,
  acceptedTrajectories: 16 * staleness.reduce((a, b) => a + b, 0),
});

describe('the dashboard’s actor and reward curves', () => {
  it('draws each actor’s rate, the mean staleness, the dropped batches and the reward latency, and keeps the newest histogram', () => {
    const series = new RunSeries();
    series.add([
      { type: 'start', backend: 'wasm', iterations: 2, time: '2026-01-01T00:00:00.000Z' },
      iteration(1, stats([100, 50], [1], 0), { mean: 20, p95: 31 }),
      iteration(2, stats([120, 60], [1, 2, 0, 1], 3), { mean: 22, p95: 40 }),
    ]);
    const values = (key: string) =>
      series.curves
        .get(key)
        ?.points()
        .map((p) => p.value);
    expect(values('actorRate:0')).toEqual([100, 120]);
    expect(values('actorRate:1')).toEqual([50, 60]);
    // lags 0, 1, 1, 3 → (0 + 1 + 1 + 3) / 4
    expect(values('meanStaleness')).toEqual([0, 5 / 4]);
    expect(values('droppedBatches')).toEqual([0, 3]);
    expect(values('rewardLatencyMeanMs')).toEqual([20, 22]);
    expect(values('rewardLatencyP95Ms')).toEqual([31, 40]);
    expect(series.staleness).toEqual([1, 2, 0, 1]);
    // a fresh start forgets the histogram with the curves
    series.add([{ type: 'start', backend: 'wasm', iterations: 2, time: '2026-01-01T00:00:00.000Z' }]);
    expect(series.staleness).toBeUndefined();
    expect(series.curves.size).toBe(0);
  });

  it('adds nothing for a run without actors or a reward service', () => {
    const series = new RunSeries();
    series.add([{ type: 'iteration', iteration: 1, trajectories: 16, loss: 1, sampleMs: 1, updateMs: 1, elapsedMs: 100 }]);
    expect([...series.curves.keys()]).toEqual(['loss']);
    expect(series.staleness).toBeUndefined();
  });

  it('puts every actor’s rate in one chart, a line per actor, and every other curve in its own', () => {
    expect(chartOf('actorRate:3')).toEqual({ chart: 'actorRate', part: 'actor 3' });
    expect(chartOf('meanStaleness')).toEqual({ chart: 'meanStaleness' });
    expect(chartOf('tv@beta=0.5')).toEqual({ chart: 'tv@beta=0.5' });
    expect(meanStaleness({ staleness: [] })).toBeUndefined();
    expect(meanStaleness({ staleness: [0, 0, 4] })).toBe(2);
  });
});
