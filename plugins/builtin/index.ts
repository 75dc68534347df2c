import { definePlugin } from '../../core/plugin.js';
import { jsonlSubscriber } from '../loggers/jsonl.js';
import { progressSubscriber } from '../loggers/progress.js';
import { bitseqContribution, hypergridContribution, qm9strContribution, tfbind8Contribution } from './envs.js';
import { mlpContribution } from './estimators.js';
import { exactEvaluatorSubscriber } from './evaluation.js';
import { dbContribution, subtbContribution } from './balance-objectives.js';
import { fmContribution, tbContribution } from './objectives.js';
import { rlContribution } from './rl.js';

/** Everything bundled with gflownet-ts: environments, objectives, estimators and subscribers. */
export const builtinPlugin = definePlugin({
  name: 'builtin',
  envs: [hypergridContribution, tfbind8Contribution, qm9strContribution, bitseqContribution],
  objectives: [tbContribution, dbContribution, subtbContribution, fmContribution, rlContribution],
  estimators: [mlpContribution],
  // order matters: the evaluator publishes before the loggers see the same iteration's end
  subscribers: [exactEvaluatorSubscriber, jsonlSubscriber, progressSubscriber],
});
