import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../../core/di/tokens.js';
import { failureContext } from '../../../core/events/failure.js';
import { PluginRegistry } from '../../../core/plugin/plugin.js';
import { createRunContainer } from '../../../core/run/container.js';
import { train } from '../../../core/run/run.js';
import { builtinPlugin } from '../../../plugins/builtin/index.js';
import { samplingWorkersRunning } from '../../../plugins/node/pipeline/worker-actors.js';
import faultPlugin from '../fault-plugin.js';
import { recordRun, smallConfig } from '../run-helpers.js';

/** The fault plugin in this process and, listed in the config, in the sampling thread. */
const faults = new PluginRegistry([builtinPlugin, faultPlugin]);
const FAULT_PLUGIN = resolve('test/training/fault-plugin.ts');

describe('the pipelined trainer leaves no thread and no tensor behind', () => {
  it('a finished run: no sampling thread remains and tf.memory().numTensors is back to its start', async () => {
    const before = tf.memory().numTensors;
    const run = await recordRun(smallConfig({ iterations: 5, pipeline: true, objective: { name: 'rl', backward: 'coupled', value: { hidden: [16] } } }));
    expect(run.iterations).toHaveLength(5);
    expect(samplingWorkersRunning()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an interrupted run (the SIGINT path: an aborted signal) stops after the iteration and ends its thread', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = await recordRun(smallConfig({ iterations: 50, pipeline: true }), {
      signal: controller.signal,
      beforeRun: (_c, bus) => bus.iteration$.subscribe((e) => e.iteration === 3 && controller.abort('SIGINT')),
    });
    expect(run.iterations).toHaveLength(3);
    expect(samplingWorkersRunning()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a failed update: the run rejects with the objective's error and ends its thread", async () => {
    const before = tf.memory().numTensors;
    const config = smallConfig({ iterations: 20, pipeline: true, objective: { name: 'faulty-tb', failAt: 4 } }, faults);
    await expect(train(config, faults, { subscribers: [] })).rejects.toThrow('faulty-tb: the scripted update fault');
    expect(samplingWorkersRunning()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an exception in the sampling thread is the run’s failure, naming the sampling worker and the iteration', async () => {
    // the environment's step throws on its 40th call: in the sampling thread, whose copy of it samples
    const config = smallConfig(
      { iterations: 20, pipeline: true, env: { name: 'faulty-grid', ndim: 2, height: 8, R0: 0.1, failAtStep: 40 }, plugins: [FAULT_PLUGIN] },
      faults,
    );
    const failure = await train(config, faults, { subscribers: [] }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(failure?.message).toMatch(/^the sampling worker failed: environment 'faulty-grid' of plugin 'faults': step threw: faulty-grid: step call 40 failed/);
    const context = failureContext(failure);
    expect(context.where).toBe('the sampler (sampling worker)');
    expect(context.iteration).toBeGreaterThan(1);
    expect(samplingWorkersRunning()).toBe(0);
  });

  it('a plugin the program defines but the config does not list is refused by the thread, by name', async () => {
    const config = smallConfig({ iterations: 5, pipeline: true, env: { name: 'faulty-grid', ndim: 2, height: 8, R0: 0.1 } }, faults);
    await expect(train(config, faults, { subscribers: [] })).rejects.toThrow(
      /the sampling worker failed: environment 'faulty-grid' is not registered here: .*config\.plugins/,
    );
    expect(samplingWorkersRunning()).toBe(0);
  });

  it('disposing a container that started the thread ends it', async () => {
    const container = createRunContainer(smallConfig({ pipeline: true }), faults, 'wasm');
    const source = container.get(TOKENS.ActorLink);
    expect(samplingWorkersRunning()).toBe(1);
    expect(container.dispose()).toEqual([]);
    // the container's close started the thread's end; this waits for it
    await source.close();
    expect(samplingWorkersRunning()).toBe(0);
  });
});
