import * as tf from '@tensorflow/tfjs-core';
import type { Enumerable, Environment } from '../env/environment.js';
import type { Estimator } from '../estimator.js';
import type { ChainRunnerOptions, DenseChainValues, InferenceAccelerator } from '../tensor/dense-chain.js';

/** Rows per accelerator call: the measured throughput of a native GEMM is flat from 2k to 8k rows. */
const ACCELERATED_CHUNK = 8192;
import { selectRows } from '../sampling/transitions.js';
import { readValues } from '../tensor/read.js';

/**
 * Exact terminating distribution of a forward policy on an enumerable environment, by dynamic
 * programming over the states in parents-first order:
 * u(s0) = 1, u(s') = Σ_{s → s'} u(s)·P_F(s'|s), P_T(x) = u(x)·P_F(exit | x).
 * The policy network is evaluated once over the states that have a choice (in chunks, to bound
 * memory); where only one action is allowed (e.g. a full sequence, which can only exit) P_F of that
 * action is exactly 1 whatever the logits, so those states are skipped. The transition table is
 * built once per environment. Given an {@link InferenceAccelerator} and an estimator that exports
 * its dense layers, the network pass runs there (e.g. native code on every core) instead of on the
 * tensor backend: the same function in float32, its sums in another order, so logits agree to
 * float32 rounding (~1e-7 relative), not bit for bit.
 */
export class ExactTerminatingDistribution {
  private readonly states: Int32Array;
  private readonly forwardMask: Uint8Array;
  /** children[s·(A−1) + a] = index of step(s, a), or −1 where a is not allowed. */
  private readonly children: Int32Array;
  private readonly initialIndex: number;
  /** Indices of the states with more than one allowed action (the only ones the network sees). */
  private readonly choiceStates: Int32Array;

  constructor(
    private readonly env: Environment & Enumerable,
    private readonly chunkSize = 2048,
  ) {
    const n = env.nStates;
    const d = env.stateDim;
    const nA = env.nActions;
    this.states = env.allStates();
    this.forwardMask = env.forwardMask(this.states);
    this.children = new Int32Array(n * (nA - 1)).fill(-1);
    for (let a = 0; a < nA - 1; a++) {
      const rows: number[] = [];
      for (let s = 0; s < n; s++) if (this.forwardMask[s * nA + a]) rows.push(s);
      const from = new Int32Array(rows.length * d);
      rows.forEach((s, k) => from.set(this.states.subarray(s * d, s * d + d), k * d));
      const to = env.stateIndex(env.step(from, new Int32Array(rows.length).fill(a)));
      rows.forEach((s, k) => {
        if (to[k]! <= s) throw new Error(`${env.name}: allStates() is not in parents-first order (state ${s} → ${to[k]})`);
        this.children[s * (nA - 1) + a] = to[k]!;
      });
    }
    this.initialIndex = env.stateIndex(env.s0)[0]!;
    const choice: number[] = [];
    for (let st = 0; st < n; st++) {
      let allowed = 0;
      for (let a = 0; a < nA; a++) allowed += this.forwardMask[st * nA + a]!;
      if (allowed > 1) choice.push(st);
    }
    this.choiceStates = Int32Array.from(choice);
  }

  /** P_T over `env.allStates()` under the forward policy whose logits `estimator` computes. */
  compute(estimator: Estimator, accelerated?: { accelerator: InferenceAccelerator; options: ChainRunnerOptions }): Float64Array {
    const { env } = this;
    const n = env.nStates;
    const nA = env.nActions;
    const logits = accelerated && estimator.denseChain ? this.acceleratedLogits(estimator.denseChain(), accelerated.accelerator, accelerated.options) : this.allLogits(estimator);
    const u = new Float64Array(n);
    const pT = new Float64Array(n);
    u[this.initialIndex] = 1;
    const probs = new Float64Array(nA);
    for (let s = 0; s < n; s++) {
      if (u[s] === 0) continue;
      let max = -Infinity;
      for (let a = 0; a < nA; a++) if (this.forwardMask[s * nA + a]) max = Math.max(max, logits[s * nA + a]!);
      let z = 0;
      for (let a = 0; a < nA; a++) {
        probs[a] = this.forwardMask[s * nA + a] ? Math.exp(logits[s * nA + a]! - max) : 0;
        z += probs[a]!;
      }
      for (let a = 0; a < nA - 1; a++) {
        const c = this.children[s * (nA - 1) + a]!;
        if (c >= 0) u[c]! += (u[s]! * probs[a]!) / z;
      }
      pT[s] = (u[s]! * probs[nA - 1]!) / z;
    }
    return pT;
  }

  /** The states with these indices into `env.allStates()`, flat `n x stateDim`. */
  statesAt(indices: Int32Array): Int32Array {
    return selectRows(this.states, this.env.stateDim, indices);
  }

  /** Logits of every state with a choice (rows of states without one stay 0: they are not read). */
  private allLogits(estimator: Estimator): Float32Array {
    const { env } = this;
    return this.logitsByChunk(this.chunkSize, (obs, rows) => readValues(() => estimator.predict(tf.tensor2d(obs, [rows, env.obsDim]))));
  }

  /** {@link allLogits} through an accelerator, in larger chunks (its throughput is best at thousands of rows). */
  private acceleratedLogits(chain: DenseChainValues, accelerator: InferenceAccelerator, options: ChainRunnerOptions): Float32Array {
    const runner = accelerator.load(chain, options);
    try {
      return this.logitsByChunk(Math.max(this.chunkSize, ACCELERATED_CHUNK), (obs, rows) => runner.run(obs, rows));
    } finally {
      runner.dispose();
    }
  }

  private logitsByChunk(chunkSize: number, logitsOf: (obs: Float32Array, rows: number) => Float32Array): Float32Array {
    const { env, choiceStates } = this;
    const d = env.stateDim;
    const nA = env.nActions;
    const out = new Float32Array(env.nStates * nA);
    const rows = new Int32Array(Math.min(chunkSize, choiceStates.length) * d);
    for (let start = 0; start < choiceStates.length; start += chunkSize) {
      const end = Math.min(choiceStates.length, start + chunkSize);
      for (let k = start; k < end; k++) rows.set(this.states.subarray(choiceStates[k]! * d, choiceStates[k]! * d + d), (k - start) * d);
      const chunk = logitsOf(env.encode(rows.subarray(0, (end - start) * d)), end - start);
      for (let k = start; k < end; k++) out.set(chunk.subarray((k - start) * nA, (k - start + 1) * nA), choiceStates[k]! * nA);
    }
    return out;
  }
}
