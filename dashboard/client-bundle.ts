import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

/** The page's script: `client/main.ts` and its libraries (the charting library, the Markdown renderer). */
const options: BuildOptions = {
  entryPoints: [fileURLToPath(new URL('./client/main.ts', import.meta.url))],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'eof',
  logLevel: 'silent',
};

let bundle: Promise<string> | undefined;

/**
 * The page's script bundled in memory, once per process. The server uses it when it runs from the
 * sources (no `public/app.js` beside it), so that edits to `client/` need no build step.
 */
export function clientBundle(): Promise<string> {
  bundle ??= build({ ...options, write: false }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}

/**
 * Writes the whole page into `outDir` — `app.js` (the bundled script) and the files of `public/`
 * (`index.html`, `style.css`) as they are — for the package: `npm run build` writes
 * `dist/dashboard/public/`, which the installed server serves. Returns the names written.
 */
export async function writeClientPage(outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  await build({ ...options, outfile: join(outDir, 'app.js') });
  const sources = fileURLToPath(new URL('./public', import.meta.url));
  const copied = readdirSync(sources);
  for (const name of copied) copyFileSync(join(sources, name), join(outDir, name));
  return ['app.js', ...copied];
}
