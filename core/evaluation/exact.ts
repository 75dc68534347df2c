import * as tf from '@tensorflow/tfjs-core';
import type { Enumerable, Environment } from '../env/environment.js';
import type { Estimator } from '../tensor/estimator.js';
import { selectRows } from '../sampling/transitions.js';
import type { ChainRunnerOptions, Engine } from '../tensor/dense-chain.js';
import { readValues } from '../tensor/read.js';

/** Rows per engine call: the measured throughput of a native GEMM is flat from 2k to 8k rows. */
const ACCELERATED_CHUNK = 8192;

/**
 * Fewest states with a choice for which `engine.name: "auto"` uses an engine. Its
 * start-up is paid at every evaluation (a worker and a session: ~50 ms measured, against ~1.6 ms
 * for a whole exact evaluation of the 289-state default grid on wasm); at ~22 µs saved per row it
 * pays off from ~2,300 rows. One accelerated chunk is comfortably above that.
 */
export const AUTO_ACCELERATION_MIN_ROWS = ACCELERATED_CHUNK;

/**
 * Bytes per state that {@link ExactTerminatingDistribution} holds for an environment: every state
 * (`stateDim` int32), its forward mask (`nActions` bytes), child table (`nActions − 1` int32) and
 * logits (`nActions` float32), the flow, P_T and the target (float64 each), and the index of states
 * with a choice. A lower bound, for the preflight's check of `evaluation.exactMaxStates` against
 * the machine's memory.
 */
export function exactEvaluationBytesPerState(env: Pick<Environment, 'stateDim' | 'nActions'>): number {
  return env.stateDim * 4 + env.nActions + (env.nActions - 1) * 4 + env.nActions * 4 + 3 * 8 + 4;
}

/** Where the network pass may run instead of the tensor backend, and from what size on. */
export interface AcceleratedPass {
  engine: Engine;
  options: ChainRunnerOptions;
  /** Fewest states with a choice for which the engine is used (0: always). */
  minRows: number;
}

/**
 * Exact terminating distribution of a forward policy on an enumerable environment, by dynamic
 * programming over the states in parents-first order:
 * u(s0) = 1, u(s') = Σ_{s → s'} u(s)·P_F(s'|s), P_T(x) = u(x)·P_F(exit | x).
 * The policy network is evaluated once over the states that have a choice (in chunks, to bound
 * memory); where only one action is allowed (e.g. a full sequence, which can only exit) P_F of that
 * action is exactly 1 whatever the logits, so those states are skipped. The transition table is
 * built once per environment. Given an {@link Engine} and an estimator that exports
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
  compute(estimator: Estimator, accelerated?: AcceleratedPass): Float64Array {
    const { env, choiceStates } = this;
    const n = env.nStates;
    const nA = env.nActions;
    // rows of states without a choice stay 0: one allowed action has probability 1 whatever its logit
    const logits = new Float32Array(n * nA);
    const u = new Float64Array(n);
    const pT = new Float64Array(n);
    u[this.initialIndex] = 1;
    const probs = new Float64Array(nA);
    // the DP runs behind the network pass, chunk by chunk: a state's parents come before it, so
    // every state below the next choice state without logits is final
    let done = 0;
    const advance = (limit: number): void => {
      for (; done < limit; done++) this.propagate(done, logits, u, pT, probs);
    };
    const reached = (end: number): number => (end < choiceStates.length ? choiceStates[end]! : n);
    const chain = accelerated && estimator.denseChain && choiceStates.length >= accelerated.minRows ? estimator.denseChain() : undefined;
    if (accelerated && chain) {
      const ranges = this.ranges(Math.max(this.chunkSize, ACCELERATED_CHUNK));
      const runner = accelerated.engine.load(chain, accelerated.options);
      try {
        // two batches in flight: the engine computes the next one while the DP uses the last
        let submitted = 0;
        const submitNext = (): void => {
          const [start, end] = ranges[submitted++]!;
          runner.submit(this.encodeChoiceStates(start, end), end - start);
        };
        while (submitted < Math.min(2, ranges.length)) submitNext();
        for (const [start, end] of ranges) {
          const chunk = runner.collect();
          if (submitted < ranges.length) submitNext();
          this.scatter(chunk, start, end, logits);
          advance(reached(end));
        }
      } finally {
        runner.dispose();
      }
    } else {
      for (const [start, end] of this.ranges(this.chunkSize)) {
        const obs = this.encodeChoiceStates(start, end);
        this.scatter(
          readValues(() => estimator.predict(tf.tensor2d(obs, [end - start, env.obsDim]))),
          start,
          end,
          logits,
        );
        advance(reached(end));
      }
    }
    advance(n);
    return pT;
  }

  /** One DP step at state s: its flow u(s) is final; pass it on to its children and to P_T. */
  private propagate(s: number, logits: Float32Array, u: Float64Array, pT: Float64Array, probs: Float64Array): void {
    if (u[s] === 0) return;
    const nA = this.env.nActions;
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

  /** The states with these indices into `env.allStates()`, flat `n x stateDim`. */
  statesAt(indices: Int32Array): Int32Array {
    return selectRows(this.states, this.env.stateDim, indices);
  }

  /** [start, end) ranges over the choice states, `size` at a time. */
  private ranges(size: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let start = 0; start < this.choiceStates.length; start += size) out.push([start, Math.min(this.choiceStates.length, start + size)]);
    return out;
  }

  /** Encodings of the choice states `start … end − 1`. */
  private encodeChoiceStates(start: number, end: number): Float32Array {
    const d = this.env.stateDim;
    const rows = new Int32Array((end - start) * d);
    for (let k = start; k < end; k++) rows.set(this.states.subarray(this.choiceStates[k]! * d, this.choiceStates[k]! * d + d), (k - start) * d);
    return this.env.encode(rows);
  }

  /** Copies a chunk's logits to the rows of its states. */
  private scatter(chunk: Float32Array, start: number, end: number, logits: Float32Array): void {
    const nA = this.env.nActions;
    for (let k = start; k < end; k++) logits.set(chunk.subarray((k - start) * nA, (k - start + 1) * nA), this.choiceStates[k]! * nA);
  }
}
