import { createRequire } from 'node:module';
import type { Engine } from '../../../core/tensor/dense-chain.js';
import { onnxKernels } from './onnx-kernels.js';
import { onnxRunner } from './onnx-runner.js';

/** The package that provides the native runtime: an optional peer dependency. */
const RUNTIME_PACKAGE = 'onnxruntime-node';

/** Where the runtime package resolves from this module, or undefined when it is not installed. */
function runtimePath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(RUNTIME_PACKAGE);
  } catch {
    return undefined;
  }
}

const notInstalled = `the optional package ${RUNTIME_PACKAGE} is not installed (npm install ${RUNTIME_PACKAGE})`;

/** The runtime's path, or an error saying it is not installed. */
function requireRuntime(): string {
  const path = runtimePath();
  if (path === undefined) throw new Error(notInstalled);
  return path;
}

/**
 * The dense networks' passes on ONNX Runtime's native CPU kernels (optional package
 * `onnxruntime-node`): exact evaluation's large pass in a worker thread (`onnx-runner.ts`), and
 * training's passes — many and small — in this thread (`onnx-kernels.ts`). Contributed by the
 * Node plugin (`engines`).
 */
export const onnxRuntimeEngine: Engine = {
  name: 'onnxruntime',
  description: `ONNX Runtime's native CPU kernels for the MLPs' passes in training and exact evaluation (needs the optional ${RUNTIME_PACKAGE})`,
  unavailable: () => (runtimePath() === undefined ? notInstalled : undefined),
  load: (chain, options) => onnxRunner(requireRuntime(), chain, options),
  kernels: (options) => onnxKernels(requireRuntime(), options),
};
