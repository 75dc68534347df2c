import satisfies from 'semver/functions/satisfies.js';
import type { Engine, EngineCheck } from '../../../core/tensor/dense-chain.js';
import { loadNativeRuntime, type NativeRuntime } from './onnx-binding.js';
import { onnxKernels } from './onnx-kernels.js';
import { installAdvice, locateRuntime, RUNTIME_PACKAGE, type RuntimePackage, testedRuntimeRange } from './onnx-package.js';
import { onnxRunner } from './onnx-runner.js';

const notInstalled = `the optional package ${RUNTIME_PACKAGE} is not installed`;

/** The outcome of the thorough check: the loaded runtime, or the check's problem. */
type Checked = { check: EngineCheck; runtime?: RuntimePackage; native?: NativeRuntime };

/** Locates the package (an error there is a problem of the check, not a crash). */
function locate(find: () => RuntimePackage | undefined): { runtime?: RuntimePackage; error?: string } {
  try {
    const runtime = find();
    return runtime ? { runtime } : {};
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Loads and checks the runtime `find` locates: its version against the tested range, its native library, its private binding. */
function thoroughCheck(find: () => RuntimePackage | undefined): Checked {
  const { runtime, error } = locate(find);
  if (error) return { check: { problem: error, fix: installAdvice() } };
  if (!runtime) return { check: { problem: notInstalled, notInstalled: true, fix: installAdvice() } };
  const tested = testedRuntimeRange();
  const untested = !satisfies(runtime.version, tested);
  const found = `${RUNTIME_PACKAGE} ${runtime.version} at ${runtime.dir}`;
  const version = `${RUNTIME_PACKAGE} ${runtime.version}${untested ? ` (untested: gflownet-ts is tested with ${tested})` : ''}`;
  try {
    const native = loadNativeRuntime(runtime);
    const warning = untested
      ? `${RUNTIME_PACKAGE} ${runtime.version} is outside the versions gflownet-ts is tested with (${tested}); its checks passed`
      : undefined;
    return { check: { found, ...(warning ? { warning, fix: installAdvice() } : {}) }, runtime, native };
  } catch (error) {
    return { check: { found, problem: `${version}: ${error instanceof Error ? error.message : String(error)}`, fix: installAdvice() }, runtime };
  }
}

/**
 * The dense networks' passes on ONNX Runtime's native CPU kernels (optional package
 * `onnxruntime-node`, the one `find` locates): exact evaluation's large pass in a worker thread
 * through the package's public API (`onnx-runner.ts`), and training's passes — many and small — in
 * this thread through its private synchronous binding (`onnx-kernels.ts`). The thorough check runs
 * once per engine: the version against the tested range (gflownet-ts's peer dependency range; an
 * untested version that passes its checks is used, with a warning), the native library loaded, the
 * binding's shape; the kernels' numbers are checked against the tensor backend when they start.
 */
export function createOnnxRuntimeEngine(find: () => RuntimePackage | undefined = locateRuntime): Engine {
  let checked: Checked | undefined;
  const check = (): Checked => (checked ??= thoroughCheck(find));
  /** The runtime, checked; an error naming the check's problem otherwise. */
  const ready = (): Checked & { runtime: RuntimePackage } => {
    const c = check();
    if (c.check.problem !== undefined || !c.runtime) throw new Error(c.check.problem ?? notInstalled);
    return c as Checked & { runtime: RuntimePackage };
  };
  return {
    name: 'onnxruntime',
    description: `ONNX Runtime's native CPU kernels for the MLPs' passes in training and exact evaluation and the Transformers' in training and sampling (needs the optional ${RUNTIME_PACKAGE})`,
    unavailable: () => {
      const { runtime, error } = locate(find);
      return error ?? (runtime ? undefined : `${notInstalled} (${installAdvice()})`);
    },
    check: () => check().check,
    load: (chain, options) => {
      // checked first in this thread: its telemetry is off before the worker's runtime starts
      const { runtime } = ready();
      return onnxRunner(runtime.main, chain, options);
    },
    kernels: (options) => onnxKernels(ready().native!, options),
  };
}

/** ONNX Runtime's engine on the `onnxruntime-node` this process finds ({@link locateRuntime}); contributed by the Node plugin (`engines`). */
export const onnxRuntimeEngine: Engine = createOnnxRuntimeEngine();
