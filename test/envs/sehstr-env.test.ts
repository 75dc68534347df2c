import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config/validate.js';
import type { EvaluationEvent } from '../../core/events/bus.js';
import type { FileAccess } from '../../core/io/file-access.js';
import { definePlugin, PluginRegistry } from '../../core/plugin.js';
import { train } from '../../core/training/run.js';
import { createSehStr, type SehStrEnv } from '../../envs/sequence/sehstr.js';
import { loadSehProxy, sehLogReward } from '../../envs/sequence/sehstr-proxy-data.js';
import { builtinContributions } from '../../plugins/builtin/contributions.js';
import { evaluatorSubscriber } from '../../plugins/builtin/evaluation.js';
import { nodeFileAccess } from '../../plugins/node/file-access.js';

// The full 18^6 prediction table is computed once for this file and handed to the environment
// through the host's table hook, as the Node host's disk cache would.
let table: Float64Array;
let tableRequests = 0;
const files: FileAccess = {
  ...nodeFileAccess,
  cachedTable: (spec) => {
    tableRequests++;
    expect(spec.length).toBe(18 ** 6);
    return table;
  },
};
let env: SehStrEnv;

beforeAll(() => {
  table = loadSehProxy(nodeFileAccess).predictAll();
  env = createSehStr({ files });
}, 300_000);

describe('sehstr environment', () => {
  it('is a 6-position, 18-block insert-anywhere sequence task rewarded by the proxy', () => {
    expect([env.ndim, env.nbase, env.nActions, env.maxTrajectoryLength]).toEqual([6, 18, 109, 7]);
    const i = 1_234_567;
    expect(env.logReward(env.sequencesOf([i]))[0]).toBeCloseTo(sehLogReward(table[i]!, 6), 12);
    // the best string "ag550c" has reward 10 by construction
    const best = [10, 16, 5, 5, 0, 12].reduce((acc, b) => acc * 18 + b, 0);
    expect(env.logReward(env.sequencesOf([best]))[0]).toBeCloseTo(Math.log(10), 12);
  });

  it('puts exactly the 34,013 modes at or above its log-space mode cut, for β = 6 and another β', () => {
    for (const exponent of [6, 3]) {
      const e = createSehStr({ files, exponent });
      const cut = e.modeLogRewardThreshold();
      let count = 0;
      for (let i = 0; i < table.length; i++) if (sehLogReward(table[i]!, exponent) >= cut) count++;
      expect(count).toBe(34_013);
      expect(e.modeCount()).toBe(34_013);
    }
  });

  it('knows log Z: the README value for β = 6, the table sum otherwise', () => {
    expect(env.knownLogPartition()).toBe(17.552393997235);
    const e3 = createSehStr({ files, exponent: 3 });
    let z = 0;
    for (let i = 0; i < table.length; i++) z += Math.exp(sehLogReward(table[i]!, 3));
    expect(e3.knownLogPartition()).toBeCloseTo(Math.log(z), 9);
  });

  it('draws a fixed test set: half from R/Z (high rewards), half uniform', () => {
    const a = env.testSet();
    expect(a).toEqual(env.testSet());
    expect(a.length).toBe(256 * 6);
    const logR = env.logReward(a);
    const mean = (from: number, to: number): number => logR.slice(from, to).reduce((s, v) => s + v, 0) / (to - from);
    // E_{R/Z}[log R] is far above the uniform mean (R is sharpened by β = 6)
    expect(mean(0, 128)).toBeGreaterThan(mean(128, 256) + 1);
  });
});

describe('sehstr training with sampled evaluation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfn-sehstr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains TB-U and reports the sampled metrics against the known log Z and the 34,013 modes', async () => {
    const registry = new PluginRegistry([definePlugin({ name: 'builtin', ...builtinContributions(files), subscribers: [evaluatorSubscriber] })]);
    const config = resolveConfig(
      {
        name: 'sehstr-sampled',
        iterations: 10,
        batchSize: 16,
        env: { name: 'sehstr' },
        objective: { name: 'tb' },
        estimator: { name: 'mlp', hidden: [32, 32] },
        evaluation: { every: 10, atStart: false, samples: 64, maxTestStates: 64, backwardSamples: 4, topK: 10 },
        logging: { dir, progress: 'none' },
      },
      registry,
    );
    const events: EvaluationEvent[] = [];
    await train(config, registry, { beforeRun: (_c, bus) => void bus.evaluation$.subscribe((e) => events.push(e)) });
    expect(events.map((e) => e.method)).toEqual(['sampled']);
    const m = events[0]!.metrics;
    expect(m.logZTrue).toBe(17.552393997235);
    expect(m.modesTotal).toBe(34_013);
    for (const k of ['testSpearman', 'testPearson', 'sampleSpearman', 'elbo', 'logZIs', 'ess', 'topKReward', 'modesFound']) expect(Number.isFinite(m[k]), k).toBe(true);
    // the ELBO bounds log Z from below (up to sampling noise on 64 trajectories, it is far below)
    expect(m.elbo!).toBeLessThan(17.552393997235);
    expect(tableRequests).toBeGreaterThan(0);
  }, 120_000);
});
