import { provideInferenceAccelerator } from '../../core/tensor/accelerator.js';
import { provideGradients, provideNativeBackend } from '../../core/tensor/backend.js';
import { onnxRuntimeAccelerator } from './onnx/onnx-accelerator.js';

/**
 * What TensorFlow.js needs from a Node host, registered by the Node entry points (imported for
 * this side effect):
 * - the gradients of the built-in ops from the `@tensorflow/tfjs` package (Node cannot load
 *   tfjs-core's own ES-module registration file);
 * - native TensorFlow for `backend: "auto"` and `"tensorflow"` through `@tensorflow/tfjs-node`, an
 *   optional dependency (its install downloads a TensorFlow binary that some machines cannot reach);
 * - ONNX Runtime's native kernels for exact evaluation's network pass (`evaluation.inference`),
 *   when the optional peer `onnxruntime-node` is installed (loaded in a worker, on first use).
 */
provideGradients(() => import('@tensorflow/tfjs'));
provideNativeBackend(() => import('@tensorflow/tfjs-node' as string));
provideInferenceAccelerator(onnxRuntimeAccelerator);
