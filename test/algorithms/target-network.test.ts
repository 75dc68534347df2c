import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TargetNetwork } from '../../algorithms/value-based/target-network.js';
import { Rng } from '../../core/base/rng.js';
import { Mlp } from '../../core/tensor/mlp.js';

function values(net: Mlp): number[] {
  return net.variables.flatMap((v) => Array.from(v.dataSync()));
}

function perturb(net: Mlp, by: number): void {
  tf.tidy(() => net.variables.forEach((v) => v.assign(tf.add(v, by))));
}

describe('TargetNetwork', () => {
  it('starts as a copy, then copies every `every` steps (τ = 1)', () => {
    const online = new Mlp({ inputDim: 3, hidden: [4], outputDim: 2, activation: 'relu' }, new Rng(1), 'tn-online');
    const target = new TargetNetwork(online, new Mlp({ inputDim: 3, hidden: [4], outputDim: 2, activation: 'relu' }, new Rng(2), 'tn-target'), 3, 1);
    expect(values(target.target as Mlp)).toEqual(values(online));
    const initial = values(online);
    perturb(online, 0.5);
    target.step();
    target.step();
    expect(values(target.target as Mlp)).toEqual(initial);
    target.step();
    expect(values(target.target as Mlp)).toEqual(values(online));
    target.dispose();
    online.dispose();
  });

  it('Polyak: target ← τ·online + (1 − τ)·target at each due step; state round-trips', () => {
    const online = new Mlp({ inputDim: 2, hidden: [3], outputDim: 2, activation: 'tanh' }, new Rng(3), 'tp-online');
    const target = new TargetNetwork(online, new Mlp({ inputDim: 2, hidden: [3], outputDim: 2, activation: 'tanh' }, new Rng(4), 'tp-target'), 1, 0.25);
    const before = values(target.target as Mlp);
    perturb(online, 1);
    target.step();
    const after = values(target.target as Mlp);
    const now = values(online);
    after.forEach((v, k) => expect(v).toBeCloseTo(0.25 * now[k]! + 0.75 * before[k]!, 6));
    const saved = target.saveState();
    perturb(online, 2);
    target.step();
    expect(values(target.target as Mlp)).not.toEqual(after);
    target.loadState(JSON.parse(JSON.stringify(saved)) as Record<string, unknown>);
    expect(values(target.target as Mlp)).toEqual(after);
    expect(target.stepsCounted).toBe(1);
    target.dispose();
    online.dispose();
  });

  it('refuses τ outside (0, 1] and every < 1', () => {
    const a = new Mlp({ inputDim: 2, hidden: [], outputDim: 1, activation: 'relu' }, new Rng(1), 'tr-a');
    const b = new Mlp({ inputDim: 2, hidden: [], outputDim: 1, activation: 'relu' }, new Rng(1), 'tr-b');
    expect(() => new TargetNetwork(a, b, 1, 0)).toThrow(/tau/);
    expect(() => new TargetNetwork(a, b, 0, 1)).toThrow(/every/);
  });
});
