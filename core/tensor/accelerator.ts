import { ConfigError } from '../config/validate.js';
import type { InferenceAccelerator } from './dense-chain.js';

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
 * Resolves `evaluation.inference`: `backend` runs every network pass on the tensor backend
 * (undefined); `auto` picks the first provided accelerator that can run here, else the backend;
 * a name picks that accelerator, and one that is unknown or cannot run is a {@link ConfigError}
 * naming the value, the reason and the valid choices.
 */
export function chooseInferenceAccelerator(choice: string): InferenceAccelerator | undefined {
  if (choice === 'backend') return undefined;
  if (choice === 'auto') return [...accelerators.values()].find((a) => a.unavailable() === undefined);
  const valid = ['"auto"', '"backend"', ...[...accelerators.keys()].map((k) => `"${k}"`)].join(', ');
  const accelerator = accelerators.get(choice);
  if (!accelerator) throw new ConfigError([`field "evaluation.inference" = "${choice}": no such inference engine here; valid choices: ${valid}`]);
  const why = accelerator.unavailable();
  if (why !== undefined) throw new ConfigError([`field "evaluation.inference" = "${choice}": ${why}; valid choices: ${valid}`]);
  return accelerator;
}
