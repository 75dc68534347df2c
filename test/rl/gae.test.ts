import { describe, expect, it } from 'vitest';
import { centerValid, generalizedAdvantages } from '../../core/objectives/gae.js';

/*
 * GAE on a fixed padded batch, against values worked out by hand.
 *
 * N = 3 trajectories, T = 3 step rows, time-major (entry t·N + i), lengths 3, 1, 2:
 *   i = 0: r = (1, 2, 3),  V = (0.5, 1, 2)
 *   i = 1: r = (4),        V = (1)
 *   i = 2: r = (−1, 2),    V = (0, 0.5)
 * Padded entries hold garbage (99 / 77) that must never be read, and every output is 0 there.
 * δ_t = r_t + γ V_{t+1} − V_t (V after the last step = bootstrap value or 0), A_t = δ_t + γλ A_{t+1},
 * target_t = r_t + γ target_{t+1} (target after the last step = bootstrap value or 0).
 */
const N = 3;
const T = 3;
const lengths = [3, 1, 2];
const P = 99; // garbage reward in padding
const Q = 77; // garbage value in padding
// prettier-ignore
const rewards = [1, 4, -1, 2, P, 2, 3, P, P];
// prettier-ignore
const values = [0.5, 1, 0, 1, Q, 0.5, 2, Q, Q];

/** [t][i] rows → flat time-major. */
const flat = (rows: number[][]): number[] => rows.flat();

interface Case {
  gamma: number;
  lambda: number;
  bootstrap?: number[];
  advantages: number[][];
  targets: number[][];
}

/*
 * Worked by hand, e.g. γ = 0.9, λ = 0.5, trajectory 0:
 *   t = 2: δ = 3 + 0 − 2 = 1,            A = 1,                    target = 3
 *   t = 1: δ = 2 + 0.9·2 − 1 = 2.8,      A = 2.8 + 0.45·1 = 3.25,  target = 2 + 0.9·3 = 4.7
 *   t = 0: δ = 1 + 0.9·1 − 0.5 = 1.4,    A = 1.4 + 0.45·3.25 = 2.8625, target = 1 + 0.9·4.7 = 5.23
 * and with bootstrap values (10, −2, 4), trajectory 2 (γ = 0.9, λ = 0.5):
 *   t = 1: δ = 2 + 0.9·4 − 0.5 = 5.1,    A = 5.1,                  target = 2 + 0.9·4 = 5.6
 *   t = 0: δ = −1 + 0.9·0.5 − 0 = −0.55, A = −0.55 + 0.45·5.1 = 1.745, target = −1 + 0.9·5.6 = 4.04
 */
const CASES: Case[] = [
  {
    gamma: 1,
    lambda: 1,
    // λ = 1: A_t = target_t − V_t
    advantages: [
      [5.5, 3, 1],
      [4, 0, 1.5],
      [1, 0, 0],
    ],
    targets: [
      [6, 4, 1],
      [5, 0, 2],
      [3, 0, 0],
    ],
  },
  {
    gamma: 1,
    lambda: 0.5,
    advantages: [
      [3.25, 3, 0.25],
      [3.5, 0, 1.5],
      [1, 0, 0],
    ],
    targets: [
      [6, 4, 1],
      [5, 0, 2],
      [3, 0, 0],
    ],
  },
  {
    gamma: 0.9,
    lambda: 0.5,
    advantages: [
      [2.8625, 3, 0.125],
      [3.25, 0, 1.5],
      [1, 0, 0],
    ],
    targets: [
      [5.23, 4, 0.8],
      [4.7, 0, 2],
      [3, 0, 0],
    ],
  },
  {
    gamma: 0.9,
    lambda: 1,
    advantages: [
      [4.73, 3, 0.8],
      [3.7, 0, 1.5],
      [1, 0, 0],
    ],
    targets: [
      [5.23, 4, 0.8],
      [4.7, 0, 2],
      [3, 0, 0],
    ],
  },
  {
    gamma: 0.9,
    lambda: 0.5,
    bootstrap: [10, -2, 4],
    advantages: [
      [4.685, 1.2, 1.745],
      [7.3, 0, 5.1],
      [10, 0, 0],
    ],
    targets: [
      [12.52, 2.2, 4.04],
      [12.8, 0, 5.6],
      [12, 0, 0],
    ],
  },
  {
    gamma: 1,
    lambda: 1,
    bootstrap: [10, -2, 4],
    advantages: [
      [15.5, 1, 5],
      [14, 0, 5.5],
      [11, 0, 0],
    ],
    targets: [
      [16, 2, 5],
      [15, 0, 6],
      [13, 0, 0],
    ],
  },
  {
    gamma: 1,
    lambda: 0.5,
    bootstrap: [10, -2, 4],
    advantages: [
      [5.75, 1, 2.25],
      [8.5, 0, 5.5],
      [11, 0, 0],
    ],
    targets: [
      [16, 2, 5],
      [15, 0, 6],
      [13, 0, 0],
    ],
  },
];

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, k) => expect(Math.abs(actual[k]! - e), `entry ${k}: ${actual[k]} vs ${e}`).toBeLessThan(1e-12));
}

describe('generalizedAdvantages', () => {
  it.each(CASES.map((c) => [c.gamma, c.lambda, c.bootstrap ? `bootstrap ${c.bootstrap.join(',')}` : 'no bootstrap', c] as const))(
    'γ = %s, λ = %s, %s',
    (_g, _l, _b, c) => {
      const out = generalizedAdvantages({
        nTraj: N,
        maxSteps: T,
        lengths,
        rewards,
        values,
        gamma: c.gamma,
        lambda: c.lambda,
        ...(c.bootstrap ? { bootstrapValues: c.bootstrap } : {}),
      });
      expectClose(out.advantages, flat(c.advantages));
      expectClose(out.targets, flat(c.targets));
      // padding stays exactly 0
      for (const k of [1 * N + 1, 2 * N + 1, 2 * N + 2]) {
        expect(out.advantages[k]).toBe(0);
        expect(out.targets[k]).toBe(0);
      }
    },
  );

  it('targets do not depend on λ or V; with λ = 1 the advantages are targets − V', () => {
    for (const gamma of [1, 0.9]) {
      const a = generalizedAdvantages({ nTraj: N, maxSteps: T, lengths, rewards, values, gamma, lambda: 0.3 });
      const b = generalizedAdvantages({ nTraj: N, maxSteps: T, lengths, rewards, values: values.map((v) => v + 5), gamma, lambda: 1 });
      expectClose(a.targets, Array.from(b.targets));
      const one = generalizedAdvantages({ nTraj: N, maxSteps: T, lengths, rewards, values, gamma, lambda: 1 });
      for (let i = 0; i < N; i++) {
        for (let t = 0; t < lengths[i]!; t++) {
          const k = t * N + i;
          expect(Math.abs(one.advantages[k]! - (one.targets[k]! - values[k]!))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('λ = 0 gives the one-step TD errors', () => {
    const out = generalizedAdvantages({ nTraj: N, maxSteps: T, lengths, rewards, values, gamma: 0.9, lambda: 0 });
    // δ by hand: i = 0: 1.4, 2.8, 1; i = 1: 3; i = 2: −0.55, 1.5
    expectClose(
      out.advantages,
      flat([
        [1.4, 3, -0.55],
        [2.8, 0, 1.5],
        [1, 0, 0],
      ]),
    );
  });

  it('a trajectory without steps has no entries; an empty batch gives empty outputs', () => {
    const out = generalizedAdvantages({ nTraj: 2, maxSteps: 2, lengths: [0, 2], rewards: [P, 1, P, 2], values: [Q, 0.5, Q, 1], gamma: 1, lambda: 1 });
    expectClose(out.advantages, [0, 2.5, 0, 1]);
    expectClose(out.targets, [0, 3, 0, 2]);
    const empty = generalizedAdvantages({ nTraj: 0, maxSteps: 0, lengths: [], rewards: [], values: [], gamma: 1, lambda: 1 });
    expect(empty.advantages.length).toBe(0);
    expect(empty.targets.length).toBe(0);
  });
});

describe('centerValid', () => {
  it('subtracts the mean over valid entries only and leaves padding untouched', () => {
    // the γ = 1, λ = 1 advantages with garbage in the padding: valid mean = (5.5+4+1 + 3 + 1+1.5)/6 = 8/3
    const perStep = Float64Array.from(
      flat([
        [5.5, 3, 1],
        [4, 1000, 1.5],
        [1, -1000, 1000],
      ]),
    );
    const out = centerValid(perStep, N, lengths);
    expect(out).toBe(perStep); // in place
    const m = 8 / 3;
    expectClose(
      perStep,
      flat([
        [5.5 - m, 3 - m, 1 - m],
        [4 - m, 1000, 1.5 - m],
        [1 - m, -1000, 1000],
      ]),
    );
    let sum = 0;
    for (let i = 0; i < N; i++) for (let t = 0; t < lengths[i]!; t++) sum += perStep[t * N + i]!;
    expect(Math.abs(sum)).toBeLessThan(1e-12);
  });

  it('zero padding stays zero after centring the GAE output', () => {
    const { advantages } = generalizedAdvantages({ nTraj: N, maxSteps: T, lengths, rewards, values, gamma: 1, lambda: 0.5 });
    centerValid(advantages, N, lengths);
    // valid mean of the λ = 0.5 advantages: (3.25+3.5+1 + 3 + 0.25+1.5)/6 = 12.5/6
    const m = 12.5 / 6;
    expectClose(
      advantages,
      flat([
        [3.25 - m, 3 - m, 0.25 - m],
        [3.5 - m, 0, 1.5 - m],
        [1 - m, 0, 0],
      ]),
    );
  });

  it('no valid entries: nothing changes', () => {
    const perStep = Float64Array.from([7, 8]);
    centerValid(perStep, 2, [0, 0]);
    expect(Array.from(perStep)).toEqual([7, 8]);
  });
});
