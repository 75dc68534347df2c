import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moduleTypeHint } from '../../plugins/module-type-hint.js';

/** What Node (through tsx) throws for an ES-module plugin taken for CommonJS. */
const commonJsError = Object.assign(new Error('Cannot require() ES Module /x/index.ts in a cycle.'), { code: 'ERR_REQUIRE_CYCLE_MODULE' });

const made: string[] = [];
/** A fresh temporary folder, removed after the tests. */
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'gfn-hint-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('the hint for a plugin loaded as CommonJS', () => {
  it('names the package.json that lacks "type": "module"', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"name":"p"}');
    mkdirSync(join(dir, 'src'));
    expect(moduleTypeHint(join(dir, 'src', 'index.ts'), commonJsError)).toBe(
      ` (cause: the plugin is an ES module, but ${join(dir, 'package.json')}, the package.json that decides how Node loads it, does not declare "type": "module"; add it)`,
    );
  });

  it('says to add one when no package.json is above the plugin', () => {
    // the file system root holds no package.json here, and neither does a fresh temp folder
    expect(moduleTypeHint('/no-such-folder/plugin/index.ts', commonJsError)).toContain('no package.json above it declares "type": "module"');
  });

  it('is empty when the package is a module, or the error is another one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    expect(moduleTypeHint(join(dir, 'index.ts'), commonJsError)).toBe('');
    expect(moduleTypeHint(join(dir, 'index.ts'), new Error('Cannot find module ./x'))).toBe('');
  });
});
