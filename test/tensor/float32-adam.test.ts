import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { StateRecord } from '../../core/checkpoint/checkpointable.js';
import { saveTensors } from '../../core/checkpoint/encoding.js';
import { AdamWorkspace } from '../../core/tensor/adam-kernel.js';
import { Float32Adam } from '../../core/tensor/float32-adam.js';

/** Shapes of a small MLP's parameters (odd sizes: the SIMD loop's padded tail is exercised) and a scalar. */
const SHAPES = [[5, 7], [7], [7, 3], [3], []];

/** Deterministic gradients of every scale Adam meets: tiny, ordinary, huge, exact zeros, negative. */
function gradients(step: number): tf.Tensor[] {
  const scale = [1, 1e-7, 3e4, 0][step % 4]!;
  // seeds from 1: tfjs draws an unseeded stream for seed 0
  return SHAPES.map((shape, i) => tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1000 * step + i + 1), scale)));
}

function variables(): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 0.5, 'float32', 7 + i)));
}

function bits(vars: readonly tf.Variable[]): number[] {
  return vars.flatMap((v) => Array.from(new Uint32Array(Float32Array.from(v.dataSync()).buffer)));
}

/** tf.train.adam's state in the checkpoint layout GroupedAdam has always written. */
function tfjsAdamState(opt: tf.Optimizer): StateRecord {
  const a = opt as unknown as {
    accBeta1: tf.Variable;
    accBeta2: tf.Variable;
    iterations_: number;
    accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable }>;
    accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable }>;
  };
  return {
    iterations: a.iterations_,
    accBetas: saveTensors([
      { name: 'accBeta1', tensor: a.accBeta1 },
      { name: 'accBeta2', tensor: a.accBeta2 },
    ]),
    firstMoments: saveTensors(a.accumulatedFirstMoment.map((m) => ({ name: m.originalName, tensor: m.variable }))),
    secondMoments: saveTensors(a.accumulatedSecondMoment.map((m) => ({ name: m.originalName, tensor: m.variable }))),
  };
}

function step(opt: Float32Adam | tf.Optimizer, vars: tf.Variable[], s: number): void {
  const g = gradients(s);
  if (opt instanceof Float32Adam) opt.applyGradients(vars, g);
  else opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, g[i]!])));
  tf.dispose(g);
}

describe('Float32Adam', () => {
  for (const simd of [true, false]) {
    it(`gives tf.train.adam's parameters bit for bit (${simd ? 'SIMD' : 'scalar'} loop), 40 steps, lr 0.01 and 0.3`, () => {
      for (const lr of [0.01, 0.3]) {
        const ours = variables();
        const theirs = variables();
        const mine = new Float32Adam(lr, 0.9, 0.999, 1e-8, simd);
        const reference = tf.train.adam(lr, 0.9, 0.999, 1e-8);
        if (simd) expect(new AdamWorkspace(true).vectorised).toBe(true); // Node 20 has WebAssembly SIMD
        for (let s = 0; s < 40; s++) {
          step(mine, ours, s);
          step(reference, theirs, s);
        }
        expect(bits(ours)).toEqual(bits(theirs));
        // the parameters moved (a test of equality between two frozen runs would prove nothing)
        const start = variables();
        expect(bits(ours)).not.toEqual(bits(start));
        // and the saved state is tf.train.adam's, bit for bit (names aside: they are other variables)
        const rename = (r: StateRecord): string => JSON.stringify(r).replace(/"name":"\d+\//g, '"name":"var/');
        expect(rename(mine.saveState())).toEqual(rename(tfjsAdamState(reference)));
        expect(rename(mine.saveState())).toContain('"name":"var/m"');
        reference.dispose();
        tf.dispose([...ours, ...theirs, ...start]);
      }
    });
  }

  it('resumes from a state saved by tf.train.adam and from its own, as if uninterrupted', () => {
    const straight = variables();
    const reference = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
    for (let s = 0; s < 30; s++) step(reference, straight, s);

    // first half with tf.train.adam, second half with Float32Adam restored from its record
    const fromTfjs = variables();
    const first = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
    for (let s = 0; s < 15; s++) step(first, fromTfjs, s);
    const resumed = new Float32Adam(0.05, 0.9, 0.999, 1e-8);
    resumed.loadState(JSON.parse(JSON.stringify(tfjsAdamState(first))) as StateRecord, 'test');
    for (let s = 15; s < 30; s++) step(resumed, fromTfjs, s);
    expect(bits(fromTfjs)).toEqual(bits(straight));

    // save and load through JSON mid-run; the parameters are re-read after an outside assignment
    const ours = variables();
    const a = new Float32Adam(0.05, 0.9, 0.999, 1e-8);
    for (let s = 0; s < 10; s++) step(a, ours, s);
    const saved = JSON.parse(JSON.stringify(a.saveState())) as StateRecord;
    const values = ours.map((v) => v.clone());
    for (let s = 10; s < 13; s++) step(a, ours, s); // work that the resumed run throws away
    ours.forEach((v, i) => v.assign(values[i]!));
    const b = new Float32Adam(0.05, 0.9, 0.999, 1e-8);
    b.loadState(saved, 'test');
    for (let s = 10; s < 30; s++) step(b, ours, s);
    expect(bits(ours)).toEqual(bits(straight));

    // the same optimiser continues correctly after its variables were assigned from outside
    ours.forEach((v, i) => v.assign(values[i]!));
    a.loadState(saved, 'test');
    for (let s = 10; s < 30; s++) step(a, ours, s);
    expect(bits(ours)).toEqual(bits(straight));

    reference.dispose();
    first.dispose();
    tf.dispose([...straight, ...fromTfjs, ...ours, ...values]);
  });

  it('rejects a gradient that does not fit its moment slot and a malformed record, naming them', () => {
    const vars = variables();
    const a = new Float32Adam(0.01, 0.9, 0.999, 1e-8);
    step(a, vars, 0);
    const wrong = [tf.zeros([7, 3]), ...SHAPES.slice(1).map((s) => tf.zeros(s))];
    expect(() => a.applyGradients([vars[2]!, ...vars.slice(1)], wrong)).toThrow(/does not fit its moment slot 0/);
    expect(() => a.loadState({ firstMoments: [], secondMoments: [], accBetas: [] }, 'Adam group x')).toThrow(/Adam group x must hold 2 β accumulators/);
    tf.dispose([...vars, ...wrong]);
  });
});
