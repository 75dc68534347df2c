import { describe, expect, it } from 'vitest';
import { EpisodeWindow } from '../../core/objectives/episode-window.js';

describe('EpisodeWindow', () => {
  it('mean, population std and mean length over the last N finished episodes', () => {
    const w = new EpisodeWindow(3);
    expect(w.metrics()).toEqual({});
    w.add([10], [5]);
    expect(w.metrics()).toEqual({ episodeReturnMean: 10, episodeReturnStd: 0, episodeLengthMean: 5 });
    w.add([20, 30, 40], [6, 7, 8]);
    // the window keeps 20, 30, 40: mean 30, std sqrt((100 + 0 + 100)/3)
    const m = w.metrics();
    expect(w.count).toBe(3);
    expect(m.episodeReturnMean).toBe(30);
    expect(Math.abs(m.episodeReturnStd! - Math.sqrt(200 / 3))).toBeLessThan(1e-12);
    expect(m.episodeLengthMean).toBe(7);
    w.add([], []);
    expect(w.metrics()).toEqual(m);
  });

  it('rejects a bad size and mismatched inputs', () => {
    expect(() => new EpisodeWindow(0)).toThrow(/positive integer/);
    expect(() => new EpisodeWindow(2).add([1], [])).toThrow(/lengths/);
  });
});
