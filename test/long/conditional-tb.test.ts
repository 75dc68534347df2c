import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RACE, race } from '../../bench/conditional-race.js';

/**
 * The convergence target of conditional TB (docs/conditional.md): one model trained on
 * β ~ log-uniform[0.5, 4] reaches exact TV < 0.1 at each β ∈ {0.5, 1, 2, 4} within 3x the iterations
 * an unconditional run needs at β = 1, same networks and learning rates (10–20 s a seed on 2 cores).
 */
describe('conditional TB on the 2-D HyperGrid, H = 8', () => {
  for (const seed of [0, 1, 2]) {
    it(`seed ${seed}: every β of the grid under TV 0.1 within 3x the unconditional run's iterations`, async () => {
      const { unconditional, conditional } = await race(seed, { ...DEFAULT_RACE, dir: mkdtempSync(join(tmpdir(), 'gfn-cond-race-')) });
      expect(unconditional.reached).toBeDefined();
      expect(conditional.reached).toBeDefined();
      expect(conditional.reached!).toBeLessThanOrEqual(3 * unconditional.reached!);
    });
  }
});
