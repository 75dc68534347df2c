#!/usr/bin/env node
// Development entry point of the `gfn` command: runs the TypeScript sources through tsx (no build
// step), with the project's tsconfig so that decorators compile the same way wherever it is
// started. The installed package's `gfn` is the compiled dist/cli/gfn.js.
import { register as registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
registerHooks('./source-conditions.js', import.meta.url);
await import('../cli/gfn.ts');
