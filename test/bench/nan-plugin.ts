import type { Objective } from '../../core/objectives/objective.js';
import { definePlugin } from '../../core/plugin/plugin.js';

/**
 * A test plugin loaded by a bench config's base `plugins`: the objective `nan-after` reports a
 * finite loss, then NaN from iteration `after` on — the trainer then fails the run.
 */
export default definePlugin({
  name: 'nan-test',
  objectives: [
    {
      name: 'nan-after',
      description: 'loss 1, then NaN from iteration `after`',
      schema: { properties: { after: { type: 'integer', minimum: 0, default: 3 } } },
      create: (options: { after?: number }): Objective => ({
        name: 'nan-after',
        update: (batch) => ({ loss: batch.iteration >= (options.after ?? 3) ? Number.NaN : 1 }),
        dispose: () => {},
      }),
    },
  ],
});
