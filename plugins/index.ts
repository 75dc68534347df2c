/**
 * The public API of gflownet-ts under Node (`import … from 'gflownet-ts'`): the plugin author's kit
 * (`plugin-kit.ts`: contracts, plugin API, DI tokens, building blocks, `train`) and what needs the
 * file system: the bundled plugin with its loggers and checkpoints, config files, trained samplers.
 */
import './node/tensor-host.js';

export * from './plugin-kit.js';
export { readRawConfig } from './node/config-file.js';
export { builtinPlugin } from './builtin/index.js';
export { type CheckpointSampler, loadSampler, type LoadSamplerOptions, type TerminalSamples } from './node/load-sampler.js';
export { openCheckpointedRun, type CheckpointedRun } from './node/resume.js';
export { readCheckpoint } from '../run-folder/checkpoint-file.js';
export { nodeFileAccess } from './node/file-access.js';
// conformance kit, objective part: builds the objective a config names as `gfn train` would
export { checkObjective, type ObjectiveCheckOptions } from './conformance.js';
