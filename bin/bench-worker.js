#!/usr/bin/env node
// Worker process of `gfn bench` in development: forked once per run, it trains the run it is sent
// over IPC. Like bin/gfn.js it runs the TypeScript sources through tsx with the project's tsconfig.
import { register as registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
registerHooks('./source-conditions.js', import.meta.url);
await import('../cli/bench-worker.ts');
