import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** Tensor backends a run can ask for; `auto` picks the fastest one that loads. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** tfjs's own name of each concrete backend. */
const TFJS_NAME = { tensorflow: 'tensorflow', wasm: 'wasm', cpu: 'cpu' } as const;

let nativeLoadAttempt: Promise<boolean> | undefined;

/**
 * Loads `@tensorflow/tfjs-node` if it is installed. It is an optional dependency: its install
 * downloads a TensorFlow binary that some machines cannot reach, so its absence is normal.
 */
function loadNative(): Promise<boolean> {
  nativeLoadAttempt ??= import('@tensorflow/tfjs-node' as string).then(
    () => true,
    () => false,
  );
  return nativeLoadAttempt;
}

/**
 * Activates a tensor backend and returns the name of the one in use.
 * `auto` tries native TensorFlow, then wasm, then the pure-JS cpu backend.
 * An explicit choice that cannot be loaded is an error, not a silent fallback.
 */
export async function selectBackend(choice: BackendChoice): Promise<'tensorflow' | 'wasm' | 'cpu'> {
  const order: Array<keyof typeof TFJS_NAME> =
    choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  const failures: string[] = [];
  for (const name of order) {
    if (name === 'tensorflow' && !(await loadNative())) {
      failures.push('tensorflow: @tensorflow/tfjs-node is not installed');
      continue;
    }
    if (tf.getBackend() === TFJS_NAME[name]) return name;
    try {
      if (await tf.setBackend(TFJS_NAME[name])) {
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
