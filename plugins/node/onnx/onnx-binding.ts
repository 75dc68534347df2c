import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { quietRuntime, type RuntimePackage } from './onnx-package.js';

/** The part of onnxruntime-node's tensor class the kernels use. */
export interface OrtTensor {
  readonly data: Float32Array;
}
export interface OrtTensorConstructor {
  new (type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
  /** Integer inputs (few-hot rows' columns). */
  new (type: 'int32', data: Int32Array, dims: readonly number[]): OrtTensor;
}

/**
 * onnxruntime-node's native session object: its `run` is synchronous (the package's public
 * `InferenceSession.run` only defers it to a later turn of the event loop and returns a promise).
 * Training calls the network from synchronous code (inside the gradient tape) a few hundred times
 * per iteration, where a worker thread's round trip would cost about as much as the work.
 */
export interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: Record<string, unknown>): void;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, null>, options: Record<string, unknown>): Record<string, OrtTensor>;
  dispose(): void;
}

/** What the kernels drive: the package's private `dist/binding.js` and its public tensor class. */
export interface NativeRuntime {
  InferenceSession: new () => NativeSession;
  Tensor: OrtTensorConstructor;
}

/** The methods of the native session the kernels call. */
const SESSION_METHODS = ['loadModel', 'run', 'dispose'] as const;

/**
 * How the private module `binding` (the exports of `dist/binding.js`) and the package's main module
 * `main` differ from what the kernels drive: one line per difference, none when they match. Only
 * the shape is checked here; whether it computes the right numbers is the self-test's business.
 */
export function bindingShapeProblems(binding: unknown, main: unknown): string[] {
  const problems: string[] = [];
  const exports = (binding ?? {}) as { binding?: { InferenceSession?: unknown }; initOrt?: unknown };
  if (typeof exports.initOrt !== 'function') problems.push('binding.js exports no initOrt()');
  const session = exports.binding?.InferenceSession;
  if (typeof session !== 'function') problems.push('binding.js exports no binding.InferenceSession class');
  else {
    const prototype = (session as { prototype?: Record<string, unknown> }).prototype ?? {};
    for (const method of SESSION_METHODS) if (typeof prototype[method] !== 'function') problems.push(`binding.InferenceSession has no ${method}()`);
  }
  if (typeof (main as { Tensor?: unknown } | undefined)?.Tensor !== 'function') problems.push('the package exports no Tensor class');
  return problems;
}

/**
 * Loads `runtime`'s native library through its private binding module and checks the binding's
 * shape ({@link bindingShapeProblems}). Throws when the library does not load (its loader's
 * message) or the shape differs (every difference), naming the version. Telemetry is turned off
 * first ({@link quietRuntime}).
 */
export function loadNativeRuntime(runtime: RuntimePackage): NativeRuntime {
  quietRuntime();
  const load = createRequire(runtime.main);
  let binding: unknown;
  let main: unknown;
  try {
    main = load(runtime.main);
    binding = load(join(dirname(runtime.main), 'binding.js'));
  } catch (error) {
    throw new Error(`its native library does not load: ${firstLine(error)}`);
  }
  const problems = bindingShapeProblems(binding, main);
  if (problems.length > 0) throw new Error(`its private binding is not the one gflownet-ts drives: ${problems.join('; ')}`);
  const native = binding as { binding: { InferenceSession: new () => NativeSession }; initOrt(): void };
  try {
    native.initOrt();
  } catch (error) {
    throw new Error(`its initOrt() failed: ${firstLine(error)}`);
  }
  return { InferenceSession: native.binding.InferenceSession, Tensor: (main as { Tensor: OrtTensorConstructor }).Tensor };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
