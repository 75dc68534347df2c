import { describe, expect, it } from 'vitest';
import { keepRunner } from '../../core/evaluation/kept-runner.js';
import type { ChainRunner, DenseChainValues, Engine } from '../../core/tensor/dense-chain.js';

/** A fake engine whose runner answers with its network's bias; it counts starts, reloads and disposals. */
function fakeEngine(reloads: boolean): { engine: Engine; calls: { load: number; reload: number; dispose: number } } {
  const calls = { load: 0, reload: 0, dispose: 0 };
  const bias = (chain: DenseChainValues): Float32Array => chain.layers[0]!.bias;
  const engine: Engine = {
    name: 'fake',
    description: 'test',
    unavailable: () => undefined,
    load: (chain) => {
      calls.load++;
      let current = bias(chain);
      const runner: ChainRunner = {
        inputDim: 1,
        outputDim: 1,
        submit: () => undefined,
        collect: () => current,
        dispose: () => void calls.dispose++,
        ...(reloads
          ? {
              reload: (next: DenseChainValues) => {
                calls.reload++;
                current = bias(next);
              },
            }
          : {}),
      };
      return runner;
    },
  };
  return { engine, calls };
}

const chain = (b: number): DenseChainValues => ({
  layers: [{ inDim: 1, outDim: 1, activation: 'linear', weight: Float32Array.of(1), bias: Float32Array.of(b) }],
});

/** One pass as exact evaluation runs it: load, one batch, dispose. */
function pass(engine: Engine, b: number): number {
  const runner = engine.load(chain(b), { threads: 1 });
  try {
    runner.submit(Float32Array.of(0), 1);
    return runner.collect()[0]!;
  } finally {
    runner.dispose();
  }
}

describe('keepRunner: one runner for every pass of a run', () => {
  it('starts the engine once, reloads each new snapshot, and frees the runner only at the end', () => {
    const { engine, calls } = fakeEngine(true);
    const kept = keepRunner(engine);
    expect([1, 2, 3].map((b) => pass(kept.engine, b))).toEqual([1, 2, 3]);
    expect(calls).toEqual({ load: 1, reload: 2, dispose: 0 });
    kept.dispose();
    expect(calls.dispose).toBe(1);
  });

  it("gives a new runner per pass when the engine's runners cannot reload", () => {
    const { engine, calls } = fakeEngine(false);
    const kept = keepRunner(engine);
    expect([1, 2].map((b) => pass(kept.engine, b))).toEqual([1, 2]);
    expect(calls).toEqual({ load: 2, reload: 0, dispose: 2 });
    kept.dispose();
    expect(calls.dispose).toBe(2);
  });
});
