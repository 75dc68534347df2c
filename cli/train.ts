import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { readRawConfig } from '../plugins/node/config-file.js';
import type { CheckpointDocument } from '../core/training/run-state.js';
import type { ResolvedConfig } from '../core/config/schema.js';
import { preflight } from '../core/config/preflight.js';
import type { Environment } from '../core/env/environment.js';
import type { GymEnvFactory } from '../core/gym/gym-env.js';
import { PluginRegistry } from '../core/plugin/plugin.js';
import { train } from '../core/run/run.js';
import type { Dashboard } from '../dashboard/server.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { openCheckpointedRun } from '../plugins/node/resume.js';
import { loadPlugins } from '../plugins/loader.js';
import { checkpointPath, runDirectory } from '../run-folder/paths.js';
import { closeOnSignal, type DashboardCliOptions, parsePort } from './dashboard.js';
import { guardRun } from './train-guard.js';
import { type TrainQueueOptions, useRedisActors } from './train-queue.js';

/**
 * `gfn train <config>`: check everything first (`preflight`: every problem of the config in one
 * error, before any tensor work), then train and print the final evaluation.
 * `--queue redis://…`: the config's actors are `gfn actor` processes (docs/actors.md).
 * `gfn train --resume runs/<name>`: continue that run from its checkpoint (with its saved config,
 * `--set` overrides applied, e.g. `iterations=2000` to train longer).
 * SIGINT / SIGTERM stop the run after the current iteration with a checkpoint and a `stopped`
 * record, and the process exits 130 / 143 (see `guardRun`); a failure anywhere in the run ends it
 * with an `error` record and rejects (`gfn` prints one line and exits 1).
 */
export async function trainCommand(
  configPath: string | undefined,
  overrides: readonly string[],
  options: { resume?: string; dashboard?: DashboardCliOptions; verbose?: boolean; queue?: TrainQueueOptions } = {},
): Promise<void> {
  const { config, registry, resume, environment } = options.resume
    ? await fromCheckpoint(options.resume, overrides, configPath)
    : await fromConfig(configPath, overrides);
  if (options.queue) useRedisActors(config, registry, options.queue);
  const dashboard = options.dashboard ? await serveDashboard(config, options.dashboard) : undefined;
  const guard = guardRun(runDirectory(config), options.verbose === true);
  let stopped = false;
  try {
    stopped = await trainAndReport(config, registry, resume, environment, guard.signal);
  } finally {
    guard.dispose();
    // a run stopped by a signal exits with its code, and takes its dashboard with it
    if (stopped) process.exitCode = guard.exitCode() ?? 1;
    if (dashboard && stopped) await dashboard.close();
    else if (dashboard) {
      process.stdout.write(`dashboard still serving at ${dashboard.url} (Ctrl-C to stop)\n`);
      closeOnSignal(dashboard);
    }
  }
}

/** Trains and prints the outcome; true when the run was stopped by a signal. */
async function trainAndReport(
  config: ResolvedConfig,
  registry: PluginRegistry,
  resume: CheckpointDocument | undefined,
  environment: Environment | GymEnvFactory | undefined,
  signal: AbortSignal,
): Promise<boolean> {
  let episodes = '';
  const { finished } = await train(config, registry, {
    signal,
    ...(resume ? { resume } : {}),
    ...(environment ? { environment } : {}),
    // objectives that collect their own experience report episode returns (CartPole has no evaluation)
    beforeRun: (_c, bus) =>
      bus.iteration$.subscribe((e) => {
        const m = e.metrics;
        if (m.episodeReturnMean !== undefined)
          episodes = `episode return ${m.episodeReturnMean.toPrecision(4)} ± ${(m.episodeReturnStd ?? 0).toPrecision(4)} (last ${config.logging.episodeWindow} episodes)`;
      }),
  });
  const dir = runDirectory(config);
  if (finished.stopped !== undefined) {
    // the checkpoint holds the state at the stop (written now, or the one a resumed run started from)
    const next =
      finished.iterations > 0
        ? `checkpoint ${checkpointPath(dir)}; continue it with: gfn train --resume ${dir}`
        : 'it made no update, nothing to resume: train it again';
    process.stderr.write(`[gfn] stopped by ${finished.stopped} at iteration ${finished.iterations} of ${config.iterations}; ${next}\n`);
    return true;
  }
  const ev = finished.lastEvaluation;
  const parts = ev ? Object.entries(ev.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`) : ['no evaluation'];
  if (episodes) parts.push(episodes);
  process.stdout.write(`final (iteration ${finished.iterations}): ${parts.join(', ')}\n`);
  process.stdout.write(`outputs: ${dir}/\n`);
  return false;
}

/** `--dashboard`: the dashboard of the runs folder, opened on this run, before training starts. */
async function serveDashboard(config: ResolvedConfig, options: DashboardCliOptions): Promise<Dashboard> {
  mkdirSync(config.logging.dir, { recursive: true });
  // loaded only when asked for: a plain `gfn train` does not start the web server's modules
  const { startDashboard } = await import('../dashboard/server.js');
  const dashboard = await startDashboard({
    root: config.logging.dir,
    port: parsePort(options.port, '--dashboard-port'),
    ...(options.host ? { host: options.host } : {}),
  });
  process.stdout.write(`dashboard: ${dashboard.url}#/?select=${encodeURIComponent(config.name)}\n`);
  return dashboard;
}

/** What `gfn train` trains: the checked config, its plugins, and the checkpoint or the environment the preflight built. */
interface TrainInputs {
  config: ResolvedConfig;
  registry: PluginRegistry;
  resume?: CheckpointDocument;
  environment?: Environment | GymEnvFactory;
}

async function fromConfig(configPath: string | undefined, overrides: readonly string[]): Promise<TrainInputs> {
  if (!configPath) throw new Error('train: give a config file, or --resume runs/<name>');
  const raw = readRawConfig(configPath, overrides);
  if (Array.isArray(raw.plugins)) {
    // plugin paths relative to the config become absolute: the saved config (and a resume from it) must find them from anywhere
    raw.plugins = raw.plugins.map((p) => (String(p).startsWith('.') && !isAbsolute(String(p)) ? resolvePath(dirname(configPath), String(p)) : p));
  }
  const extra = Array.isArray(raw.plugins) ? await loadPlugins(raw.plugins.map(String), dirname(configPath)) : [];
  const registry = new PluginRegistry([builtinPlugin, ...extra]);
  return { ...preflight(raw, registry), registry };
}

async function fromCheckpoint(runDir: string, overrides: readonly string[], configPath: string | undefined): Promise<TrainInputs> {
  if (configPath) throw new Error('train: --resume continues the run with its saved config; give either a config file or --resume, not both');
  const { config, registry, checkpoint } = await openCheckpointedRun(runDir, overrides);
  if (checkpoint.notResumable) throw new Error(`cannot resume ${runDir}: ${checkpoint.notResumable}`);
  if (checkpoint.iterations >= config.iterations) {
    throw new Error(
      `run ${runDir} already completed ${checkpoint.iterations} of ${config.iterations} iterations; to train longer, add --set iterations=<more>`,
    );
  }
  process.stderr.write(
    `[gfn] resuming '${config.name}' at iteration ${checkpoint.iterations} of ${config.iterations} (checkpoint from backend ${checkpoint.backend})\n`,
  );
  return { config, registry, resume: checkpoint };
}
