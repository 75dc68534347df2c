/**
 * The worker thread that owns an onnxruntime session (CommonJS source, run with `eval`: it works
 * the same from sources, tests and the compiled package, none of which can name a worker file the
 * others have). Protocol: requests arrive on `workerData.port` and are answered in order; every
 * reply is posted on that port and then announced through `workerData.signal` (Int32Array[0] counts
 * the replies not yet taken; + notify), because the caller waits with `Atomics.wait` and reads the
 * reply with `receiveMessageOnPort`, synchronously. The caller may queue the next request before
 * it takes a reply, so that the runtime computes while the caller works.
 */
export const ONNX_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ort = require(workerData.runtimePath);
const signal = new Int32Array(workerData.signal);
const port = workerData.port;
let session;
function reply(message) {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
// requests are handled one after the other, in arrival order, even though each awaits the runtime
let queue = Promise.resolve();
port.on('message', (request) => {
  queue = queue.then(() => handle(request));
});
async function handle(request) {
  try {
    if (request.kind === 'load') {
      session = await ort.InferenceSession.create(request.model, {
        intraOpNumThreads: request.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      reply({ ok: true });
    } else if (request.kind === 'run') {
      const input = new ort.Tensor('float32', request.x, [request.rows, request.inputDim]);
      const result = await session.run({ [request.inputName]: input });
      const output = result[request.outputName];
      reply({ ok: true, y: Float32Array.from(output.data) });
      input.dispose?.();
      output.dispose?.();
    }
  } catch (error) {
    reply({ ok: false, error: String((error && error.message) || error) });
  }
}
`;
