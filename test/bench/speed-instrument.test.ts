import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { Sampler } from '../../core/sampling/sampler.js';
import { Mlp } from '../../core/tensor/mlp.js';
import { HyperGrid } from '../../envs/hypergrid.js';
import { Profiler } from '../../bench/profile.js';
import { NetworkPasses } from '../../bench/speed/floor.js';
import { instrument } from '../../bench/speed/instrument.js';
import { randomFewHot } from '../helpers/compare-networks.js';

// what the environment table's shares rest on: every sampler the trainer uses is charged to the
// sampler, and the floor replays a network's passes with the kind of input the run gave it
describe('speed benchmark: instrumentation', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => cleanup.splice(0).forEach((f) => f()));

  it("charges the trainer's asynchronous sampler (its lock-step walk) to the sampler phase", async () => {
    const env = new HyperGrid({ ndim: 2, height: 4, R0: 0.01, R1: 0.5, R2: 2, rewardCos: false });
    const net = new Mlp({ inputDim: env.obsDim, hidden: [16], outputDim: env.nActions, activation: 'relu' }, new Rng(1), 'instrument-sampler');
    const profiler = instrument(new Profiler());
    cleanup.push(
      () => profiler.uninstall(),
      () => net.dispose(),
    );
    // the trainer samples with sampleForwardAsync: timing only sampleForward left the phase at 0
    const batch = await new Sampler(env, net, new Rng(2)).sampleForwardAsync(8);
    expect(batch.nTraj).toBe(8);
    expect(profiler.snapshot().ms.sample).toBeGreaterThan(0);
  });

  it('replays few-hot inputs as few-hot columns (the row gather the run took), dense inputs as dense rows', () => {
    const inputDim = 300;
    const few = new Mlp({ inputDim, hidden: [8], outputDim: 3, activation: 'relu', fewHotInput: true }, new Rng(3), 'instrument-few-hot');
    const dense = new Mlp({ inputDim: 5, hidden: [8], outputDim: 3, activation: 'relu' }, new Rng(4), 'instrument-dense');
    const profiler = new Profiler();
    const passes = new NetworkPasses();
    passes.install(profiler);
    cleanup.push(
      () => profiler.uninstall(),
      () => few.dispose(),
      () => dense.dispose(),
    );
    passes.recording = true;
    const { columns } = randomFewHot(6, 4, inputDim, 5);
    tf.tidy(() => {
      few.predict(columns);
      tf.variableGrads(() => tf.sum(few.apply(columns)), [...few.variables]);
      dense.predict(tf.ones([2, 5]) as tf.Tensor2D);
    });
    columns.dispose();
    passes.recording = false;
    expect(profiler.snapshot().ms.network).toBeGreaterThan(0);
    // the replicas are new Mlps of the same shapes: record what their passes are given
    const seen: string[] = [];
    for (const method of ['predictValues', 'apply'] as const) {
      const original = Mlp.prototype[method] as (this: Mlp, x: tf.Tensor2D) => unknown;
      const wrapped = function (this: Mlp, x: tf.Tensor2D) {
        seen.push(`${method} ${this.inputDim} ${x.dtype} ${x.shape.join('x')}`);
        return original.call(this, x);
      };
      (Mlp.prototype as unknown as Record<string, unknown>)[method] = wrapped;
      cleanup.push(() => ((Mlp.prototype as unknown as Record<string, unknown>)[method] = original));
    }
    const floor = passes.replay(1);
    expect(floor?.passes).toBe(3);
    // before: the few-hot columns were tiled as 300-wide float rows, a dense product the run never made
    expect(seen).toEqual(expect.arrayContaining(['predictValues 300 int32 6x4', 'apply 300 int32 6x4', 'predictValues 5 float32 2x5']));
    expect(seen.some((s) => s.includes('300 float32'))).toBe(false);
  });
});
