import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_GRAM_SIDE, preferOutputSpace } from '../../algorithms/policy-based/cg-choice.js';
import { expandRows, outputRows, restrictToRows, rowGram, rowSeeds } from '../../algorithms/policy-based/output-space-cg.js';
import { type TrpoBatch, type TrpoOptions, TrustRegionStep } from '../../algorithms/policy-based/trpo.js';
import type { Estimator } from '../../core/tensor/estimator.js';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { gatherTransitions } from '../../core/sampling/transitions.js';
import type { Activation } from '../../core/tensor/dense.js';
import { parameterCount } from '../../core/tensor/flat-params.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { relativeError } from './enumeration.js';
import { denseFisherAndGradient, finiteDifferenceJacobian, solveDense } from './float64-mlp.js';

/*
 * Conjugate gradients in output space (RL-T's trust-region step): the Gram matrix of Jacobian rows
 * against central-difference Jacobians of a float64 copy of the network, the row coordinates, the
 * solver against matrix-free CG and a dense float64 solve on a damped (well-conditioned) system,
 * the fallback for estimators without `gram`, and the cost-based choice between the two solvers.
 */
const env = new HyperGrid({ ndim: 2, height: 3, R0: 0.1, R1: 0.5, R2: 2, rewardCos: false });
const nA = env.nActions;
const nets: Mlp[] = [];
afterAll(() => nets.forEach((m) => m.dispose()));

const tinyMlp = (hidden: number[], activation: Activation, seed: number, name: string): Mlp => {
  const mlp = new Mlp({ inputDim: env.obsDim, hidden, outputDim: nA, activation }, new Rng(seed), `trpo-output-space-test/${name}`);
  nets.push(mlp);
  return mlp;
};

/** The visited rows of a sampled forward batch, with standard normal advantages. */
function sampledBatch(policy: Mlp, n: number, seed: number): TrpoBatch {
  const tr = gatherTransitions(new Sampler(env, policy, new Rng(seed)).sampleForward(n), nA - 1);
  const rng = new Rng(seed + 1);
  return { states: tr.states, actions: tr.actions, advantages: Float32Array.from({ length: tr.count }, () => rng.normal()), nTraj: n };
}

const options = (o: Partial<TrpoOptions> = {}): TrpoOptions => ({ delta: 0.01, cgIterations: 10, cgTolerance: 1e-10, backtrackSteps: 20, damping: 0, ...o });

describe('output rows', () => {
  const mask = env.forwardMask(env.allStates());
  const rows = outputRows(mask, nA);

  it('one row per allowed action except each state’s last allowed one, grouped by state', () => {
    let expected = 0;
    for (let s = 0; s < env.nStates; s++) {
      const allowed = [0, 1, 2].filter((a) => mask[s * nA + a]);
      expected += allowed.length - 1;
      expect(rows.reference[s]).toBe(allowed.at(-1));
      const own = Array.from(rows.action.subarray(rows.start[s]!, rows.start[s + 1]!));
      expect(own).toEqual(allowed.slice(0, -1));
      expect(Array.from(rows.state.subarray(rows.start[s]!, rows.start[s + 1]!))).toEqual(own.map(() => s));
    }
    expect(rows.count).toBe(expected);
    expect(rows.count).toBe(12); // H = 3: four states with 3 allowed actions, four with 2, one with 1
  });

  it('seeds are e_a − e_ref at each row’s slot; rowGram picks the slots; expandRows inverts restrictToRows on vectors summing to 0 over allowed actions', () => {
    // block layout: the j-th row of state s at slot j·nStates + s, two blocks on this grid
    expect(rows.blocks).toBe(2);
    expect(new Set(rows.slot).size).toBe(rows.count);
    const seeds = rowSeeds(rows, nA);
    expect(seeds.length).toBe(rows.blocks * env.nStates * nA);
    const seeded = new Set<number>();
    for (let r = 0; r < rows.count; r++) {
      const s = rows.state[r]!;
      const slot = rows.slot[r]!;
      expect(slot).toBe((r - rows.start[s]!) * env.nStates + s);
      seeded.add(slot);
      const want = [0, 0, 0];
      want[rows.action[r]!] = 1;
      want[rows.reference[s]!] = -1;
      expect(Array.from(seeds.subarray(slot * nA, slot * nA + nA))).toEqual(want);
    }
    for (let slot = 0; slot < rows.blocks * env.nStates; slot++) {
      if (!seeded.has(slot)) expect(Array.from(seeds.subarray(slot * nA, slot * nA + nA))).toEqual([0, 0, 0]);
    }
    // rowGram picks the rows' slots out of the block-layout matrix
    const n = rows.blocks * env.nStates;
    const k = rowGram(
      rows,
      Float64Array.from({ length: n * n }, (_, i) => Math.floor(i / n) * 1000 + (i % n)),
    );
    for (let r = 0; r < rows.count; r++) for (let t = 0; t < rows.count; t++) expect(k[r * rows.count + t]).toBe(rows.slot[r]! * 1000 + rows.slot[t]!);
    const rng = new Rng(5);
    const y = new Float64Array(env.nStates * nA);
    for (let s = 0; s < env.nStates; s++) {
      const allowed = [0, 1, 2].filter((a) => mask[s * nA + a]);
      let total = 0;
      for (const a of allowed.slice(0, -1)) total += y[s * nA + a] = Math.fround(rng.normal());
      y[s * nA + allowed.at(-1)!] = -total;
    }
    expect(relativeError(expandRows(rows, restrictToRows(rows, y, nA), nA), y)).toBeLessThan(1e-7);
  });
});

describe('OutputGram.matrix', () => {
  it.each([
    ['relu', [4, 3]],
    ['tanh', [5]],
  ] as const)('equals (S J)(S J)ᵀ of central-difference Jacobians (%s, hidden %j)', (activation, hidden) => {
    const mlp = tinyMlp([...hidden], activation, 11, `gram-${activation}`);
    const nParams = parameterCount(mlp.variables);
    const obs = env.encode(env.allStates());
    const J = finiteDifferenceJacobian(mlp, obs, env.nStates, nParams); // J[j][s·nA + a]
    // two blocks of one row per state, random seeds, a few rows zero
    const rng = new Rng(12);
    const M = env.nStates;
    const blocks = 2;
    const R = blocks * M;
    const seeds = Float32Array.from({ length: R * nA }, (_, k) => (Math.floor(k / nA) % 5 === 3 ? 0 : rng.normal()));
    const sj = Array.from({ length: R }, (_, r) =>
      Float64Array.from({ length: nParams }, (_, j) => {
        let v = 0;
        for (let a = 0; a < nA; a++) v += seeds[r * nA + a]! * J[j]![(r % M) * nA + a]!;
        return v;
      }),
    );
    const want = Float64Array.from({ length: R * R }, (_, k) => {
      const [r, t] = [Math.floor(k / R), k % R];
      let v = 0;
      for (let j = 0; j < nParams; j++) v += sj[r]![j]! * sj[t]![j]!;
      return v;
    });
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(obs, [env.nStates, env.obsDim]);
    const lin = mlp.linearize(x);
    const got = lin.gram!.matrix(seeds, blocks);
    lin.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const rel = relativeError(got, want);
    console.log(`Gram matrix (${activation}) vs central differences: relative error ${rel.toExponential(2)}`);
    // float32 matMuls over ≤ 6 inputs per layer: ~1e-7; the differences are exact to ~1e-9 here
    expect(rel).toBeLessThan(1e-5);
  });
});

describe('TrustRegionStep.searchDirection', () => {
  it('damped: output-space CG, matrix-free CG and a dense float64 solve of (F + λI) s = g agree', () => {
    // λ = 0.1 makes the system well conditioned; 30 iterations exceed the dimension of the Krylov
    // space (≤ the 12 output rows), so both CG runs converge to the solution
    const mlp = tinyMlp([4, 3], 'relu', 21, 'damped');
    const batch = sampledBatch(mlp, 200, 22);
    const damping = 0.1;
    const trpo = new TrustRegionStep(env, mlp, options({ damping, cgIterations: 30, cgTolerance: 1e-24 }));
    const before = tf.memory().numTensors;
    const outputSpace = trpo.searchDirection(batch, 'output-space');
    const matrixFree = trpo.searchDirection(batch, 'matrix-free');
    expect(tf.memory().numTensors).toBe(before);
    const { fisher, gradient } = denseFisherAndGradient(mlp, env, batch);
    const n = gradient.length;
    const exact = solveDense(
      fisher.map((f, k) => (k % (n + 1) === 0 ? f + damping : f)),
      gradient,
    );
    const errors = [
      relativeError(outputSpace.direction, exact),
      relativeError(matrixFree.direction, exact),
      relativeError(outputSpace.direction, matrixFree.direction),
    ];
    console.log(
      `damped: output space vs dense ${errors[0]!.toExponential(2)}, matrix-free vs dense ${errors[1]!.toExponential(2)}, output space vs matrix-free ${errors[2]!.toExponential(2)}`,
    );
    // float32 logits, Jacobian products and Gram entries (~1e-7 relative), condition number ≲ 10²
    for (const e of errors) expect(e).toBeLessThan(1e-5);
    const sg = exact.reduce((s, v, k) => s + v * gradient[k]!, 0);
    expect(Math.abs(outputSpace.sg / sg - 1)).toBeLessThan(1e-5);
    expect(Math.abs(matrixFree.sg / sg - 1)).toBeLessThan(1e-5);
  });

  it('an estimator without `gram` falls back to matrix-free CG; forcing output space then fails', () => {
    const mlp = tinyMlp([8], 'relu', 31, 'no-gram');
    const plain: Estimator = {
      inputDim: mlp.inputDim,
      outputDim: mlp.outputDim,
      variables: mlp.variables,
      apply: (x) => mlp.apply(x),
      predict: (x) => mlp.predict(x),
      linearize: (x) => {
        const { outputs, jvp, vjp, dispose } = mlp.linearize(x);
        return { outputs, jvp, vjp, dispose };
      },
      dispose: () => undefined,
    };
    const batch = sampledBatch(mlp, 50, 32);
    const auto = new TrustRegionStep(env, plain, options()).searchDirection(batch);
    const matrixFree = new TrustRegionStep(env, mlp, options()).searchDirection(batch, 'matrix-free');
    expect(Array.from(auto.direction)).toEqual(Array.from(matrixFree.direction));
    expect(() => new TrustRegionStep(env, plain, options()).searchDirection(batch, 'output-space')).toThrow(/output-space.*gram/);
  });
});

describe('preferOutputSpace', () => {
  /** The Gram estimates of a 4x256 MLP with `nOut` outputs linearised at `rows` inputs of width `inputDim`. */
  function gramOf(
    inputDim: number,
    nOut: number,
    rows: number,
  ): { gram: NonNullable<ReturnType<Mlp['linearize']>['gram']>; parameters: number; dispose(): void } {
    const mlp = new Mlp({ inputDim, hidden: [256, 256, 256, 256], outputDim: nOut, activation: 'relu' }, new Rng(41), 'trpo-output-space-test/choice');
    const x = tf.zeros([rows, inputDim]) as tf.Tensor2D;
    const lin = mlp.linearize(x);
    return {
      gram: lin.gram!,
      parameters: parameterCount(mlp.variables),
      dispose: () => {
        lin.dispose();
        x.dispose();
        mlp.dispose();
      },
    };
  }

  /** Rows of `states` distinct states with every one of `nOut` actions allowed. */
  const allAllowed = (states: number, nOut: number): ReturnType<typeof outputRows> => outputRows(new Uint8Array(states * nOut).fill(1), nOut);

  it('picks output space for a HyperGrid batch and matrix-free CG when the rows are many (TFbind8-like)', () => {
    // HyperGrid H = 16 (obs 32, 3 actions), 150 distinct states → 300 rows
    const grid = gramOf(32, 3, 150);
    expect(preferOutputSpace(grid.gram, allAllowed(150, 3), grid.parameters, 10)).toBe(true);
    grid.dispose();
    // 33 actions at 60 distinct states → 1920 rows (within the size cap): the R² Gram products
    // cost more than 10 products
    const wide = gramOf(33, 33, 60);
    expect(32 * 60).toBeLessThanOrEqual(MAX_GRAM_SIDE);
    expect(preferOutputSpace(wide.gram, allAllowed(60, 33), wide.parameters, 10)).toBe(false);
    wide.dispose();
    // beyond the size cap, whatever the iterations
    const large = gramOf(33, 33, 200);
    expect(preferOutputSpace(large.gram, allAllowed(200, 33), large.parameters, 1000)).toBe(false);
    expect(32 * 200).toBeGreaterThan(MAX_GRAM_SIDE);
    large.dispose();
  });
});
