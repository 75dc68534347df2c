#!/usr/bin/env node
// Entry point of the `gfn` command: runs the TypeScript sources through tsx (no build step),
// with the project's tsconfig so that decorators compile the same way wherever it is started.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../cli/gfn.ts');
