import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ChainRunner, ChainRunnerOptions, DenseChainValues, InferenceAccelerator } from '../../../core/tensor/dense-chain.js';
import { onnxKernels } from './onnx-kernels.js';
import { denseChainModel, ONNX_INPUT, ONNX_OUTPUT } from './onnx-model.js';
import { ONNX_WORKER_SOURCE } from './onnx-worker.js';

/** The package that provides the native runtime: an optional peer dependency. */
const RUNTIME_PACKAGE = 'onnxruntime-node';
/** Longest wait for one reply before the worker is declared stuck (a chunk takes milliseconds). */
const REPLY_TIMEOUT_MS = 10 * 60 * 1000;

type Reply = { ok: true; y?: Float32Array } | { ok: false; error: string };

/** Where the runtime package resolves from this module, or undefined when it is not installed. */
function runtimePath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(RUNTIME_PACKAGE);
  } catch {
    return undefined;
  }
}

/**
 * Dense-chain inference on ONNX Runtime's native CPU kernels (optional package
 * `onnxruntime-node`), on every core by default. The session lives in a worker thread and the
 * caller waits for it synchronously (`Atomics.wait`), so the synchronous evaluation code path
 * stays as it is; the main thread is idle meanwhile, the runtime's threads have the cores.
 * Training's passes (`kernels`) run in this thread instead: they are many and small.
 */
export const onnxRuntimeAccelerator: InferenceAccelerator = {
  name: 'onnxruntime',
  unavailable: () => (runtimePath() === undefined ? `the optional package ${RUNTIME_PACKAGE} is not installed (npm install ${RUNTIME_PACKAGE})` : undefined),
  load: (chain, options) => loadRunner(chain, options),
  kernels: (options) => {
    const path = runtimePath();
    if (path === undefined) throw new Error(onnxRuntimeAccelerator.unavailable()!);
    return onnxKernels(path, options);
  },
};

function loadRunner(chain: DenseChainValues, options: ChainRunnerOptions): ChainRunner {
  const path = runtimePath();
  if (path === undefined) throw new Error(onnxRuntimeAccelerator.unavailable()!);
  const inputDim = chain.layers[0]?.inDim ?? 0;
  const outputDim = chain.layers[chain.layers.length - 1]?.outDim ?? 0;
  const model = denseChainModel(chain);
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(ONNX_WORKER_SOURCE, { eval: true, workerData: { runtimePath: path, signal: signal.buffer, port: port2 }, transferList: [port2] });
  // a runner that is never disposed must not keep the process alive
  worker.unref();
  port1.unref();
  const dispose = (): void => {
    port1.close();
    void worker.terminate();
  };
  const request = (message: Record<string, unknown>): Reply => {
    port1.postMessage(message);
    return awaitReply(signal, port1);
  };
  let pending = 0;
  try {
    const loaded = request({ kind: 'load', model, threads: options.threads });
    if (!loaded.ok) throw new Error(`onnxruntime could not load the network: ${loaded.error}`);
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    inputDim,
    outputDim,
    submit: (x, rows) => {
      if (x.length !== rows * inputDim) throw new Error(`onnxruntime runner: ${x.length} input values for ${rows} rows of ${inputDim}`);
      port1.postMessage({ kind: 'run', x, rows, inputDim, inputName: ONNX_INPUT, outputName: ONNX_OUTPUT });
      pending += 1;
    },
    collect: () => {
      if (pending === 0) throw new Error('onnxruntime runner: collect() without a submitted batch');
      pending -= 1;
      const reply = awaitReply(signal, port1);
      if (!reply.ok) throw new Error(`onnxruntime inference failed: ${reply.error}`);
      return reply.y!;
    },
    dispose,
  };
}

/** Blocks until the worker announces a reply, then takes it off the port. */
function awaitReply(signal: Int32Array, port: MessagePort): Reply {
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  for (;;) {
    Atomics.wait(signal, 0, 0, 1000);
    if (Atomics.load(signal, 0) > 0) {
      // the worker posts before it signals, so the message is queued by now
      const received = receiveMessageOnPort(port);
      if (received) {
        Atomics.sub(signal, 0, 1);
        return received.message as Reply;
      }
    }
    if (Date.now() > deadline) throw new Error(`onnxruntime worker gave no reply in ${REPLY_TIMEOUT_MS / 1000} s`);
  }
}
