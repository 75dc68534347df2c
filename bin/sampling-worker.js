// The pipelined trainer's sampling thread in development: the trainer starts it from its file, and
// under the TypeScript sources (bin/gfn.js, vitest) that file is this one, which registers tsx with
// the project's tsconfig (and the source export condition, as bin/gfn.js does) and runs the worker
// module. The installed package starts the compiled dist/plugins/node/pipeline/sampling-worker.js.
import { register as registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
registerHooks('./source-conditions.js', import.meta.url);
await import('../plugins/node/pipeline/sampling-worker.ts');
