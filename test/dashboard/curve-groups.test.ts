import { describe, expect, it } from 'vitest';
import { conditionLabel, layoutCharts, MEAN_PART, parseConditionKey, UNCONDITIONAL_PART } from '../../dashboard/client/curve-groups.js';
import { RunSeries } from '../../dashboard/client/series.js';
import type { MetricsRecord } from '../../run-folder/records.js';

/** The charts of one layout as `key: part, part, …` (a chart drawing one line per run: its key alone). */
const charts = (runs: string[][]): string[] =>
  layoutCharts(runs).charts.map((c) => (c.parts.length === 0 ? c.key : `${c.key}${c.conditions ? '' : ' (actors)'}: ${c.parts.join(' | ')}`));

/** The curve keys of one run fed these evaluation records (the iteration lines too, for the loss). */
function curveKeys(evaluations: Array<Record<string, number>>): string[] {
  const series = new RunSeries();
  const records: MetricsRecord[] = [{ type: 'start', backend: 'wasm', iterations: evaluations.length, time: '2026-01-01T00:00:00.000Z' }];
  evaluations.forEach((metrics, i) => {
    records.push({ type: 'evaluation', iteration: i, method: 'exact', ...metrics } as MetricsRecord);
    records.push({ type: 'iteration', iteration: i, trajectories: 16 * (i + 1), loss: 1, sampleMs: 1, updateMs: 1, elapsedMs: 100 * (i + 1) });
  });
  series.add(records);
  return [...series.curves.keys()];
}

/** The fields of a temperature-conditional run's evaluation line, as `gfn train` writes them (grid 0.5, 1, 2, 4). */
function betaEvaluation(): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const beta of [0.5, 1, 2, 4]) for (const m of ['tv', 'jsd', 'kl', 'rewardRatio', 'logZ', 'logZError']) metrics[`${m}@beta=${beta}`] = beta;
  for (const m of ['tv', 'jsd', 'kl', 'rewardRatio', 'logZ', 'logZError', 'tvMax', 'durationMs']) metrics[m] = 1;
  return metrics;
}

describe('the dashboard’s charts of a conditional run', () => {
  it('reads a metric at a condition from its key, and nothing else', () => {
    expect(parseConditionKey('tv@beta=0.5')).toEqual({ metric: 'tv', components: [{ name: 'beta', value: 0.5 }] });
    expect(parseConditionKey('tv@beta=2,binding=0.25,ngram:GC=0.75')).toEqual({
      metric: 'tv',
      components: [
        { name: 'beta', value: 2 },
        { name: 'binding', value: 0.25 },
        { name: 'ngram:GC', value: 0.75 },
      ],
    });
    expect(parseConditionKey('logZError@branin=0.3333333432674408,currin=1e-7')?.components.map((c) => c.value)).toEqual([0.3333333432674408, 1e-7]);
    for (const odd of [
      'tv',
      '@beta=1',
      'tv@',
      'tv@beta',
      'tv@beta=',
      'tv@=1',
      'tv@beta=x',
      'tv@beta=1@2',
      'tv@beta=1,',
      'tv@beta=1,beta=2',
      'tv@beta =1',
      'a@b',
      'actorRate:0',
    ])
      expect(parseConditionKey(odd), odd).toBeUndefined();
    expect(conditionLabel([{ name: 'beta', value: 0.5 }])).toBe('β = 0.5');
    expect(
      conditionLabel([
        { name: 'beta', value: 2 },
        { name: 'branin', value: 0.25 },
        { name: 'currin', value: 0.75 },
      ]),
    ).toBe('β = 2, branin = 0.25, currin = 0.75');
  });

  it('leaves an unconditional run’s charts as they were: the standard metrics first, then the others by name, one line per run', () => {
    const keys = curveKeys([{ tv: 0.5, jsd: 0.2, rewardRatio: 1, edgeMarginalError: 0.1, durationMs: 3 }]);
    expect(charts([keys])).toEqual(['loss', 'tv', 'jsd', 'rewardRatio', 'durationMs', 'edgeMarginalError']);
    const { places } = layoutCharts([keys]);
    expect([...places[0]!.values()].every((p) => p.part === undefined)).toBe(true);
    // a run with actors: one chart for every actor's rate, a dashed line per actor (numbered, not alphabetical)
    const actors = ['loss', ...Array.from({ length: 11 }, (_, a) => `actorRate:${a}`), 'meanStaleness'];
    expect(charts([actors])).toEqual(['loss', `actorRate (actors): ${Array.from({ length: 11 }, (_, a) => `actor ${a}`).join(' | ')}`, 'meanStaleness']);
  });

  it('draws each metric of a temperature-conditional run in one chart, a line per β in numeric order and the mean over the grid', () => {
    const keys = curveKeys([betaEvaluation(), betaEvaluation()]);
    const lines = 'β = 0.5 | β = 1 | β = 2 | β = 4';
    expect(charts([keys])).toEqual([
      'loss',
      `tv: ${lines} | ${MEAN_PART}`,
      `jsd: ${lines} | ${MEAN_PART}`,
      `logZError: ${lines} | ${MEAN_PART}`,
      `rewardRatio: ${lines} | ${MEAN_PART}`,
      'itPerSec',
      'durationMs',
      `kl: ${lines} | ${MEAN_PART}`,
      // log Ẑ itself is not a curve of its own (as in an unconditional run), its value at each β is
      `logZ: ${lines}`,
      'tvMax',
    ]);
    const place = layoutCharts([keys]).places[0]!;
    expect(place.get('tv@beta=0.5')).toEqual({ chart: 'tv', part: 'β = 0.5' });
    expect(place.get('tv')).toEqual({ chart: 'tv', part: MEAN_PART });
    expect(place.get('tvMax')).toEqual({ chart: 'tvMax' });
    // β = 10 after β = 2: by value, not by name
    expect(charts([['tv@beta=10', 'tv@beta=2', 'tv@beta=0.25']])).toEqual(['tv: β = 0.25 | β = 2 | β = 10']);
  });

  it('draws a preference-conditional run’s metrics a line per preference, ordered component by component', () => {
    const grid = [
      [1, 0],
      [0.75, 0.25],
      [0.5, 0.5],
      [0.25, 0.75],
      [0, 1],
    ];
    const keys = [...grid.map(([b, c]) => `tv@branin=${b},currin=${c}`), 'tv', 'hypervolume', 'hypervolumeRatio'];
    expect(charts([keys])).toEqual([
      `tv: ${[...grid]
        .reverse()
        .map(([b, c]) => `branin = ${b}, currin = ${c}`)
        .join(' | ')} | ${MEAN_PART}`,
      'hypervolume',
      'hypervolumeRatio',
    ]);
    // with β too, and an objective name holding a colon
    expect(charts([['tv@beta=2,binding=0.5,ngram:GC=0.5', 'tv@beta=1,binding=1,ngram:GC=0', 'tv@beta=1,binding=0,ngram:GC=1']])).toEqual([
      'tv: β = 1, binding = 0, ngram:GC = 1 | β = 1, binding = 1, ngram:GC = 0 | β = 2, binding = 0.5, ngram:GC = 0.5',
    ]);
  });

  it('draws a metric measured at only some conditions with those lines, and an odd key in a chart of its own', () => {
    const keys = ['tv@beta=0.5', 'tv@beta=1', 'tv@beta=2', 'tv', 'jsd@beta=1', 'modes@odd', 'tv@beta=x', 'tv@beta=1@2'];
    expect(charts([keys])).toEqual([`tv: β = 0.5 | β = 1 | β = 2 | ${MEAN_PART}`, 'jsd: β = 1', 'modes@odd', 'tv@beta=1@2', 'tv@beta=x']);
    expect(layoutCharts([keys]).places[0]!.get('tv@beta=x')).toEqual({ chart: 'tv@beta=x' });
  });

  it('overlays runs: each run’s lines in the metric’s chart, an unconditional run’s as a line of its own name', () => {
    const conditional = ['loss', 'tv@beta=0.5', 'tv@beta=4', 'tv'];
    const otherGrid = ['loss', 'tv@beta=1', 'tv@beta=4', 'tv'];
    const unconditional = ['loss', 'tv', 'jsd'];
    const layout = layoutCharts([conditional, otherGrid, unconditional]);
    expect(layout.charts).toEqual([
      { key: 'loss', parts: [], conditions: false },
      { key: 'tv', parts: ['β = 0.5', 'β = 1', 'β = 4', MEAN_PART, UNCONDITIONAL_PART], conditions: true },
      { key: 'jsd', parts: [], conditions: false },
    ]);
    expect(layout.places.map((p) => p.get('tv'))).toEqual([
      { chart: 'tv', part: MEAN_PART },
      { chart: 'tv', part: MEAN_PART },
      { chart: 'tv', part: UNCONDITIONAL_PART },
    ]);
    expect(layout.places[2]!.get('jsd')).toEqual({ chart: 'jsd' });
    // unconditional runs alone: nothing named
    expect(charts([unconditional, unconditional])).toEqual(['loss', 'tv', 'jsd']);
  });
});
