import { dirname } from 'node:path';
import { ConfigError } from '../core/base/errors.js';
import type { ResolvedConfig } from '../core/config/schema.js';
import { checkConfig } from '../core/config/validate.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { type BackendName, probeBackends, selectBackend } from '../core/tensor/backend.js';
import type { Engine, EngineCheck } from '../core/tensor/dense-chain.js';
import { checkEngine, decideEngine, type EngineUse, startKernels } from '../core/tensor/engines.js';
import { loadPlugins } from '../plugins/loader.js';
import { readRawConfig } from '../plugins/node/config-file.js';

/** How to get each tensor backend when its module does not load (under Node). */
const BACKEND_FIXES: Record<BackendName, string> = {
  tensorflow:
    'npm install @tensorflow/tfjs-node, or npm rebuild @tensorflow/tfjs-node where it is installed without its binary (its install script downloads a TensorFlow binary from outside the npm registry; where that cannot be reached, wasm is the fastest backend)',
  wasm: '@tensorflow/tfjs-backend-wasm is a dependency of gflownet-ts: reinstall it (npm install)',
  cpu: '@tensorflow/tfjs-backend-cpu is a dependency of gflownet-ts: reinstall it (npm install)',
};

/** What `gfn doctor` found, and whether a run of the config (or of the defaults) would start. */
export interface DoctorReport {
  text: string;
  ok: boolean;
}

/** An engine's state here: its check, and for one with training kernels that passed it, its self-test. */
interface EngineState {
  engine: Engine;
  check: EngineCheck;
  /** Why its training kernels cannot be used (they failed to start or their self-test), or undefined. */
  selfTest?: string;
}

/** `label` padded, then `text`, then the fix on its own line under it. */
function entry(label: string, text: string, fix?: string): string[] {
  const pad = ' '.repeat(Math.max(14, label.length + 2));
  return [`  ${label.padEnd(pad.length)}${text}`, ...(fix ? [`  ${pad}fix: ${fix}`] : [])];
}

/** The config's settings (its `backend` and `engine`, defaults filled in) and its problems; the defaults without a config. */
async function settings(configPath: string | undefined): Promise<{ config: ResolvedConfig; problems: readonly string[]; registry: PluginRegistry }> {
  const { builtinPlugin } = await import('../plugins/builtin/index.js');
  const raw = configPath ? readRawConfig(configPath) : {};
  const listed = Array.isArray(raw.plugins) ? raw.plugins.map(String) : [];
  const registry = new PluginRegistry([builtinPlugin, ...(configPath ? await loadPlugins(listed, dirname(configPath)) : [])]);
  // the problems of an empty config (no environment, no objective) are not the user's
  const { config, problems } = checkConfig(raw, registry);
  return { config, problems: configPath ? problems : [], registry };
}

/** Each engine's check, and the self-test of the training kernels of those that pass it (on the backend now active). */
function engineStates(engines: readonly Engine[], threads: number): EngineState[] {
  return engines.map((engine) => {
    const check = checkEngine(engine);
    if (check.problem !== undefined || !engine.kernels) return { engine, check };
    const started = startKernels(engine, { threads });
    if ('failure' in started) return { engine, check, selfTest: started.failure };
    started.kernels.dispose();
    return { engine, check };
  });
}

/** What runs the passes of `use` under the config: an engine's name or the backend, or the config error refusing it. */
function decision(config: ResolvedConfig, states: readonly EngineState[], use: EngineUse): { runsOn?: string; refused?: readonly string[] } {
  // an engine whose kernels failed their self-test is treated as a run treats it, for both uses:
  // passed over by auto, refused by name
  const usable = states.map(({ engine, selfTest }) =>
    selfTest === undefined ? engine : { ...engine, check: () => ({ problem: `${engine.name} ${selfTest}` }) },
  );
  try {
    const { engine } = decideEngine(config.engine, usable, use);
    return { runsOn: engine ? engine.name : 'the tensor backend' };
  } catch (error) {
    return { refused: error instanceof ConfigError ? error.problems : [(error as Error).message] };
  }
}

/** The decision lines: where each kind of pass runs, or the refusal (once: both uses are refused alike). */
function decisionLines(training: ReturnType<typeof decision>, evaluation: ReturnType<typeof decision>, problems: readonly string[]): string[] {
  const refused = training.refused ?? evaluation.refused;
  if (refused) {
    // the preflight's problems are listed below; a self-test's failure is found after it
    const untold = refused.filter((p) => !problems.includes(p));
    return untold.length > 0 ? [`→ a run is refused: ${untold.join('; ')}`] : ['→ a run is refused: see the problems below'];
  }
  return training.runsOn === evaluation.runsOn
    ? [`→ network passes (training and exact evaluation): ${training.runsOn}`]
    : [`→ training's network passes: ${training.runsOn}; exact evaluation's: ${evaluation.runsOn}`];
}

/** What a doctor's report is about: a config (its settings, its problems, the registry of its plugins), or the defaults. */
export interface DoctorInput {
  /** The config file, or undefined for the defaults. */
  configPath?: string;
  config: ResolvedConfig;
  problems: readonly string[];
  registry: PluginRegistry;
}

/**
 * `gfn doctor [config]`: which tensor backend and which engine a run would use here and why, with
 * the fix for each missing piece — the backends' modules (native TensorFlow, wasm, cpu), each
 * engine's check (installed, its native library, its version against the tested range, its
 * private binding) and the self-test of its training kernels against the backend. With a config,
 * for that config's `backend` and `engine` (and its other problems, if any); without, for the
 * defaults. `ok` is false when a run would not start.
 */
export async function doctorCommand(configPath?: string): Promise<DoctorReport> {
  return doctorReport({ ...(await settings(configPath)), ...(configPath ? { configPath } : {}) });
}

/** The report of {@link doctorCommand} on `input`. */
export async function doctorReport({ configPath, config, problems, registry }: DoctorInput): Promise<DoctorReport> {
  const lines: string[] = [
    `gfn doctor${configPath ? ` — ${configPath}` : ' — the defaults'}: backend ${JSON.stringify(config.backend)}, engine ${JSON.stringify(config.engine.name)}`,
    '',
    'tensor backends ("auto" takes the first that loads, in this order):',
  ];
  for (const { name, problem } of await probeBackends(registry.tensorHost)) {
    lines.push(...(problem === undefined ? entry(name, 'loads') : entry(name, `does not load: ${problem}`, BACKEND_FIXES[name])));
  }
  let backend: string | undefined;
  try {
    backend = await selectBackend(config.backend, registry.tensorHost);
    lines.push(`→ backend: ${backend}`);
  } catch (error) {
    lines.push(`→ backend: refused — ${(error as Error).message}`);
  }
  lines.push('', 'engines ("auto" takes the first that passes its checks, else the tensor backend):');
  const engines = [...registry.engines.values()];
  // the self-test needs a tensor backend to compare with
  const states: EngineState[] = backend ? engineStates(engines, 1) : engines.map((engine) => ({ engine, check: checkEngine(engine) }));
  for (const { engine, check, selfTest } of states) {
    const found = check.found ? `${check.found}; ` : '';
    if (check.problem !== undefined) lines.push(...entry(engine.name, `cannot run here: ${check.problem}`, check.fix));
    else if (selfTest !== undefined) lines.push(...entry(engine.name, `${engine.name} ${selfTest}`, check.fix));
    else {
      const tested = engine.kernels && backend ? `, self-test against ${backend} passed` : '';
      lines.push(
        ...entry(
          engine.name,
          `runs here (${found}checks passed${tested})${check.warning ? `; warning: ${check.warning}` : ''}`,
          check.warning ? check.fix : undefined,
        ),
      );
    }
  }
  if (engines.length === 0) lines.push('  (no plugin contributes an engine)');
  const training = decision(config, states, 'training');
  const evaluation = decision(config, states, 'evaluation');
  lines.push(...decisionLines(training, evaluation, problems));
  if (problems.length > 0) lines.push('', `the problems of ${configPath} (gfn train refuses it):`, ...problems.map((p) => `  ${p}`));
  const ok = backend !== undefined && !training.refused && !evaluation.refused && problems.length === 0;
  return { text: `${lines.join('\n')}\n`, ok };
}
