import { warnOnce } from '../base/warn-once.js';

/**
 * The config fields that chose the engines before the `engine` section: `kernels` and
 * `kernelThreads` (training's passes, threads 1 by default) and `evaluation.inference` and
 * `evaluation.inferenceThreads` (exact evaluation's pass, every core by default). Still accepted
 * (saved configs and checkpoints have them), read as the `engine` section with a deprecation
 * warning printed once per process and message.
 */

/** Under the old fields' defaults (1 and 0) the threads were what `engine.threads: "auto"` means now. */
const OLD_THREAD_DEFAULTS = { kernelThreads: 1, inferenceThreads: 0 };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Moves the old engine fields of `config` (a raw config, changed in place) into its `engine`
 * section and warns about them (`warn`). One engine now serves training and exact evaluation:
 * where the two old names differ, `kernels` wins (training's numbers are what a run reproduces);
 * where the two thread counts differ from their old defaults and from each other,
 * `kernelThreads` wins; the warning says so. Returns the problems: the old fields beside an
 * `engine` section, which would leave the choice ambiguous.
 */
export function migrateLegacyEngine(config: Record<string, unknown>, warn: (message: string) => void = warnOnce): string[] {
  const evaluation = isRecord(config.evaluation) ? config.evaluation : {};
  const old = {
    kernels: config.kernels,
    kernelThreads: config.kernelThreads,
    'evaluation.inference': evaluation.inference,
    'evaluation.inferenceThreads': evaluation.inferenceThreads,
  };
  const given = Object.entries(old).filter(([, v]) => v !== undefined);
  if (given.length === 0) return [];
  delete config.kernels;
  delete config.kernelThreads;
  delete evaluation.inference;
  delete evaluation.inferenceThreads;
  if (config.engine !== undefined) {
    return given.map(
      ([field, v]) => `field "${field}" = ${JSON.stringify(v)}: replaced by the "engine" section, which this config also has; give "engine" only`,
    );
  }
  const engine: Record<string, unknown> = {};
  const notes: string[] = [];
  const name = old.kernels ?? old['evaluation.inference'];
  if (name !== undefined) engine.name = name;
  if (old.kernels !== undefined && old['evaluation.inference'] !== undefined && old.kernels !== old['evaluation.inference']) {
    notes.push(`evaluation.inference = ${JSON.stringify(old['evaluation.inference'])} is dropped: one engine runs training and exact evaluation`);
  }
  const training = old.kernelThreads ?? OLD_THREAD_DEFAULTS.kernelThreads;
  const exact = old['evaluation.inferenceThreads'] ?? OLD_THREAD_DEFAULTS.inferenceThreads;
  if (training !== OLD_THREAD_DEFAULTS.kernelThreads || exact !== OLD_THREAD_DEFAULTS.inferenceThreads) {
    engine.threads = training;
    if (training !== exact) notes.push(`exact evaluation now uses kernelThreads = ${JSON.stringify(training)} as well (it had ${JSON.stringify(exact)})`);
  }
  config.engine = engine;
  const fields = given.map(([field]) => `"${field}"`).join(', ');
  warn(
    `config field${given.length > 1 ? 's' : ''} ${fields} ${given.length > 1 ? 'are' : 'is'} deprecated; read as "engine": ${JSON.stringify(engine)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''} — see docs/config.md`,
  );
  return [];
}
