import { definePlugin } from '../../core/plugin.js';
import { checkpointSubscriber } from '../checkpoint/subscriber.js';
import { jsonlSubscriber } from '../loggers/jsonl.js';
import { progressSubscriber } from '../loggers/progress.js';
import { bitseqContribution, cartpoleContribution, dagContribution, hypergridContribution, qm9strContribution, tfbind8Contribution } from './envs.js';
import { mlpContribution } from './estimators.js';
import { exactEvaluatorSubscriber } from './evaluation.js';
import { dbContribution, subtbContribution } from './balance-objectives.js';
import { fmContribution, tbContribution } from './objectives.js';
import { rlContribution } from './rl.js';
import { ppoContribution, reinforceContribution } from './baselines.js';

/** Everything bundled with gflownet-ts: environments, objectives, estimators and subscribers. */
export const builtinPlugin = definePlugin({
  name: 'builtin',
  envs: [hypergridContribution, tfbind8Contribution, qm9strContribution, bitseqContribution, dagContribution],
  classicEnvs: [cartpoleContribution],
  objectives: [tbContribution, dbContribution, subtbContribution, fmContribution, rlContribution, ppoContribution, reinforceContribution],
  estimators: [mlpContribution],
  // order matters: the log is opened before anything is published on it (the evaluation at
  // iteration 0 is published while the run starts); an iteration's evaluation comes before the
  // checkpoint and the progress line of that iteration
  subscribers: [jsonlSubscriber, exactEvaluatorSubscriber, checkpointSubscriber, progressSubscriber],
});
