import * as tf from '@tensorflow/tfjs-core';

/** Tensor backends a run can ask for; `auto` picks the fastest one that loads. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** A concrete backend. */
export type BackendName = Exclude<BackendChoice, 'auto'>;

/**
 * How each backend's module is loaded: on first use, so that commands which never touch a tensor
 * (`gfn list`, `gfn --help`) do not pay for it. Native TensorFlow has no loader until a Node host
 * provides one ({@link provideNativeBackend}): the kernel itself runs in browsers too.
 */
const loaders: Record<BackendName, (() => Promise<unknown>) | undefined> = {
  tensorflow: undefined,
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};
const loaded = new Map<BackendName, Promise<string | undefined>>();

/**
 * Registers the gradients of tfjs's built-in ops: tfjs-core leaves that to a module of its own,
 * loaded on first use. Bundlers (browsers) load tfjs-core's registration module; a Node host
 * provides another source ({@link provideGradients}).
 */
let loadGradients: () => Promise<unknown> = () => import('@tensorflow/tfjs-core/dist/register_all_gradients.js');

/** Replaces the module that registers the gradients of the built-in ops (see the Node entry points). */
export function provideGradients(load: () => Promise<unknown>): void {
  loadGradients = load;
}

/** Makes sure the built-in ops can be differentiated (a no-op once some module registered their gradients). */
async function ensureGradients(): Promise<void> {
  if (tf.getGradient(tf.Mean) !== undefined) return;
  await loadGradients();
  if (tf.getGradient(tf.Mean) === undefined) throw new Error('tfjs gradients could not be registered');
}

/** Registers the loader of native TensorFlow (`@tensorflow/tfjs-node`); called by the Node entry points. */
export function provideNativeBackend(load: () => Promise<unknown>): void {
  loaders.tensorflow = load;
  loaded.delete('tensorflow');
}

/** Loads a backend's module once; resolves with why it could not be loaded, or undefined. */
function loadModule(name: BackendName): Promise<string | undefined> {
  let attempt = loaded.get(name);
  if (!attempt) {
    const load = loaders[name];
    attempt = load
      ? load().then(
          () => undefined,
          (err: unknown) => (name === 'tensorflow' ? '@tensorflow/tfjs-node is not installed' : `cannot load its module (${(err as Error).message})`),
        )
      : Promise.resolve(name === 'tensorflow' ? 'native TensorFlow is only available under Node with @tensorflow/tfjs-node' : 'no loader');
    loaded.set(name, attempt);
  }
  return attempt;
}

/**
 * Activates a tensor backend (and the gradients of the built-in ops) and returns the name of the one in use.
 * `auto` tries native TensorFlow, then wasm, then the pure-JS cpu backend.
 * An explicit choice that cannot be loaded is an error, not a silent fallback.
 */
export async function selectBackend(choice: BackendChoice): Promise<BackendName> {
  await ensureGradients();
  const order: BackendName[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  const failures: string[] = [];
  for (const name of order) {
    const problem = await loadModule(name);
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
