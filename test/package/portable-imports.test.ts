import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The kernel, the environments, the objectives and the browser entry run in browsers: no module
// on their import path may load a Node-only module or use a Node-only global. (The browser
// bundle's build would fail on a Node import too; this names the file and the culprit.)
const root = resolve(import.meta.dirname, '../..');
const NODE_GLOBALS = new Set(['process', 'Buffer', '__dirname', '__filename', 'require', 'setImmediate', 'global']);

const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) return sourcesUnder(rel);
    return rel.endsWith('.ts') && !rel.endsWith('.d.ts') ? [rel] : [];
  });

/** Relative imports (as repository paths), bare imports, and uses of Node globals of one file. */
function scan(file: string): { local: string[]; bare: string[]; globals: string[] } {
  const text = readFileSync(join(root, file), 'utf8');
  const local: string[] = [];
  const bare: string[] = [];
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
    if (fileName.startsWith('.')) local.push(relative(root, join(root, dirname(file), fileName)).replace(/\.js$/, '.ts'));
    else bare.push(fileName);
  }
  const globals: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const p = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        (ts.isPropertySignature(p) && p.name === node) ||
        (ts.isPropertyAssignment(p) && p.name === node);
      if (!isMemberName) globals.push(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true));
  return { local, bare, globals };
}

describe('portable code imports no Node-only module', () => {
  it('core/, envs/, algorithms/ and the browser entry, with everything they import', () => {
    const starts = [...['core', 'envs', 'algorithms'].flatMap(sourcesUnder), 'plugins/browser.ts', 'plugins/plugin-kit.ts'];
    const seen = new Set<string>();
    const problems: string[] = [];
    const queue = [...starts];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const { local, bare, globals } = scan(file);
      for (const m of bare) if (isBuiltin(m)) problems.push(`${file}: imports the Node module '${m}'`);
      // the union package registers every backend and gradient on import (~0.6 s): the kernel uses tfjs-core, so `gfn list` stays fast
      for (const m of bare) if (m === '@tensorflow/tfjs') problems.push(`${file}: imports '@tensorflow/tfjs'; import '@tensorflow/tfjs-core' instead`);
      for (const g of new Set(globals)) problems.push(`${file}: uses the Node global '${g}'`);
      queue.push(...local);
    }
    expect(problems).toEqual([]);
    // the walk reached the whole kernel, not just the entry files
    expect(seen.size).toBeGreaterThan(100);
  });

  it('the check itself: a Node import and a Node global are found', () => {
    const found = scan('plugins/node/file-access.ts');
    expect(found.bare.filter((m) => isBuiltin(m))).toEqual(['node:fs', 'node:path']);
    expect(scan('run-folder/atomic-write.ts').globals).toContain('process');
  });
});
