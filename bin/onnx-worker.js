// The ONNX Runtime engine's worker thread in development: the engine starts it from its file, and
// under the TypeScript sources (bin/gfn.js, vitest) that file is this one, which registers tsx with
// the project's tsconfig and runs the worker module. The installed package starts the compiled
// dist/plugins/node/onnx/onnx-worker.js directly.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../plugins/node/onnx/onnx-worker.ts');
