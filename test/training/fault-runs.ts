import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The raw config of the small run the error-path tests break in various places: TB on a 2-D H=8
 * HyperGrid (MLP 2x16, batch 8, wasm), evaluated and checkpointed every 5 iterations, named `run`,
 * in a fresh folder (`runDir`), with `patch` applied.
 */
export function faultRun(patch: Record<string, unknown> = {}): { raw: Record<string, unknown>; runDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gfn-fault-run-'));
  const raw = {
    name: 'run',
    seed: 2,
    backend: 'wasm',
    iterations: 20,
    batchSize: 8,
    env: { name: 'hypergrid', ndim: 2, height: 8 },
    objective: { name: 'tb' },
    estimator: { name: 'mlp', hidden: [16, 16] },
    evaluation: { every: 5 },
    checkpoint: { every: 5 },
    logging: { dir, progress: 'none' },
    ...patch,
  };
  return { raw, runDir: join(dir, 'run') };
}
