import { describe, expect, it } from 'vitest';
import { box, boxSize, contains, discrete } from '../../core/gym/spaces.js';

describe('Gym spaces', () => {
  it('Discrete(n) holds the integers 0 … n − 1', () => {
    const d = discrete(3);
    expect([0, 1, 2].map((a) => contains(d, a))).toEqual([true, true, true]);
    expect([-1, 3, 1.5].map((a) => contains(d, a))).toEqual([false, false, false]);
    expect(contains(d, [1])).toBe(false);
    expect(() => discrete(0)).toThrow(/positive integer/);
  });

  it('Box holds vectors of its size inside its bounds', () => {
    const b = box([-1, -Infinity], [1, Infinity]);
    expect(boxSize(b)).toBe(2);
    expect(contains(b, [0.5, 1e30])).toBe(true);
    expect(contains(b, [1.5, 0])).toBe(false);
    expect(contains(b, [0])).toBe(false);
    expect(contains(b, 0)).toBe(false);
    const scalarBounds = box(0, 1, 4);
    expect(scalarBounds.shape).toEqual([4]);
    expect(contains(scalarBounds, [0, 0.5, 1, 0.25])).toBe(true);
    expect(() => box([1], [0])).toThrow(/exceeds/);
  });
});
