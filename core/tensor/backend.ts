import * as tf from '@tensorflow/tfjs-core';

/** Tensor backends a run can ask for; `auto` picks the fastest one that loads. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** A concrete backend. */
export type BackendName = Exclude<BackendChoice, 'auto'>;

/**
 * What a host gives TensorFlow.js beyond the kernel, which runs in browsers too: a plugin
 * contributes it (`Plugin.tensorHost`; the Node plugin's is `plugins/node/tensor-host.ts`).
 */
export interface TensorHost {
  /**
   * Registers the gradients of tfjs's built-in ops. Default: tfjs-core's own registration module,
   * which bundlers (browsers) load; Node cannot, its host loads another source.
   */
  gradients?: () => Promise<unknown>;
  /** Loads native TensorFlow (`@tensorflow/tfjs-node`); absent = `tensorflow` is not available here. */
  nativeBackend?: () => Promise<unknown>;
  /**
   * The machine's memory in bytes, against which the preflight checks the memory a config's sizes
   * imply (`evaluation.exactMaxStates`, `replay.capacity`, …); absent = a documented default limit.
   */
  memoryBytes?: () => number;
}

/**
 * How each backend's module is loaded: on first use, so that commands which never touch a tensor
 * (`gfn list`, `gfn --help`) do not pay for it. Native TensorFlow comes from the host.
 */
const LOADERS: Record<Exclude<BackendName, 'tensorflow'>, () => Promise<unknown>> = {
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};
/** The outcome of each loader's one attempt (a module loads once per process). */
const attempts = new WeakMap<() => Promise<unknown>, Promise<string | undefined>>();

const tfjsCoreGradients = (): Promise<unknown> => import('@tensorflow/tfjs-core/dist/register_all_gradients.js');

/** Makes sure the built-in ops can be differentiated (a no-op once some module registered their gradients). */
async function ensureGradients(host: TensorHost): Promise<void> {
  if (tf.getGradient(tf.Mean) !== undefined) return;
  await (host.gradients ?? tfjsCoreGradients)();
  if (tf.getGradient(tf.Mean) === undefined) throw new Error('tfjs gradients could not be registered');
}

/** Loads a backend's module once; resolves with why it could not be loaded, or undefined. */
function loadModule(name: BackendName, host: TensorHost): Promise<string | undefined> {
  const load = name === 'tensorflow' ? host.nativeBackend : LOADERS[name];
  if (!load) return Promise.resolve('native TensorFlow is only available under Node with @tensorflow/tfjs-node');
  let attempt = attempts.get(load);
  if (!attempt) {
    attempt = load().then(
      () => undefined,
      (err: unknown) => (name === 'tensorflow' && isMissing(err) ? '@tensorflow/tfjs-node is not installed' : `cannot load its module (${firstLine(err)})`),
    );
    attempts.set(load, attempt);
  }
  return attempt;
}

/** Whether `err` says the module itself is not installed (rather than installed and failing, e.g. a native library missing). */
function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

/** The order in which `auto` tries the backends. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * Whether each backend's module loads here, in {@link AUTO_ORDER}: why not, or undefined (`gfn
 * doctor`; each module loads once per process, and none is activated).
 */
export async function probeBackends(host: TensorHost = {}): Promise<Array<{ name: BackendName; problem: string | undefined }>> {
  return Promise.all(AUTO_ORDER.map(async (name) => ({ name, problem: await loadModule(name, host) })));
}

/**
 * Activates a tensor backend (and the gradients of the built-in ops, from `host`) and returns the name of the one in use.
 * `auto` tries native TensorFlow, then wasm, then the pure-JS cpu backend.
 * An explicit choice that cannot be loaded is an error, not a silent fallback.
 */
export async function selectBackend(choice: BackendChoice, host: TensorHost = {}): Promise<BackendName> {
  await ensureGradients(host);
  const order: readonly BackendName[] = choice === 'auto' ? AUTO_ORDER : [choice];
  const failures: string[] = [];
  for (const name of order) {
    const problem = await loadModule(name, host);
    if (problem !== undefined) {
      failures.push(`${name}: ${problem}`);
      continue;
    }
    if (tf.getBackend() === name) return name;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: backend failed to initialise`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`backend '${choice}' is not available (${failures.join('; ')})`);
}
