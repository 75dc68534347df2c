import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { resolveConfig } from '../../core/config/validate.js';
import { PluginRegistry } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { suppressedErrors } from '../../core/run/teardown.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { checkObjective } from '../../plugins/conformance.js';
import { loadSampler } from '../../plugins/index.js';
import { encodeCheckpoint } from '../../run-folder/checkpoint-codec.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';
import teardownPlugin, { factoryCalls, lifecycle, resetLifecycle } from './teardown-plugin.js';

const registry = new PluginRegistry([builtinPlugin, teardownPlugin]);
const base = {
  name: 'teardown',
  seed: 0,
  backend: 'wasm',
  iterations: 3,
  batchSize: 4,
  env: { name: 'hypergrid', ndim: 2, height: 4 },
  estimator: { name: 'counting-mlp', hidden: [8] },
  evaluation: { every: 0 },
};

/** The small run with the `scripted` objective, failing where `fail` says. */
function scripted(fail: { create?: boolean; update?: boolean; dispose?: boolean } = {}): ResolvedConfig {
  const objective = { name: 'scripted', failCreate: fail.create ?? false, failUpdate: fail.update ?? false, failDispose: fail.dispose ?? false };
  return resolveConfig({ ...base, objective }, registry);
}

/** What `train` rejected with (fails the test when it resolved). */
async function rejection(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (err) {
    return err as Error;
  }
  throw new Error('the run was expected to fail');
}

describe('one teardown: a run frees only what it built, last built first, and keeps its error', () => {
  beforeEach(resetLifecycle);

  it('a run that fails in its objective factory rejects with exactly that error; the factory runs once', async () => {
    const before = tf.memory().numTensors;
    const err = await rejection(train(scripted({ create: true }), registry, { subscribers: [] }));
    expect(err.message).toBe("the scripted objective's factory failed (call 1)");
    expect(factoryCalls.objective).toBe(1);
    // P_F was built for the sampler before the objective was asked for, and is freed
    expect(lifecycle).toEqual(['built forward', 'freed forward']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run that fails before it needs the networks builds none of them (nothing built only to be freed)', async () => {
    const err = await rejection(train(scripted(), registry, { subscribers: ['no-such-subscriber'] }));
    expect(err.message).toMatch(/unknown subscriber 'no-such-subscriber'/);
    expect(lifecycle).toEqual([]);
    expect(factoryCalls.objective).toBe(0);
  });

  it('frees in reverse order of construction and releases every tensor, after a normal run and after a failed one', async () => {
    const before = tf.memory().numTensors;
    const { finished } = await train(scripted(), registry, { subscribers: [] });
    expect(finished.iterations).toBe(3);
    expect(lifecycle).toEqual(['built forward', 'built objective', 'freed objective', 'freed forward']);
    expect(tf.memory().numTensors).toBe(before);

    resetLifecycle();
    await rejection(train(scripted({ update: true }), registry, { subscribers: [] }));
    expect(lifecycle).toEqual(['built forward', 'built objective', 'freed objective', 'freed forward']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an error while freeing does not replace the error that ended the run; the rest is still freed', async () => {
    const before = tf.memory().numTensors;
    const err = await rejection(train(scripted({ update: true, dispose: true }), registry, { subscribers: [] }));
    expect(err.message).toBe("the scripted objective's update failed");
    expect(suppressedErrors(err).map((e) => e.message)).toEqual(["freeing objective 'scripted' failed: the scripted objective's dispose failed"]);
    // P_F is freed after the objective's dispose threw
    expect(lifecycle).toEqual(['built forward', 'built objective', 'freed objective', 'freed forward']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run that succeeds but fails to free rejects with that failure, after freeing the rest', async () => {
    const before = tf.memory().numTensors;
    const err = await rejection(train(scripted({ dispose: true }), registry, { subscribers: [] }));
    expect(err.message).toBe("freeing objective 'scripted' failed: the scripted objective's dispose failed");
    expect(lifecycle.at(-1)).toBe('freed forward');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the conformance kit uses the same teardown: a failing objective factory is its error, and P_F is freed', async () => {
    const before = tf.memory().numTensors;
    const config = { ...base, objective: { name: 'scripted', failCreate: true } };
    await expect(checkObjective({ plugins: [teardownPlugin], config })).rejects.toThrow("the scripted objective's factory failed (call 1)");
    expect(lifecycle).toEqual(['built forward', 'freed forward']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loadSampler uses the same teardown: a checkpoint that does not fit the network is its error, and P_F is freed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfn-teardown-'));
    const config = resolveConfig({ ...base, objective: { name: 'tb' }, estimator: { name: 'mlp', hidden: [8] }, logging: { dir, progress: 'none' } }, registry);
    await train(config, registry, { subscribers: ['checkpoint'] });
    const checkpoint = readCheckpoint(join(dir, 'teardown'));
    checkpoint.forward.variables = (checkpoint.forward.variables as unknown[]).slice(0, -1);
    // a whole file (its checksum matches) whose network does not fit
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, encodeCheckpoint(checkpoint));
    const before = tf.memory().numTensors;
    await expect(loadSampler(broken)).rejects.toThrow(/checkpoint: the forward estimator has 4 variables, the checkpoint 3/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** `gfn train` on the small run with the `scripted` objective (the plugin loaded by path): exit code and output. */
function gfnTrain(objective: Record<string, unknown>): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gfn-teardown-'));
  const configPath = join(dir, 'config.json');
  const config = {
    ...base,
    objective: { name: 'scripted', ...objective },
    plugins: [resolve('test/training/teardown-plugin.ts')],
    logging: { dir, progress: 'none' },
  };
  writeFileSync(configPath, JSON.stringify(config));
  try {
    return { code: 0, out: execFileSync('node', ['bin/gfn.js', 'train', configPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

describe('gfn train on a run that fails', () => {
  it('in its objective factory: exits 1 printing the factory error (not an error from freeing)', () => {
    const { code, out } = gfnTrain({ failCreate: true });
    expect(code, out).toBe(1);
    // the one line names the part of the run that failed, and the plugin that contributed it
    expect(out).toContain("gfn: the scripted objective's factory failed (call 1) (in objective 'scripted' of plugin 'teardown-test')\n");
    expect(out).not.toMatch(/call 2|freeing/);
  });

  it('in its update and then in freeing the objective: exits 1 printing the update error first, the freeing one after it', () => {
    const { code, out } = gfnTrain({ failUpdate: true, failDispose: true });
    expect(code, out).toBe(1);
    expect(out).toContain(
      "gfn: the scripted objective's update failed (in objective 'scripted' of plugin 'teardown-test', at iteration 1)\ngfn: then, while cleaning up: freeing objective 'scripted' failed: the scripted objective's dispose failed\n",
    );
  });
});
