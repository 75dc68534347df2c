import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricRecords, tempRunsDir } from './helpers.js';

const gfn = (...args: string[]): { code: number; out: string } => {
  try {
    return { code: 0, out: execFileSync('node', ['bin/gfn.js', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
};

describe('gfn train --resume', () => {
  it('continues a finished run with --set iterations and matches a straight run; metrics.jsonl is appended', () => {
    const dir = tempRunsDir();
    const config = {
      seed: 3,
      backend: 'wasm',
      iterations: 40,
      batchSize: 16,
      env: { name: 'hypergrid', ndim: 2, height: 8, R0: 0.1 },
      objective: { name: 'tb' },
      estimator: { name: 'mlp', hidden: [32, 32] },
      evaluation: { every: 10 },
      checkpoint: { every: 10 },
      logging: { dir, progress: 'none' },
    };
    const path = join(dir, 'cfg.json');
    writeFileSync(path, JSON.stringify(config));
    expect(gfn('train', path, '--set', 'name=straight').code).toBe(0);
    expect(gfn('train', path, '--set', 'name=legs', '--set', 'iterations=20').code).toBe(0);
    const again = gfn('train', '--resume', join(dir, 'legs'));
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/already completed 20 of 20 iterations; to train longer, add --set iterations=/);
    const resumed = gfn('train', '--resume', join(dir, 'legs'), '--set', 'iterations=40');
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toContain('final (iteration 40)');
    expect(metricRecords(join(dir, 'legs'))).toEqual(metricRecords(join(dir, 'straight')));
    const types = readFileSync(join(dir, 'legs', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.filter((t) => t === 'start' || t === 'resume' || t === 'finished')).toEqual(['start', 'finished', 'resume', 'finished']);
  });
});
