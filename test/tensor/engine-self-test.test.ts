import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { DenseChainKernels } from '../../core/tensor/dense-chain.js';
import { selfTestKernels } from '../../core/tensor/engine-self-test.js';
import { hostKernels } from '../helpers/host-kernels.js';

describe("an engine's self-test against the tensor backend", () => {
  it('passes correct kernels (an independent implementation of the chain) and leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    expect(selfTestKernels(hostKernels('host'))).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails kernels that leave out the activations’ derivatives, naming the first gradient that differs', () => {
    expect(selfTestKernels(hostKernels('flawed', 'no-activation-derivative'))).toMatch(
      /^the gradient of layer 0's weight differs from the tensor backend's by [\d.e+-]+ \(relative; at most 0.0001\)$/,
    );
  });

  it('fails kernels whose output is off, whose calls became asynchronous, or that throw', () => {
    const good = hostKernels('host');
    const off: DenseChainKernels = {
      ...good,
      forward: (...args) => {
        const { y, hidden } = good.forward(...args);
        return { y: y.map((v) => v * 1.01), hidden };
      },
    };
    expect(selfTestKernels(off)).toMatch(/^the output differs from the tensor backend's by 0.01\d* /);
    const asynchronous = { ...good, forward: (...args: Parameters<DenseChainKernels['forward']>) => Promise.resolve(good.forward(...args)) };
    expect(selfTestKernels(asynchronous as unknown as DenseChainKernels)).toMatch(/^its passes threw: /);
    const promisedGradients = { ...good, backward: () => ({ weights: [Promise.resolve(new Float32Array(20))], biases: [] }) };
    expect(selfTestKernels(promisedGradients as unknown as DenseChainKernels)).toBe(
      "the gradient of layer 0's weight: expected 20 float32 values, got a promise (an asynchronous call where a synchronous one was expected)",
    );
    const throwing = {
      ...good,
      backward: () => {
        throw new Error('native session: invalid fetch');
      },
    };
    expect(selfTestKernels(throwing)).toBe('its passes threw: native session: invalid fetch');
  });
});
