import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { environmentAt, isConditional } from '../../core/env/condition/conditional-environment.js';
import { gammaDraw } from '../../core/env/condition/temperature-space.js';
import { type Environment, isEnumerable } from '../../core/env/environment.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { conditional } from './helpers.js';

const base = new HyperGrid({ ndim: 2, height: 4, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });

/** R^β/Σ R^β and log Σ R^β over every terminating state, straight from the environment's log R. */
function bruteForceTarget(beta: number): { distribution: Float64Array; logPartition: number } {
  const all = base.allStates();
  const exit = base.nActions - 1;
  const mask = base.forwardMask(all);
  const logR = base.logReward(all);
  const weights = logR.map((v, s) => (mask[s * base.nActions + exit] ? Math.exp(beta * v) : 0));
  const z = weights.reduce((a, b) => a + b, 0);
  return { distribution: weights.map((w) => w / z), logPartition: Math.log(z) };
}

describe('tempered reward R(x)^β: the conditioned environment', () => {
  const env = conditional(base);

  it('log R of a state carrying β is β·log R of the state itself, for every state and β', () => {
    const all = base.allStates();
    for (const beta of [0.5, 1, 2.75, 4]) {
      const got = env.logReward(env.withCondition(all, Float32Array.of(beta)));
      const own = base.logReward(all);
      own.forEach((v, s) => expect(got[s]).toBe(beta * v));
    }
  });

  it('at a condition it is enumerable, and its target is exactly R^β/Z_β with log Z_β = log Σ R^β', () => {
    for (const beta of [0.5, 1, 2, 4]) {
      const at = env.at(Float32Array.of(beta));
      if (!isEnumerable(at)) throw new Error('not enumerable');
      const want = bruteForceTarget(beta);
      const got = at.trueDistribution();
      got.forEach((p, s) => expect(Math.abs(p - want.distribution[s]!)).toBeLessThan(1e-14));
      expect(at.logPartition()).toBeCloseTo(want.logPartition, 12);
      expect(at.stateIndex(at.allStates())).toEqual(base.stateIndex(base.allStates()));
    }
    // β = 1 is the environment's own target
    const one = env.at(Float32Array.of(1));
    if (!isEnumerable(one)) throw new Error('not enumerable');
    expect(one.logPartition()).toBeCloseTo(base.logPartition(), 12);
  });

  it('states keep their condition through steps, masks and isInitial read the state itself, s0 carries the reference', () => {
    const s = env.withCondition(Int32Array.of(1, 2, 2, 0), Float32Array.of(0.5, 3));
    const next = env.step(s, Int32Array.of(0, 1));
    expect(env.baseStates(next)).toEqual(Int32Array.of(2, 2, 2, 1));
    expect(env.conditionValues(next)).toEqual(Float32Array.of(0.5, 3));
    expect(env.conditionValues(env.backwardStep(next, Int32Array.of(0, 1)))).toEqual(Float32Array.of(0.5, 3));
    expect(env.forwardMask(s)).toEqual(base.forwardMask(Int32Array.of(1, 2, 2, 0)));
    expect(env.isInitial(env.withCondition(base.s0, Float32Array.of(3)))).toEqual(Uint8Array.of(1));
    expect(env.conditionValues(env.s0)).toEqual(Float32Array.of(1));
  });

  it('an observation is [o, o·log β, o·β, log β, β] (product) or [o, log β, β] (concat)', () => {
    const s = env.withCondition(Int32Array.of(1, 3), Float32Array.of(2));
    const o = Array.from(base.encode(Int32Array.of(1, 3)));
    const lb = Math.fround(Math.log(2));
    expect(env.obsDim).toBe(3 * base.obsDim + 2);
    expect(Array.from(env.encode(s))).toEqual([...o, ...o.map((v) => Math.fround(v * lb)), ...o.map((v) => v * 2), lb, 2]);
    const concat = conditional(base, { encoding: 'concat' });
    expect(concat.obsDim).toBe(base.obsDim + 2);
    expect(Array.from(concat.encode(s))).toEqual([...o, lb, 2]);
  });

  it('the sampler starts each trajectory at s0 with its own β from the distribution, drawn from its stream', () => {
    const forward = new Mlp({ inputDim: env.obsDim, hidden: [8], outputDim: env.nActions, activation: 'relu' }, new Rng(1), 'p');
    const draw = (): Float32Array => {
      const batch = new Sampler(env, forward, new Rng(11)).sampleForward(64);
      // every state of a trajectory carries the β of its start
      for (let i = 0; i < batch.nTraj; i++) {
        const beta = env.conditionValues(batch.state(0, i))[0]!;
        for (let t = 0; t < batch.lengths[i]!; t++) expect(env.conditionValues(batch.state(t, i))[0]).toBe(beta);
        expect(batch.logRewards[i]).toBe(beta * base.logReward(env.baseStates(batch.state(batch.lengths[i]! - 1, i)))[0]!);
      }
      return env.conditionValues(batch.firstStates());
    };
    const betas = draw();
    expect(draw()).toEqual(betas);
    expect(Math.min(...betas)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...betas)).toBeLessThanOrEqual(4);
    expect(new Set(betas).size).toBe(64);
    forward.dispose();
  });

  it('uniform, log-uniform and gamma draws have their distributions (moments over 20,000 draws)', () => {
    const n = 20_000;
    const stats = (values: Float32Array, f: (v: number) => number = (v) => v): { mean: number; sd: number } => {
      const xs = Array.from(values, f);
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n) };
    };
    const uniform = stats(conditional(base, { beta: { distribution: 'uniform', min: 1, max: 3 } }).space.draw(n, new Rng(1)));
    expect(uniform.mean).toBeCloseTo(2, 1);
    expect(uniform.sd).toBeCloseTo(2 / Math.sqrt(12), 1);
    // log β uniform on [log 0.5, log 4]
    const logUniform = stats(conditional(base).space.draw(n, new Rng(2)), Math.log);
    expect(logUniform.mean).toBeCloseTo((Math.log(0.5) + Math.log(4)) / 2, 1);
    expect(logUniform.sd).toBeCloseTo(Math.log(8) / Math.sqrt(12), 1);
    // Gamma(k, θ): mean kθ, variance kθ² — a shape below 1 takes the boosted branch
    for (const [shape, scale] of [
      [2, 0.5],
      [0.5, 2],
    ] as const) {
      const gamma = stats(conditional(base, { beta: { distribution: 'gamma', shape, scale } }).space.draw(n, new Rng(3)));
      expect(Math.abs(gamma.mean - shape * scale)).toBeLessThan(0.03 * shape * scale);
      expect(Math.abs(gamma.sd - Math.sqrt(shape) * scale)).toBeLessThan(0.04 * Math.sqrt(shape) * scale);
    }
    expect(gammaDraw(3, new Rng(4))).toBeGreaterThan(0);
  });

  it('environmentAt: a conditional environment at a named condition; an unconditional one refuses a condition', () => {
    const at = environmentAt(env, { beta: 4 });
    expect((at as ReturnType<typeof env.at>).conditionValues(at.s0)).toEqual(Float32Array.of(4));
    expect(() => environmentAt(env, { temperature: 4 })).toThrow(/unknown component "temperature"; valid components: beta/);
    expect(() => environmentAt(env, { beta: 0 })).toThrow(/beta = 0: must be a finite number > 0/);
    expect(() => environmentAt(base as Environment, { beta: 4 })).toThrow(/this run is not conditional/);
    expect(environmentAt(base, undefined)).toBe(base);
    expect(isConditional(env)).toBe(true);
    expect(isConditional(base)).toBe(false);
  });
});
