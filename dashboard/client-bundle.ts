import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundle: Promise<string> | undefined;

/**
 * The page's script: `client/main.ts` and its libraries (the charting library, the Markdown
 * renderer) bundled once per process, in memory, on first use.
 */
export function clientBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [fileURLToPath(new URL('./client/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'eof',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}
