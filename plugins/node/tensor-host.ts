import { totalmem } from 'node:os';
import type { TensorHost } from '../../core/tensor/backend.js';

/**
 * What TensorFlow.js needs from a Node host, contributed by the Node plugin (`tensorHost`):
 * - the gradients of the built-in ops from the `@tensorflow/tfjs` package (Node cannot load
 *   tfjs-core's own ES-module registration file);
 * - native TensorFlow for `backend: "auto"` and `"tensorflow"` through `@tensorflow/tfjs-node`, an
 *   optional dependency (its install downloads a TensorFlow binary that some machines cannot reach);
 * - the machine's memory, for the preflight's memory check.
 */
export const nodeTensorHost: TensorHost = {
  gradients: () => import('@tensorflow/tfjs'),
  nativeBackend: () => import('@tensorflow/tfjs-node' as string),
  memoryBytes: totalmem,
};
