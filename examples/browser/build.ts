import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The page imports the package's browser entry; in this repository that is its source. */
const browserEntryFromSources: Plugin = {
  name: 'gflownet-ts-browser-sources',
  setup(b) {
    b.onResolve({ filter: /^gflownet-ts(\/browser)?$/ }, () => ({ path: join(root, 'plugins', 'browser.ts') }));
  },
};

/**
 * Bundles the browser example (`main.ts` with gflownet-ts, TensorFlow.js and every other
 * dependency) into `build/app.js`, for browsers, and copies the wasm backend's `.wasm` files next
 * to it. Fails if anything on the import path needs a Node-only module.
 */
export async function buildBrowserExample(outDir = join(here, 'build')): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(here, 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.json'),
    plugins: [browserEntryFromSources],
    logLevel: 'warning',
  });
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of readdirSync(wasmDir).filter((name) => name.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(outDir, f));
}
