/**
 * The public API of gflownet-ts under Node (`import … from 'gflownet-ts'`): the plugin author's kit
 * (`plugin-kit.ts`: contracts, plugin API, DI tokens, building blocks, `train`) and what needs the
 * file system: the bundled plugin with its loggers and checkpoints, config files, trained samplers.
 */
import { type BackendChoice, type BackendName, selectBackend as selectBackendOn, type TensorHost } from '../core/tensor/backend.js';
import { nodeTensorHost } from './node/tensor-host.js';

export * from './plugin-kit.js';
export { nodeTensorHost } from './node/tensor-host.js';

/** {@link selectBackendOn | selectBackend} on the Node host by default (its gradients' source, native TensorFlow). */
export function selectBackend(choice: BackendChoice, host: TensorHost = nodeTensorHost): Promise<BackendName> {
  return selectBackendOn(choice, host);
}
export { readRawConfig } from './node/config-file.js';
export { builtinPlugin } from './builtin/index.js';
export { type CheckpointSampler, loadSampler, type LoadSamplerOptions, type SampleOptions, type TerminalSamples } from './node/load-sampler.js';
export { openCheckpointedRun, type CheckpointedRun } from './node/resume.js';
export { readCheckpoint } from '../run-folder/checkpoint-file.js';
export { nodeFileAccess } from './node/file-access.js';
// conformance kit, objective part: builds the objective a config names as `gfn train` would
export { checkObjective, type ObjectiveCheckOptions } from './conformance.js';
