/**
 * The network-only floor of an environment setting: the measured iterations' network passes
 * recorded (which network, how many rows, forward only or with gradients) and replayed alone,
 * with no environment, sampler, loss or optimizer around them. It bounds what faster environments
 * or bookkeeping could gain: an iteration cannot take less than its passes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor2D } from '#tensor-types';
import { Rng } from '../../core/base/rng.js';
import type { DenseChainKernels } from '../../core/tensor/dense-chain.js';
import { Mlp } from '../../core/tensor/mlp.js';
import type { Profiler } from '../profile.js';
import { cpuMs } from './instrument.js';

/** The replayed passes' cost per iteration. */
export interface FloorResult {
  /** Wall ms of the forward-only passes (the sampler's, and any other inference). */
  forwardMs: number;
  /** Wall ms of the passes taken with gradients (the loss's forward and backward). */
  trainingMs: number;
  /** Process CPU ms of all of them. */
  cpuMs: number;
  /** Passes per iteration. */
  passes: number;
}

/** One network pass of the run: which network, how many rows, and whether gradients were taken. */
interface Pass {
  net: Mlp;
  rows: number;
  training: boolean;
}

/**
 * Real inputs of one network: the replay tiles them to each pass's row count. Few-hot inputs
 * (int32 columns, see core/tensor/few-hot-input.ts) are kept and replayed as such, so that the
 * floor takes the first layer's row gather the run took, not a dense product.
 */
interface SampleInput {
  rows: number;
  /** Entries per row: the network's input width, or the columns per row of a few-hot input. */
  width: number;
  values: Float32Array | Int32Array;
}

/** Times the run's MLP passes as `network` and records them for {@link NetworkPasses.replay}. */
export class NetworkPasses {
  /** Record passes only while true: the measured iterations, not the warm-up or evaluation. */
  recording = false;
  private readonly passes: Pass[] = [];
  private readonly inputs = new Map<Mlp, SampleInput>();

  /**
   * Charges every MLP pass (and the training kernels' backward pass, which runs outside them) to
   * the `network` phase, recording each pass while {@link recording}.
   */
  install(profiler: Profiler, kernels?: DenseChainKernels): void {
    const observe =
      (training: () => boolean) =>
      (receiver: unknown, args: unknown[]): void => {
        if (!this.recording) return;
        const net = receiver as Mlp;
        const x = args[0] as Tensor2D;
        const rows = x.shape[0];
        this.passes.push({ net, rows, training: training() });
        // keep the widest batch seen: real observations make the replay's sparsity and value
        // ranges those of the run (a ReLU net's cost does not depend on them, a kernel's may)
        const kept = this.inputs.get(net);
        if (rows > 0 && (!kept || kept.rows < rows)) {
          const values = x.dtype === 'int32' ? Int32Array.from(x.dataSync()) : Float32Array.from(x.dataSync());
          this.inputs.set(net, { rows, width: x.shape[1], values });
        }
      };
    // the sampler's passes come through predictValues (the host values, no output tensor)
    for (const method of ['predict', 'predictValues'])
      profiler.timeMethod(
        Mlp.prototype,
        method,
        'network',
        observe(() => false),
      );
    // `apply` is differentiable; it only costs a backward pass when a gradient tape records it
    profiler.timeMethod(
      Mlp.prototype,
      'apply',
      'network',
      observe(() => tf.engine().isTapeOn()),
    );
    if (kernels) {
      profiler.timeMethod(kernels, 'backward', 'network');
      // few-hot inputs (bit sequences) take this one instead: without it their backward pass counted as loss
      if (kernels.backwardFewHot) profiler.timeMethod(kernels, 'backwardFewHot', 'network');
    }
  }

  /**
   * Replays the recorded passes on fresh networks of the same shapes (on `kernels` when the run
   * used native kernels) and returns their cost per iteration over `iterations`; undefined when
   * nothing was recorded.
   */
  replay(iterations: number, kernels?: DenseChainKernels): FloorResult | undefined {
    if (this.passes.length === 0) return undefined;
    const replicas = new Map<Mlp, Mlp>();
    for (const net of new Set(this.passes.map((p) => p.net))) replicas.set(net, new Mlp(net.shape, new Rng(1), 'floor', kernels));
    const input = (p: Pass): SampleInput => {
      const sample = this.inputs.get(p.net);
      // only empty passes lack a sample (any pass with rows records one)
      if (!sample) return { rows: p.rows, width: p.net.inputDim, values: new Float32Array(p.rows * p.net.inputDim) };
      const { width } = sample;
      const x = sample.values instanceof Int32Array ? new Int32Array(p.rows * width) : new Float32Array(p.rows * width);
      for (let r = 0; r < p.rows; r++) {
        const from = (r % sample.rows) * width;
        x.set(sample.values.subarray(from, from + width), r * width);
      }
      return { rows: p.rows, width, values: x };
    };
    const run = (p: Pass, x: SampleInput): void => {
      const replica = replicas.get(p.net)!;
      tf.tidy(() => {
        const t = tf.tensor2d(x.values, [x.rows, x.width], x.values instanceof Int32Array ? 'int32' : 'float32');
        // reading the outputs (and gradients) back waits for the work, as the run's reads do
        if (!p.training) replica.predictValues(t);
        else for (const g of Object.values(tf.variableGrads(() => tf.sum(replica.apply(t)), [...replica.variables]).grads)) g.dataSync();
      });
    };
    try {
      // one untimed pass of each kind first: kernel set-up and JIT are not part of the floor
      for (const kind of [false, true]) {
        const first = this.passes.find((p) => p.training === kind);
        if (first) run(first, input(first));
      }
      let forwardMs = 0;
      let trainingMs = 0;
      let cpu = 0;
      for (const p of this.passes) {
        // inputs are built outside the timed stretch: the run had them already
        const x = input(p);
        const c0 = cpuMs();
        const t0 = performance.now();
        run(p, x);
        const dt = performance.now() - t0;
        cpu += cpuMs() - c0;
        if (p.training) trainingMs += dt;
        else forwardMs += dt;
      }
      return { forwardMs: forwardMs / iterations, trainingMs: trainingMs / iterations, cpuMs: cpu / iterations, passes: this.passes.length / iterations };
    } finally {
      for (const r of replicas.values()) r.dispose();
    }
  }
}
