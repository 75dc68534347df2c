import { join } from 'node:path';
import type { ResolvedConfig } from '../core/config/schema.js';
import { CHECKPOINT_FILE, CONFIG_FILE, METRICS_FILE, VIEWS_DIR } from './layout.js';

/** Folder of the run a config describes. */
export function runDirectory(config: ResolvedConfig): string {
  return join(config.logging.dir, config.name);
}

/** Path of the resolved config of the run in `runDir`. */
export function configPath(runDir: string): string {
  return join(runDir, CONFIG_FILE);
}

/** Path of the metrics log of the run in `runDir`. */
export function metricsPath(runDir: string): string {
  return join(runDir, METRICS_FILE);
}

/** Path of the checkpoint of the run in `runDir`. */
export function checkpointPath(runDir: string): string {
  return join(runDir, CHECKPOINT_FILE);
}

/** Path of the folder of evaluation views of the run in `runDir`. */
export function viewsPath(runDir: string): string {
  return join(runDir, VIEWS_DIR);
}
