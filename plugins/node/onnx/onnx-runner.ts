import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ChainRunner, ChainRunnerOptions, DenseChainValues } from '../../../core/tensor/dense-chain.js';
import { forwardGraph, GRAPH_NAMES } from './onnx-graph.js';
import type { OnnxWorkerData, OnnxWorkerReply, OnnxWorkerRequest } from './onnx-worker.js';

/** Longest wait for one reply before the worker is declared stuck (a chunk takes milliseconds). */
const REPLY_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The worker's module file: the compiled one beside this file, or, when this file runs from the
 * TypeScript sources (tsx, vitest: Node cannot start a `.ts` worker itself), the development
 * launcher that registers tsx first.
 */
const WORKER_MODULE = new URL(import.meta.url.endsWith('.ts') ? '../../../bin/onnx-worker.js' : './onnx-worker.js', import.meta.url);

/**
 * A {@link ChainRunner} on ONNX Runtime in a worker thread (`onnx-worker.ts`) that owns the session
 * of `chain` (a snapshot: its values are embedded in the graph; `reload` puts another in the same
 * worker). The caller waits for each reply
 * synchronously (`Atomics.wait`), so the synchronous evaluation code path stays as it is; the main
 * thread is idle meanwhile, the runtime's threads have the cores.
 *
 * @param runtimePath where `onnxruntime-node` resolves (its main module)
 */
export function onnxRunner(runtimePath: string, chain: DenseChainValues, options: ChainRunnerOptions): ChainRunner {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const workerData: OnnxWorkerData = { runtimePath, signal: signal.buffer as SharedArrayBuffer, port: port2 };
  const worker = new Worker(WORKER_MODULE, { workerData, transferList: [port2] });
  // a runner that is never disposed must not keep the process alive
  worker.unref();
  port1.unref();
  const dispose = (): void => {
    port1.close();
    void worker.terminate();
  };
  const send = (request: OnnxWorkerRequest): void => port1.postMessage(request);
  let pending = 0;
  /** Replies a reload took off the port before its own, in order: collected before any later one. */
  const early: OnnxWorkerReply[] = [];
  let shape = { inputDim: 0, outputDim: 0, outputName: '' };
  /** Loads `next` into the worker's session (the batches submitted before it were run on the old one). */
  const load = (next: DenseChainValues): void => {
    const model = forwardGraph(next.layers, 'embedded');
    // the replies come in request order: the batches still pending are answered first
    const before = Array.from({ length: pending }, () => awaitReply(signal, port1));
    send({ kind: 'load', model, threads: options.threads });
    const loaded = awaitReply(signal, port1);
    if (!loaded.ok) throw new Error(`onnxruntime could not load the network: ${loaded.error}`);
    early.push(...before);
    pending = 0;
    const layers = next.layers;
    shape = { inputDim: layers[0]!.inDim, outputDim: layers[layers.length - 1]!.outDim, outputName: GRAPH_NAMES.output(layers.length - 1) };
  };
  try {
    load(chain);
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    get inputDim() {
      return shape.inputDim;
    },
    get outputDim() {
      return shape.outputDim;
    },
    submit: (x, rows) => {
      if (x.length !== rows * shape.inputDim) throw new Error(`onnxruntime runner: ${x.length} input values for ${rows} rows of ${shape.inputDim}`);
      send({ kind: 'run', x, rows, inputDim: shape.inputDim, inputName: GRAPH_NAMES.x, outputName: shape.outputName });
      pending += 1;
    },
    collect: () => {
      if (pending === 0 && early.length === 0) throw new Error('onnxruntime runner: collect() without a submitted batch');
      const reply = early.shift() ?? (pending--, awaitReply(signal, port1));
      if (!reply.ok) throw new Error(`onnxruntime inference failed: ${reply.error}`);
      return reply.y!;
    },
    reload: load,
    dispose,
  };
}

/** Blocks until the worker announces a reply, then takes it off the port. */
function awaitReply(signal: Int32Array, port: MessagePort): OnnxWorkerReply {
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  for (;;) {
    Atomics.wait(signal, 0, 0, 1000);
    if (Atomics.load(signal, 0) > 0) {
      // the worker posts before it signals, so the message is queued by now
      const received = receiveMessageOnPort(port);
      if (received) {
        Atomics.sub(signal, 0, 1);
        return received.message as OnnxWorkerReply;
      }
    }
    if (Date.now() > deadline) throw new Error(`onnxruntime worker gave no reply in ${REPLY_TIMEOUT_MS / 1000} s`);
  }
}
