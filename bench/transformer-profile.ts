/**
 * Where a Transformer estimator's time goes on the tensor backend, at the bitseq n = 120 / 8-bit
 * word size (15 positions x 256 symbols): CPU milliseconds per call of `predict` on 16 rows (one
 * sampling step of a batch of 16) and of `apply` + gradient on 256 rows (one TB update), split by
 * kernel and operand shapes. CPU time (not wall) so that a loaded machine distorts it less.
 *
 *   npx tsx --tsconfig tsconfig.json bench/transformer-profile.ts            # 3 x 8 x 64, flatten readout
 *   READOUT=mean npx tsx --tsconfig tsconfig.json bench/transformer-profile.ts
 *   NET=mlp npx tsx --tsconfig tsconfig.json bench/transformer-profile.ts    # the 4 x 256 MLP on the same backend
 *   OUT=257 ...                                                              # append-variant outputs
 *   ENGINE=onnxruntime ...   # predict on ONNX Runtime's kernels (the transformer's update stays on the backend)
 *   FF=64 READOUT=position ...                                               # the literature bitseq configs' shape
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Estimator } from '../core/tensor/estimator.js';
import { Rng } from '../core/base/rng.js';
import { Mlp } from '../core/tensor/mlp.js';
import { predictedValues } from '../core/tensor/read.js';
import { Transformer, type TransformerReadout } from '../core/tensor/transformer.js';
import { onnxRuntimeEngine } from '../plugins/node/onnx/onnx-engine.js';

await tf.setBackend('wasm');
await tf.ready();

const kernelMs = new Map<string, number>();
const engine = tf.engine() as unknown as { runKernelFunc: (params: { kernelName?: string; inputs?: Record<string, tf.Tensor>; attrs?: object }) => unknown };
const original = engine.runKernelFunc;
engine.runKernelFunc = function (params) {
  const name = params.kernelName;
  if (!name) return original.call(this, params);
  const products = ['Transpose', 'BatchMatMul', '_FusedMatMul'].includes(name);
  const key = products
    ? `${name}[${Object.values(params.inputs ?? {})
        .map((t) => t?.shape?.join('x'))
        .join(', ')}] ${JSON.stringify(params.attrs ?? {})}`
    : name;
  const t0 = process.cpuUsage();
  try {
    return original.call(this, params);
  } finally {
    const d = process.cpuUsage(t0);
    kernelMs.set(key, (kernelMs.get(key) ?? 0) + (d.user + d.system) / 1000);
  }
};

const P = 15;
const V = 256;
const outputDim = Number(process.env.OUT ?? P * V + 1);
const readout = (process.env.READOUT ?? 'flatten') as TransformerReadout;
const kernels = process.env.ENGINE === 'onnxruntime' ? onnxRuntimeEngine.kernels!({ threads: 1 }) : undefined;
const net: Estimator =
  process.env.NET === 'mlp'
    ? new Mlp({ inputDim: P * V, hidden: [256, 256, 256, 256], outputDim, activation: 'relu' }, new Rng(0), 'mlp', kernels)
    : new Transformer(
        {
          layout: { positions: P, vocabulary: V },
          outputDim,
          layers: 3,
          heads: 8,
          width: 64,
          ffWidth: Number(process.env.FF ?? 256),
          activation: 'relu',
          readout,
        },
        new Rng(0),
        'transformer',
        kernels,
      );

/** `rows` observations with about a third of the positions empty. */
function observations(rows: number): tf.Tensor2D {
  const o = new Float32Array(rows * P * V);
  for (let r = 0; r < rows; r++) for (let p = 0; p < P; p++) if ((r + p) % 3) o[(r * P + p) * V + ((r * 7 + p) % V)] = 1;
  return tf.tensor2d(o, [rows, P * V]);
}

function measure(label: string, calls: number, f: () => void): void {
  f();
  kernelMs.clear();
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) f();
  const d = process.cpuUsage(t0);
  const top = [...kernelMs].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 12));
  console.log(`${label}: ${((d.user + d.system) / 1000 / calls).toFixed(1)} ms CPU per call; largest kernels (ms per call):`);
  for (const [k, v] of top) console.log(`  ${(v / calls).toFixed(2).padStart(8)}  ${k}`);
}

const x16 = observations(16);
const x256 = observations(256);
measure('predict, 16 rows', 30, () => tf.dispose(net.predict(x16)));
measure('predictValues, 16 rows (what sampling calls)', 30, () => void predictedValues(net, () => tf.clone(x16)));
measure('apply + gradient, 256 rows', 3, () => {
  const { value, grads } = tf.variableGrads(() => tf.sum(net.apply(x256)), [...net.variables]);
  tf.dispose([value, ...Object.values(grads)]);
});
kernels?.dispose();
