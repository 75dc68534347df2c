import { ConfigError } from '../base/errors.js';
import type { DenseChainKernels, DenseKernelsOptions, InferenceAccelerator } from './dense-chain.js';

const accelerators = new Map<string, InferenceAccelerator>();

/** Registers an inference accelerator (called by host entry points, e.g. the Node one). */
export function provideInferenceAccelerator(accelerator: InferenceAccelerator): void {
  accelerators.set(accelerator.name, accelerator);
}

/** The accelerators a host provided, available or not. */
export function providedInferenceAccelerators(): InferenceAccelerator[] {
  return [...accelerators.values()];
}

/**
 * Resolves an `engine` choice among the accelerators that `fits`: `backend` is the tensor backend
 * (undefined); `auto` the first fitting accelerator that can run here, else the backend; a name
 * that accelerator, and one that is unknown, does not fit or cannot run is a {@link ConfigError}
 * naming `field`, the value, the reason and the valid choices.
 */
function choose(field: string, engine: string, choice: string, fits: (a: InferenceAccelerator) => boolean): InferenceAccelerator | undefined {
  if (choice === 'backend') return undefined;
  const candidates = [...accelerators.values()].filter(fits);
  if (choice === 'auto') return candidates.find((a) => a.unavailable() === undefined);
  const valid = ['"auto"', '"backend"', ...candidates.map((a) => `"${a.name}"`)].join(', ');
  const accelerator = candidates.find((a) => a.name === choice);
  if (!accelerator) throw new ConfigError([`field "${field}" = "${choice}": no such ${engine} here; valid choices: ${valid}`]);
  const why = accelerator.unavailable();
  if (why !== undefined) throw new ConfigError([`field "${field}" = "${choice}": ${why}; valid choices: ${valid}`]);
  return accelerator;
}

/** Resolves `evaluation.inference` (see {@link choose}): the engine of exact evaluation's network pass. */
export function chooseInferenceAccelerator(choice: string): InferenceAccelerator | undefined {
  return choose('evaluation.inference', 'inference engine', choice, () => true);
}

/**
 * Resolves the config field `kernels` (see {@link choose}) among the accelerators with training
 * kernels, and makes them: the engine of every dense network's passes in training and sampling.
 * An engine that is installed but cannot start (e.g. its native library does not load here) is a
 * {@link ConfigError} too, under `auto` as well: a run never changes engine behind the user's back.
 */
export function chooseDenseKernels(choice: string, options: DenseKernelsOptions): DenseChainKernels | undefined {
  const accelerator = choose('kernels', 'kernel engine', choice, (a) => a.kernels !== undefined);
  if (!accelerator) return undefined;
  try {
    return accelerator.kernels!(options);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`field "kernels" = "${choice}": ${accelerator.name} could not start (${why}); "backend" runs every pass on the tensor backend`]);
  }
}
