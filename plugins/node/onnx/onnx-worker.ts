/**
 * The worker thread that owns an onnxruntime session for exact evaluation's network pass (started
 * by `onnx-runner.ts` from its file: the compiled module, or under the TypeScript sources through
 * `bin/onnx-worker.js`, which registers tsx first).
 *
 * Protocol: requests arrive on `workerData.port` and are answered in order; every reply is posted
 * on that port and then announced through `workerData.signal` (Int32Array[0] counts the replies
 * not yet taken; + notify), because the caller waits with `Atomics.wait` and reads the reply with
 * `receiveMessageOnPort`, synchronously. The caller may queue the next request before it takes a
 * reply, so that the runtime computes while the caller works.
 */
import { createRequire } from 'node:module';
import { type MessagePort, workerData } from 'node:worker_threads';

/** What the worker is started with. */
export interface OnnxWorkerData {
  /** Where `onnxruntime-node` resolves (its main module). */
  runtimePath: string;
  /** An Int32Array's buffer: [0] counts the replies posted and not yet taken. */
  signal: SharedArrayBuffer;
  port: MessagePort;
}

/** A request: load a model (replacing the one loaded before), or run `rows` rows through it. */
export type OnnxWorkerRequest =
  | { kind: 'load'; model: Uint8Array; threads: number }
  | { kind: 'run'; x: Float32Array; rows: number; inputDim: number; inputName: string; outputName: string };

/** The answer to a request: `y` for `run`. */
export type OnnxWorkerReply = { ok: true; y?: Float32Array } | { ok: false; error: string };

/** The part of onnxruntime-node's API the worker uses. */
interface OrtTensor {
  readonly data: ArrayLike<number>;
  dispose?(): void;
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}

const data = workerData as OnnxWorkerData;
const ort = createRequire(import.meta.url)(data.runtimePath) as OrtModule;
const signal = new Int32Array(data.signal);
let session: OrtSession | undefined;

function reply(message: OnnxWorkerReply): void {
  data.port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

async function handle(request: OnnxWorkerRequest): Promise<OnnxWorkerReply> {
  if (request.kind === 'load') {
    // a reload replaces the network: the old session's memory goes first
    await session?.release();
    session = undefined;
    session = await ort.InferenceSession.create(request.model, {
      intraOpNumThreads: request.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return { ok: true };
  }
  if (!session) throw new Error('no model loaded');
  const input = new ort.Tensor('float32', request.x, [request.rows, request.inputDim]);
  const output = (await session.run({ [request.inputName]: input }))[request.outputName]!;
  const y = Float32Array.from(output.data);
  input.dispose?.();
  output.dispose?.();
  return { ok: true, y };
}

// requests are handled one after the other, in arrival order, even though each awaits the runtime
let queue = Promise.resolve();
data.port.on('message', (request: OnnxWorkerRequest) => {
  queue = queue.then(() =>
    handle(request).then(reply, (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error) })),
  );
});
