import { describe, expect, it } from 'vitest';
import { aggregateSeries, plotSpec, renderSvg } from '../../harness/plots.js';
import { fakeResult } from './helpers.js';

const point = (iterations: number, seconds: number, tv: number, jsd: number) => ({
  iterations,
  trajectories: iterations * 8,
  elapsedSeconds: seconds,
  metrics: { tv, jsd, logZError: tv * 2 },
});
const finished = { iterations: 20, elapsedSeconds: 2 };
const results = [
  fakeResult('g', 'a', 0, { state: 'finished', finished, points: [point(10, 1, 0.5, 0.2), point(20, 2, 0.3, 0.1)] }),
  fakeResult('g', 'a', 1, { state: 'finished', finished, points: [point(10, 3, 0.7, 0.4), point(20, 4, 0.1, 0.05), point(30, 5, 0.05, 0.01)] }),
  fakeResult('g', 'b', 0, { state: 'finished', finished, points: [point(10, 1, 0.9, 0.5), point(20, 2, 0.8, 0.4)] }),
  fakeResult('g', 'c', 0, { state: 'finished', finished, points: [point(10, 1, 0.6, 0.3), point(20, 2, 0.4, 0.2)] }),
  // failed runs and other environments stay out of the curves
  fakeResult('g', 'b', 1, { state: 'failed', error: 'NaN', points: [point(10, 1, 0.01, 0.01)] }),
  fakeResult('h', 'a', 0, { state: 'finished', finished, points: [point(10, 1, 0.2, 0.1)] }),
];

describe('bench plots', () => {
  it('aggregates seeds: mean and min–max band at the points every seed reached, mean elapsed time', () => {
    const series = aggregateSeries(results, 'g', ['a', 'b', 'c']);
    const a = series.filter((p) => p.objective === 'a' && p.metric === 'tv');
    expect(a.map((p) => p.iterations)).toEqual([10, 20]); // 30 was reached by one seed only
    expect(a[0]!.mean).toBeCloseTo(0.6, 12);
    expect(a[0]!.lo).toBeCloseTo(0.5, 12);
    expect(a[0]!.hi).toBeCloseTo(0.7, 12);
    expect(a[0]!.seconds).toBeCloseTo(2, 12);
    expect(a[1]!.mean).toBeCloseTo(0.2, 12);
    expect(series.filter((p) => p.objective === 'b' && p.metric === 'tv').map((p) => p.mean)).toEqual([0.9, 0.8]);
    expect(new Set(series.map((p) => p.metric))).toEqual(new Set(['tv', 'jsd', 'logZError']));
  });

  it('renders SVG headless with one line per objective in each metric panel, and text', async () => {
    const objectives = ['a', 'b', 'c'];
    for (const axis of ['iterations', 'seconds'] as const) {
      const svg = await renderSvg(plotSpec(aggregateSeries(results, 'g', objectives), objectives, axis, 'g'));
      expect(svg.startsWith('<svg')).toBe(true);
      const lines = [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="line mark"/g)].map((m) => m[1]);
      // 3 panels (TV, JSD, log Z error) x one series per objective
      expect(lines).toEqual([...objectives, ...objectives, ...objectives]);
      const bands = svg.match(/aria-roledescription="area mark"/g) ?? [];
      expect(bands).toHaveLength(9);
      const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(texts).toContain(axis === 'iterations' ? 'iterations' : 'wall-clock seconds');
      expect(texts).toEqual(expect.arrayContaining(['TV', 'JSD', '|log Ẑ − log Z|', 'objective', 'a', 'b', 'c']));
    }
  });
});
