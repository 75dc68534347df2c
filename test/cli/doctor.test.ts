import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { doctorCommand, doctorReport } from '../../cli/doctor.js';
import { checkConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { createOnnxRuntimeEngine, onnxRuntimeEngine } from '../../plugins/node/onnx/onnx-engine.js';
import { standIn } from '../plugins/node/onnx-stand-ins.js';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'gfn-doctor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FIX = 'fix: npm install onnxruntime-node@">=1.30.0 <1.32.0" --ignore-scripts, then, with npm 11.16 or later, npm deny-scripts onnxruntime-node';

/** A config file asking for `engine`. */
function configFile(name: string, engine: string): string {
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify({ env: { name: 'hypergrid', ndim: 2, height: 4 }, objective: { name: 'tb' }, engine: { name: engine } }));
  return path;
}

/** `gfn doctor <args>` in a process of its own, with `env` added: its output and exit code. */
async function gfnDoctor(args: string[], env: Record<string, string>): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [join(repo, 'bin', 'gfn.js'), 'doctor', ...args], {
      cwd: repo,
      env: { ...process.env, ...env },
    });
    return { stdout, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; code: number };
    return { stdout: failed.stdout, code: failed.code };
  }
}

const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`gfn doctor tests of the installed runtime skipped: ${missing}\n`);

describe('gfn doctor', () => {
  it.skipIf(missing !== undefined)(
    'with onnxruntime-node installed: the backends, the engine with its version and self-test, and what a run uses',
    async () => {
      const { text, ok } = await doctorCommand();
      expect(ok).toBe(true);
      expect(text).toMatch(/^gfn doctor — the defaults: backend "auto", engine "auto"$/m);
      expect(text).toMatch(/^ {2}wasm {10}loads$/m);
      expect(text).toMatch(/^→ backend: (tensorflow|wasm)$/m);
      expect(text).toMatch(
        /^ {2}onnxruntime {3}runs here \(onnxruntime-node 1\.3[01]\.\d+ at .*; checks passed, self-test against (tensorflow|wasm) passed\)$/m,
      );
      expect(text).toMatch(/^→ network passes \(training and exact evaluation\): onnxruntime$/m);
    },
  );

  it('without onnxruntime-node: says it is not installed, how to install it from the npm registry alone, and that runs use the backend', async () => {
    const registry = new PluginRegistry([{ ...builtinPlugin, engines: [createOnnxRuntimeEngine(() => undefined)] }]);
    const { config } = checkConfig({}, registry);
    const { text, ok } = await doctorReport({ config, problems: [], registry });
    expect(ok).toBe(true);
    expect(text).toContain(`  onnxruntime   cannot run here: the optional package onnxruntime-node is not installed\n                ${FIX}\n`);
    expect(text).toMatch(/^→ network passes \(training and exact evaluation\): the tensor backend$/m);
  });

  it('on a config asking for an engine whose private binding changed: the reason, the fix, the refusal, exit code 1', async () => {
    const changed = standIn(root, 'changed-binding', '1.99.0');
    const config = configFile('asks-onnxruntime', 'onnxruntime');
    const { stdout, code } = await gfnDoctor([config], { GFN_ONNXRUNTIME_NODE: changed.dir });
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^gfn doctor — ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: backend "auto", engine "onnxruntime"$`, 'm'));
    expect(stdout).toContain(
      '  onnxruntime   cannot run here: onnxruntime-node 1.99.0 (untested: gflownet-ts is tested with >=1.30.0 <1.32.0): its private binding is not the one gflownet-ts drives: binding.InferenceSession has no run()\n',
    );
    expect(stdout).toContain(`                ${FIX}\n`);
    expect(stdout).toMatch(/^→ a run is refused: see the problems below$/m);
    expect(stdout).toMatch(
      /^the problems of .*asks-onnxruntime.json \(gfn train refuses it\):\n {2}field "engine.name" = "onnxruntime": onnxruntime-node 1.99.0 .*has no run\(\) \(fix: npm install .*\); valid choices: "auto", "backend", "onnxruntime"\n$/m,
    );
  });

  it('with an engine that fails its self-test: under "auto" the backend takes over (exit code 0); asked for by name, refused (1)', async () => {
    const env = { GFN_ONNXRUNTIME_NODE: standIn(root, 'wrong-numbers', '1.31.7').dir };
    const auto = await gfnDoctor([configFile('auto', 'auto')], env);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toMatch(
      /^ {2}onnxruntime {3}onnxruntime failed its self-test against the tensor backend \(.*\): the output: expected 6 values, got 0$/m,
    );
    expect(auto.stdout).toMatch(/^→ network passes \(training and exact evaluation\): the tensor backend$/m);
    // the preflight passes it (its shape is right): the refusal comes from the self-test, said in full
    const named = await gfnDoctor([configFile('named', 'onnxruntime')], env);
    expect(named.code).toBe(1);
    expect(named.stdout).toMatch(
      /^→ a run is refused: field "engine.name" = "onnxruntime": onnxruntime failed its self-test against the tensor backend \(.*\): the output: expected 6 values, got 0; valid choices: /m,
    );
    expect(named.stdout).not.toContain('the problems of');
  });
});
