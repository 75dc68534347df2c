import { describe, expect, it } from 'vitest';
import { explorationAt, isExploratory, scheduleProblems } from '../../core/sampling/exploration.js';

describe('explorationAt', () => {
  it('is constant without a decay', () => {
    const s = { epsilon: 0.3, epsilonDecayIterations: 0, temperature: 2 };
    for (const i of [0, 1, 10, 10_000]) expect(explorationAt(s, i)).toEqual({ epsilon: 0.3, temperature: 2 });
  });

  it('decays linearly from epsilon to epsilonFinal over epsilonDecayIterations, then stays', () => {
    const s = { epsilon: 0.5, epsilonFinal: 0.1, epsilonDecayIterations: 4, temperature: 1 };
    // by hand: 0.5 − 0.4 · i/4
    const expected = [0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1];
    expected.forEach((eps, i) => expect(explorationAt(s, i).epsilon).toBeCloseTo(eps, 12));
    expect(explorationAt(s, 4).epsilon).toBe(0.1);
    expect(explorationAt(s, 1000).epsilon).toBe(0.1);
    expect(explorationAt(s, 2).temperature).toBe(1);
  });

  it('can also increase, and epsilonFinal defaults to epsilon', () => {
    expect(explorationAt({ epsilon: 0, epsilonFinal: 1, epsilonDecayIterations: 10, temperature: 1 }, 3).epsilon).toBeCloseTo(0.3, 12);
    const noFinal = { epsilon: 0.2, epsilonDecayIterations: 10, temperature: 1 };
    for (const i of [0, 5, 10, 50]) expect(explorationAt(noFinal, i).epsilon).toBe(0.2);
  });
});

describe('isExploratory', () => {
  it('is false only when ε is 0 over the whole schedule and the temperature is 1', () => {
    expect(isExploratory({ epsilon: 0, epsilonDecayIterations: 0, temperature: 1 })).toBe(false);
    expect(isExploratory({ epsilon: 0, epsilonFinal: 0, epsilonDecayIterations: 5, temperature: 1 })).toBe(false);
    expect(isExploratory({ epsilon: 0.01, epsilonDecayIterations: 0, temperature: 1 })).toBe(true);
    // ε starts at 0 but rises: exploratory from iteration 1 on
    expect(isExploratory({ epsilon: 0, epsilonFinal: 0.2, epsilonDecayIterations: 5, temperature: 1 })).toBe(true);
    expect(isExploratory({ epsilon: 0.2, epsilonFinal: 0, epsilonDecayIterations: 5, temperature: 1 })).toBe(true);
    expect(isExploratory({ epsilon: 0, epsilonDecayIterations: 0, temperature: 0.5 })).toBe(true);
  });
});

describe('scheduleProblems', () => {
  it('rejects an epsilonFinal that a zero-length decay would never reach, naming the fields', () => {
    const [p, ...rest] = scheduleProblems({ epsilon: 0.5, epsilonFinal: 0.1, epsilonDecayIterations: 0, temperature: 1 });
    expect(rest).toEqual([]);
    expect(p).toContain('sampler.epsilonFinal');
    expect(p).toContain('0.1');
    expect(p).toContain('sampler.epsilonDecayIterations');
    expect(scheduleProblems({ epsilon: 0.5, epsilonFinal: 0.5, epsilonDecayIterations: 0, temperature: 1 })).toEqual([]);
    expect(scheduleProblems({ epsilon: 0.5, epsilonFinal: 0.1, epsilonDecayIterations: 3, temperature: 1 })).toEqual([]);
  });
});
