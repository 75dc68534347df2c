import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { locateRuntime, type RuntimePackage } from '../../../plugins/node/onnx/onnx-package.js';

/**
 * Stand-ins for a future `onnxruntime-node` whose private module changed: packages of that name,
 * written into `root`, with the public tensor class and a `dist/binding.js` of another shape. They
 * are what the engine's guards must catch; the engine under test is the real one, pointed at them.
 */
export const STAND_INS = {
  /** The session class lost its synchronous `run` (renamed). */
  'changed-binding': `exports.binding = { InferenceSession: class InferenceSession { loadModel() {} runSync() { return {}; } dispose() {} } };
exports.initOrt = () => {};`,
  /** The native library does not load (a missing shared object, as on an unsupported platform). */
  unloadable: `throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');`,
  /** The same shape, but its runs answer with empty outputs: only the self-test can tell. */
  'wrong-numbers': `exports.binding = { InferenceSession: class InferenceSession {
  loadModel() {}
  run(feeds, fetches) { return Object.fromEntries(Object.keys(fetches).map((name) => [name, { data: new Float32Array(0) }])); }
  dispose() {}
} };
exports.initOrt = () => {};`,
} as const;

const TENSOR = `exports.Tensor = class Tensor { constructor(type, data, dims) { this.type = type; this.data = data; this.dims = dims; } };`;

/** Writes the package `onnxruntime-node` at `version` under `root` with `index.js` and `binding.js` as given. */
function writePackage(root: string, version: string, index: string, binding: string): RuntimePackage {
  const dir = join(root, `onnxruntime-node-${version}`);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version, main: 'dist/index.js' }));
  writeFileSync(join(dir, 'dist', 'index.js'), index);
  writeFileSync(join(dir, 'dist', 'binding.js'), binding);
  return { dir, main: join(dir, 'dist', 'index.js'), version };
}

/** A stand-in of `kind` claiming `version`. */
export function standIn(root: string, kind: keyof typeof STAND_INS, version: string): RuntimePackage {
  return writePackage(root, version, TENSOR, STAND_INS[kind]);
}

/**
 * The onnxruntime-node this process uses (the one `GFN_ONNXRUNTIME_NODE` names, else the installed
 * one: a process cannot load two versions' native libraries) under another version number.
 */
export function relabelled(root: string, version: string): RuntimePackage {
  const { main } = locateRuntime()!;
  return writePackage(
    root,
    version,
    `module.exports = require(${JSON.stringify(main)});`,
    `module.exports = require(${JSON.stringify(join(dirname(main), 'binding.js'))});`,
  );
}
