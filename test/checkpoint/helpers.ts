import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../core/config/schema.js';
import { TOKENS } from '../../core/di/tokens.js';
import { train } from '../../core/run/run.js';
import type { PluginRegistry } from '../../core/plugin/plugin.js';
import { readCheckpoint } from '../../run-folder/checkpoint-file.js';

/** A fresh folder for run outputs. */
export function tempRunsDir(): string {
  return mkdtempSync(join(tmpdir(), 'gfn-ckpt-'));
}

/** Iteration and evaluation records of a metrics.jsonl, without timings (which never repeat: the actors' rates among them). */
export function metricRecords(runDir: string): Array<Record<string, unknown>> {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.type === 'iteration' || r.type === 'evaluation')
    .map(({ sampleMs: _s, updateMs: _u, elapsedMs: _e, evaluationMs: _v, durationMs: _d, ...rest }) => {
      if (rest.actors === undefined) return rest;
      const { trajectoriesPerSecond: _r, ...counts } = rest.actors as Record<string, unknown>;
      return { ...rest, actors: counts };
    });
}

const QUIET = ['evaluator', 'jsonl', 'checkpoint'];

/**
 * Trains `config` straight, and a copy under another name in two legs: stopped after `stopAfter`
 * iterations (a checkpoint is written at the stop), then resumed from that checkpoint in a fresh
 * container. Returns both runs' folders.
 */
export async function straightAndResumed(config: ResolvedConfig, registry: PluginRegistry, stopAfter: number): Promise<{ straight: string; resumed: string }> {
  const straight = join(config.logging.dir, config.name);
  await train(config, registry, { subscribers: QUIET });
  const split = { ...config, name: `${config.name}-split` };
  await train(split, registry, {
    subscribers: QUIET,
    beforeRun: (container, bus) => bus.iteration$.subscribe((e) => e.iteration === stopAfter && container.get(TOKENS.Trainer).stop()),
  });
  const resumed = join(config.logging.dir, split.name);
  const checkpoint = readCheckpoint(resumed);
  if (checkpoint.iterations !== stopAfter) throw new Error(`the first leg checkpointed ${checkpoint.iterations} iterations, expected ${stopAfter}`);
  await train(checkpoint.config, registry, { subscribers: QUIET, resume: checkpoint });
  return { straight, resumed };
}
