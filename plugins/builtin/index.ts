// a program that uses the Node bundle is a Node host: native TensorFlow and the gradients' source
import '../node/tensor-host.js';
import { definePlugin } from '../../core/plugin/plugin.js';
import { checkpointSubscriber } from '../../run-folder/writers/checkpoint.js';
import { evaluationViewsSubscriber } from '../../run-folder/writers/evaluation-views.js';
import { jsonlSubscriber } from '../../run-folder/writers/jsonl.js';
import { progressSubscriber } from '../node/progress.js';
import { nodeFileAccess } from '../node/file-access.js';
import { builtinContributions } from './contributions.js';
import { evaluatorSubscriber } from './evaluation.js';

/** Everything bundled with gflownet-ts under Node: environments, objectives, estimators and subscribers. */
export const builtinPlugin = definePlugin({
  name: 'builtin',
  ...builtinContributions(nodeFileAccess),
  // order matters: the log is opened before anything is published on it (the evaluation at
  // iteration 0 is published while the run starts); a view file is written before its evaluation
  // line (the dashboard reads it when the line appears); an iteration's evaluation comes before the
  // checkpoint and the progress line of that iteration
  subscribers: [evaluationViewsSubscriber, jsonlSubscriber, evaluatorSubscriber, checkpointSubscriber, progressSubscriber],
});
