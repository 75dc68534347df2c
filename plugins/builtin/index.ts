import { definePlugin } from '../../core/plugin/plugin.js';
import { checkpointSubscriber } from '../../run-folder/writers/checkpoint.js';
import { evaluationViewsSubscriber } from '../../run-folder/writers/evaluation-views.js';
import { jsonlSubscriber } from '../../run-folder/writers/jsonl.js';
import { progressSubscriber } from '../node/progress.js';
import { nodeFileAccess } from '../node/file-access.js';
import { onnxRuntimeEngine } from '../node/onnx/onnx-engine.js';
import { nodeTensorHost } from '../node/tensor-host.js';
import { trajectoryWorkerHost } from '../node/pipeline/worker-actors.js';
import { builtinContributions } from './contributions.js';
import { evaluatorSubscriber } from './evaluation.js';

/**
 * Everything bundled with gflownet-ts under Node: environments, objectives, estimators,
 * subscribers, the ONNX Runtime engine, the Node tensor host (the gradients' source, native
 * TensorFlow) and the sampling threads of the pipelined trainer.
 */
export const builtinPlugin = definePlugin({
  name: 'builtin',
  ...builtinContributions(nodeFileAccess),
  // order matters: the log is opened before anything is published on it (the evaluation at
  // iteration 0 is published while the run starts); a view file is written before its evaluation
  // line (the dashboard reads it when the line appears); an iteration's evaluation comes before the
  // checkpoint and the progress line of that iteration
  subscribers: [evaluationViewsSubscriber, jsonlSubscriber, evaluatorSubscriber, checkpointSubscriber, progressSubscriber],
  engines: [onnxRuntimeEngine],
  tensorHost: nodeTensorHost,
  trajectoryWorker: trajectoryWorkerHost,
});
