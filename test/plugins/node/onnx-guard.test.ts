import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../core/base/errors.js';
import { preflight } from '../../../core/config/preflight.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { train } from '../../../core/run/run.js';
import type { Engine } from '../../../core/tensor/dense-chain.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { createOnnxRuntimeEngine, onnxRuntimeEngine } from '../../../plugins/node/onnx/onnx-engine.js';
import type { RuntimePackage } from '../../../plugins/node/onnx/onnx-package.js';
import { relabelled, standIn } from './onnx-stand-ins.js';

const root = mkdtempSync(join(tmpdir(), 'gfn-onnx-guard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const TESTED = '>=1.30.0 <1.32.0';

/** The built-in plugin with its ONNX Runtime engine on the package `runtime` instead of the installed one. */
function registryOn(runtime: RuntimePackage): { registry: PluginRegistry; engine: Engine } {
  const engine = createOnnxRuntimeEngine(() => runtime);
  return { registry: new PluginRegistry([{ ...builtinPlugin, engines: [engine] }]), engine };
}

function raw(engine: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `guard-${engine}`,
    iterations: 2,
    batchSize: 4,
    engine: { name: engine },
    env: { name: 'hypergrid', ndim: 2, height: 4 },
    objective: { name: 'tb' },
    estimator: { name: 'mlp', hidden: [8] },
    evaluation: { mode: 'none' },
    ...extra,
  };
}

/** Trains `raw(engine)` on `registry`; the engine its start event names, its iterations, and the warnings printed. */
async function trainOn(registry: PluginRegistry, engine: string): Promise<{ kernels: string; iterations: number; warnings: string[] }> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  let kernels = '';
  let iterations = 0;
  await train(raw(engine) as never, registry, {
    subscribers: [],
    beforeRun: (_c, bus) => {
      bus.runStarted$.subscribe((e) => (kernels = e.kernels));
      bus.iteration$.subscribe(() => iterations++);
    },
  });
  const warnings = warn.mock.calls.map((c) => String(c[0]));
  warn.mockRestore();
  return { kernels, iterations, warnings };
}

describe('a changed private binding of onnxruntime-node (a stand-in of its shape)', () => {
  const { registry, engine } = registryOn(standIn(root, 'changed-binding', '1.99.0'));
  const why = `onnxruntime-node 1.99.0 (untested: gflownet-ts is tested with ${TESTED}): its private binding is not the one gflownet-ts drives: binding.InferenceSession has no run()`;

  it('is found by the shape check, with the version and the fix', () => {
    expect(engine.check!()).toMatchObject({
      problem: why,
      fix: `npm install onnxruntime-node@"${TESTED}" --ignore-scripts, then, with npm 11.16 or later, npm deny-scripts onnxruntime-node`,
    });
    // the cheap look (gfn list) sees an installed package
    expect(engine.unavailable()).toBeUndefined();
  });

  it('under engine "auto": the run trains on the tensor backend, with one warning naming the version', async () => {
    const first = await trainOn(registry, 'auto');
    const second = await trainOn(registry, 'auto');
    expect([first.kernels, first.iterations, second.kernels]).toEqual(['backend', 2, 'backend']);
    const said = [...first.warnings, ...second.warnings].filter((w) => w.includes('onnxruntime cannot run here'));
    expect(said).toEqual([
      `[gfn] engine "auto": onnxruntime cannot run here: ${why} (fix: npm install onnxruntime-node@"${TESTED}" --ignore-scripts, then, with npm 11.16 or later, npm deny-scripts onnxruntime-node); its passes run on the tensor backend`,
    ]);
  });

  it('asked for by name: a config error in the preflight, with the config’s other problems, before any tensor work', async () => {
    const tensors = tf.memory().numTensors;
    const bad = raw('onnxruntime', { env: { name: 'hypergrid', ndim: 2, height: -3 } });
    let error: unknown;
    try {
      preflight(bad, registry);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toContainEqual(expect.stringMatching(/^field "env.height" = -3: /));
    expect(problems).toContainEqual(
      `field "engine.name" = "onnxruntime": ${why} (fix: npm install onnxruntime-node@"${TESTED}" --ignore-scripts, then, with npm 11.16 or later, npm deny-scripts onnxruntime-node); valid choices: "auto", "backend", "onnxruntime"`,
    );
    await expect(trainOn(registry, 'onnxruntime')).rejects.toThrow(/field "engine.name" = "onnxruntime": onnxruntime-node 1.99.0 .*has no run\(\)/);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('an onnxruntime-node whose native library does not load', () => {
  const { registry } = registryOn(standIn(root, 'unloadable', '1.30.2'));

  it('is refused by name in the preflight, with the loader’s message (was: found only once the backend was chosen)', () => {
    expect(() => preflight(raw('onnxruntime'), registry)).toThrow(
      /field "engine.name" = "onnxruntime": onnxruntime-node 1.30.2: its native library does not load: libonnxruntime.so.1: cannot open shared object file: No such file or directory \(fix: npm install/,
    );
  });

  it('is passed over by "auto" with one warning', async () => {
    const { kernels, warnings } = await trainOn(registry, 'auto');
    expect(kernels).toBe('backend');
    expect(warnings.filter((w) => w.includes('1.30.2'))).toHaveLength(1);
  });
});

describe('an onnxruntime-node of the right shape that computes wrong numbers', () => {
  const { registry, engine } = registryOn(standIn(root, 'wrong-numbers', '1.31.4'));

  it('passes the checks that need no tensor, and fails the self-test against the backend when it starts', async () => {
    expect(engine.check!().problem).toBeUndefined();
    const auto = await trainOn(registry, 'auto');
    expect(auto.kernels).toBe('backend');
    expect(auto.warnings.filter((w) => w.includes('self-test'))).toEqual([
      expect.stringMatching(
        /^\[gfn\] engine "auto": onnxruntime failed its self-test against the tensor backend \(onnxruntime-node 1.31.4 at .*\): the output: expected 6 values, got 0; the networks' passes run on the tensor backend$/,
      ),
    ]);
    await expect(trainOn(registry, 'onnxruntime')).rejects.toThrow(
      /field "engine.name" = "onnxruntime": onnxruntime failed its self-test against the tensor backend \(onnxruntime-node 1.31.4 at .*\): the output: expected 6 values, got 0; "backend" runs every pass on the tensor backend/,
    );
  });
});

const missing = onnxRuntimeEngine.unavailable();
if (missing) process.stdout.write(`onnx-guard tests of the real runtime skipped: ${missing}\n`);

describe.skipIf(missing !== undefined)('the installed onnxruntime-node', () => {
  it('passes every check, names its version, and trains under "auto" without a warning', async () => {
    const check = onnxRuntimeEngine.check!();
    expect(check).toEqual({ found: expect.stringMatching(/^onnxruntime-node 1\.3[01]\.\d+ at /) });
    const { kernels, warnings } = await trainOn(new PluginRegistry([builtinPlugin]), 'auto');
    expect(kernels).toBe('onnxruntime');
    expect(warnings).toEqual([]);
  });

  it('under a version outside the tested range: used, since its checks pass, with one warning naming it', async () => {
    const { registry, engine } = registryOn(relabelled(root, '1.40.0'));
    expect(engine.check!()).toMatchObject({
      warning: `onnxruntime-node 1.40.0 is outside the versions gflownet-ts is tested with (${TESTED}); its checks passed`,
    });
    const { kernels, warnings } = await trainOn(registry, 'onnxruntime');
    expect(kernels).toBe('onnxruntime');
    expect(warnings.filter((w) => w.includes('1.40.0'))).toHaveLength(1);
  });
});
