import { describe, expect, it } from 'vitest';
import { CartPole, cartPoleFactory } from '../../envs/cartpole.js';
import { VectorEnv } from '../../core/gym/vector-env.js';
import { contains } from '../../core/gym/spaces.js';

/**
 * One Euler step of the classic-control equations, written out with the constants as literals
 * (g = 9.8, m_c = 1.0, m_p = 0.1, l = 0.5 (half length), F = ±10, τ = 0.02), independent of the
 * environment's code.
 */
function handStep(s: readonly number[], action: 0 | 1): number[] {
  const [x, xDot, theta, thetaDot] = s as [number, number, number, number];
  const force = action === 1 ? 10 : -10;
  const totalMass = 1.1; // 1.0 + 0.1
  const poleMassLength = 0.05; // 0.1 · 0.5
  const temp = (force + poleMassLength * thetaDot ** 2 * Math.sin(theta)) / totalMass;
  const thetaAcc = (9.8 * Math.sin(theta) - Math.cos(theta) * temp) / (0.5 * (4 / 3 - (0.1 * Math.cos(theta) ** 2) / totalMass));
  const xAcc = temp - (poleMassLength * thetaAcc * Math.cos(theta)) / totalMass;
  return [x + 0.02 * xDot, xDot + 0.02 * xAcc, theta + 0.02 * thetaDot, thetaDot + 0.02 * thetaAcc];
}

const close = (actual: ArrayLike<number>, expected: readonly number[], tol: number): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, k) => expect(Math.abs(actual[k]! - e), `entry ${k}: ${actual[k]} vs ${e}`).toBeLessThan(tol));
};

/** A linear controller that keeps the pole up for 500 steps from the seeded initial states used below. */
const balance = (o: Float32Array): number => (o[2]! + 0.5 * o[3]! + 0.01 * o[0]! + 0.1 * o[1]! > 0 ? 1 : 0);

describe('CartPole dynamics', () => {
  it('one step from a fixed state matches the equations worked by hand', () => {
    const env = new CartPole();
    const s0 = [0.01, -0.02, 0.03, 0.04];
    env.setState(s0);
    // action 1 (push right, F = +10): by hand,
    //   temp = (10 + 0.05·0.04²·sin 0.03)/1.1 = 9.0909112724,
    //   θ̈ = (9.8 sin 0.03 − cos 0.03 · temp) / (0.5 (4/3 − 0.1 cos² 0.03 / 1.1)) = −14.1534358980,
    //   ẍ = temp − 0.05 · θ̈ · cos 0.03 / 1.1 = 9.7339597874,
    //   x' = 0.01 + 0.02·(−0.02) = 0.0096, ẋ' = −0.02 + 0.02·ẍ = 0.1746791957,
    //   θ' = 0.03 + 0.02·0.04 = 0.0308, θ̇' = 0.04 + 0.02·θ̈ = −0.2430687180
    const expected1 = [0.0096, 0.17467919574755525, 0.0308, -0.2430687179600081];
    close(handStep(s0, 1), expected1, 1e-15);
    const [obs1, reward1, term1, trunc1] = env.step(1);
    close(env.state, expected1, 1e-15);
    expect(Array.from(obs1)).toEqual(expected1.map((v) => Math.fround(v)));
    expect([reward1, term1, trunc1]).toEqual([1, false, false]);
    // then action 0 (F = −10) from there
    const expected2 = [0.013093583914951107, -0.020868848948191993, 0.025938625640799837, 0.0591679999394166];
    close(handStep(expected1, 0), expected2, 1e-15);
    env.step(0);
    close(env.state, expected2, 1e-15);
  });

  it('terminates past 12° or 2.4, with reward 1 on the terminating step, and refuses further steps', () => {
    const threshold = (12 * 2 * Math.PI) / 360;
    const env = new CartPole();
    // θ just inside the limit and turning outwards: the step takes it past 12°
    env.setState([0, 0, threshold - 0.001, 1]);
    const [, r, terminated, truncated] = env.step(1);
    expect(env.state[2]).toBeGreaterThan(threshold);
    expect([r, terminated, truncated]).toEqual([1, true, false]);
    expect(() => env.step(0)).toThrow(/reset/);
    // the same on the other side, and for the cart position
    env.setState([0, 0, -threshold + 0.001, -1]);
    expect(env.step(0)[2]).toBe(true);
    env.setState([2.399, 1, 0, 0]);
    expect(env.step(1)[2]).toBe(true);
    env.setState([-2.399, -1, 0, 0]);
    expect(env.step(0)[2]).toBe(true);
    // inside the limits: not terminated
    env.setState([2.3, 1, threshold - 0.05, 0.5]);
    expect(env.step(1)[2]).toBe(false);
  });

  it('initial states are uniform in [−0.05, 0.05]^4 from the seed', () => {
    const env = new CartPole();
    const a = env.reset({ seed: 7 })[0];
    const b = new CartPole().reset({ seed: 7 })[0];
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(new CartPole().reset({ seed: 8 })[0])).not.toEqual(Array.from(a));
    // unseeded resets continue the stream: a new state each episode
    expect(Array.from(env.reset()[0])).not.toEqual(Array.from(a));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 500; i++) {
      for (const v of env.reset()[0]) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    expect(lo).toBeGreaterThanOrEqual(-0.05);
    expect(hi).toBeLessThanOrEqual(0.05);
    // 2000 draws cover the interval
    expect(lo).toBeLessThan(-0.049);
    expect(hi).toBeGreaterThan(0.049);
    expect(contains(env.observationSpace, a)).toBe(true);
    expect(env.actionSpace).toEqual({ kind: 'discrete', n: 2 });
  });

  it('an episode that keeps the pole up is truncated on its 500th step, not before, and not terminated', () => {
    for (const seed of [0, 1, 2]) {
      const env = new CartPole();
      let [obs] = env.reset({ seed });
      for (let t = 1; t <= 500; t++) {
        const [next, reward, terminated, truncated] = env.step(balance(obs));
        expect(reward).toBe(1);
        expect(terminated).toBe(false);
        expect(truncated).toBe(t === 500);
        obs = next;
      }
      expect(() => env.step(0)).toThrow(/reset/);
    }
  });

  it('the truncation limit is an option', () => {
    const env = new CartPole({ maxEpisodeSteps: 3 });
    let [obs] = env.reset({ seed: 0 });
    const flags: boolean[] = [];
    for (let t = 0; t < 3; t++) {
      const out = env.step(balance(obs));
      obs = out[0];
      flags.push(out[3]);
    }
    expect(flags).toEqual([false, false, true]);
  });
});

describe('CartPole in a VectorEnv (same-step auto-reset)', () => {
  it('a finished episode reports its final observation, return and length; the row holds the next episode', () => {
    const vec = new VectorEnv(cartPoleFactory(), 2);
    const [first] = vec.reset({ seed: 3 });
    // copy i is seeded with seed + i
    expect(Array.from(first.subarray(0, 4))).toEqual(Array.from(new CartPole().reset({ seed: 3 })[0]));
    expect(Array.from(first.subarray(4, 8))).toEqual(Array.from(new CartPole().reset({ seed: 4 })[0]));
    // always pushing right topples copy 0 within a few dozen steps; copy 1 is balanced
    let obs = first;
    let steps = 0;
    for (;;) {
      const [next, rewards, terminated, truncated, infos] = vec.step([1, balance(obs.subarray(4, 8))]);
      steps++;
      expect(Array.from(rewards)).toEqual([1, 1]);
      expect(truncated[0]).toBe(0);
      if (terminated[0]) {
        const final = infos[0]!.final!;
        expect(Math.abs(final.observation[0]!) > 2.4 || Math.abs(final.observation[2]!) > (12 * 2 * Math.PI) / 360).toBe(true);
        expect(infos[0]!.episode).toEqual({ return: steps, length: steps });
        // the row already holds the new episode's first observation
        for (const v of next.subarray(0, 4)) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
        expect(infos[1]!.final).toBeUndefined();
        expect(infos[1]!.episode).toBeUndefined();
        break;
      }
      expect(infos[0]!.final).toBeUndefined();
      obs = next;
      expect(steps).toBeLessThan(100);
    }
    // the next step continues the new episode normally
    const [, , terminated] = vec.step([0, 0]);
    expect(terminated[0]).toBe(0);
  });
});
