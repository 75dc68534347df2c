import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Errors Node raises when it loads an ES module as CommonJS. */
const COMMONJS_LOAD = /require\(\) (of )?ES Module|Cannot use import statement outside a module|ERR_REQUIRE_(ESM|CYCLE_MODULE|ASYNC_MODULE)/;

/**
 * A hint for a plugin file that failed to load because Node took it for CommonJS: the nearest
 * package.json above it (which decides) lacks `"type": "module"`, or there is none. Empty when
 * that is not the cause.
 */
export function moduleTypeHint(file: string, err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  if (!COMMONJS_LOAD.test(`${code ?? ''} ${message ?? ''}`)) return '';
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
      } catch {
        return '';
      }
      return type === 'module'
        ? ''
        : ` (cause: the plugin is an ES module, but ${manifest}, the package.json that decides how Node loads it, does not declare "type": "module"; add it)`;
    }
    if (dirname(dir) === dir)
      return ` (cause: the plugin is an ES module, but no package.json above it declares "type": "module"; add one next to it: {"type": "module"})`;
  }
}
