#!/usr/bin/env node
import { Command } from 'commander';
import { reportError } from './report-error.js';
import { CHECKPOINT_FILE } from '../run-folder/layout.js';

// Each command's modules are imported when the command runs: `gfn --help` loads nothing else, and
// `gfn list` no tensor backend (start-up time: `npm run bench:startup`).

const program = new Command();
program
  .name('gfn')
  .description('gflownet-ts: train and compare GFlowNets and RL baselines')
  .option('--verbose', 'on an error, print its stack after the one-line message')
  .showHelpAfterError();
const verbose = (): boolean => program.opts<{ verbose?: boolean }>().verbose === true;

/** Options of the `gfn train` command line. */
interface TrainCommandLine {
  set: string[];
  resume?: string;
  dashboard?: boolean;
  dashboardPort: string;
  dashboardHost: string;
  queue?: string;
  run?: string;
  redisWaitSeconds?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

program
  .command('train')
  .description('train from a JSON config, or continue a checkpointed run (--resume runs/<name>)')
  .argument('[config]', 'path to a config file (e.g. configs/default.json)')
  .option('-s, --set <key=value>', 'override a config field (repeatable), e.g. --set env.height=16', collect, [])
  .option('-r, --resume <run-dir>', `continue the run in this folder from its ${CHECKPOINT_FILE} (same metrics as an uninterrupted run)`)
  .option('--dashboard', 'serve the dashboard for the runs folder beside the run and print its address (it keeps serving after the run, until Ctrl-C)')
  .option('--dashboard-port <port>', 'port of --dashboard (0 = any free port)', '8080')
  .option('--dashboard-host <host>', 'interface of --dashboard', '127.0.0.1')
  .option('-q, --queue <url>', 'the actors (config field "actors") are `gfn actor` processes meeting the learner at redis://[user:password@]host:port[/db]')
  .option('--run <id>', 'with --queue: the run id the actors give with --run (default "default")')
  .option('--redis-wait-seconds <s>', 'with --queue: how long a Redis server that is down is waited for, at start and after each loss (default 60)')
  .action(async (config: string | undefined, opts: TrainCommandLine) => {
    const { trainCommand } = await import('./train.js');
    await trainCommand(config, opts.set, {
      verbose: verbose(),
      ...(opts.resume ? { resume: opts.resume } : {}),
      ...(opts.queue ? { queue: { url: opts.queue, run: opts.run, redisWaitSeconds: opts.redisWaitSeconds } } : {}),
      ...(opts.dashboard ? { dashboard: { port: opts.dashboardPort, host: opts.dashboardHost } } : {}),
    });
  });

program
  .command('actor')
  .description('sample for the learner of `gfn train … --queue` in this process, until its run ends')
  .requiredOption('-q, --queue <url>', "the learner's Redis server: redis://[user:password@]host:port[/db] or rediss://…")
  .option('--run <id>', 'the run id the learner was given with --run (default "default")')
  .option('--redis-wait-seconds <s>', 'how long a Redis server that is down is waited for, at start and after each loss (default 60)')
  .option('--lease-seconds <s>', 'the slot of an actor that stops renewing its claim this long is free for another process (default 5)')
  .action(async (opts: import('./actor.js').ActorCommandLine) => {
    const { actorCommand } = await import('./actor.js');
    await actorCommand(opts);
  });

program
  .command('sample')
  .description("draw terminal objects and their log-rewards from a checkpointed run's forward policy")
  .requiredOption('-c, --checkpoint <run-dir>', `folder of the run (runs/<name>) or its ${CHECKPOINT_FILE}`)
  .option('-n, --n <count>', 'number of samples', '10000')
  .requiredOption('-o, --out <file>', 'output file')
  .option(
    '-f, --format <format>',
    'jsonl (one {"state": [...], "logReward": x} per line, with "logObjectives": {name: log R_i} for a multi-objective environment) or csv (header, then one row per sample)',
    'jsonl',
  )
  .option('--seed <seed>', "seed of the sampling stream (default: the run's seed)")
  .option('--condition <name=value>', 'a conditional run: sample at this condition, e.g. beta=4 (default: its condition.reference)')
  .action(async (opts: { checkpoint: string; n: string; out: string; format: string; seed?: string; condition?: string }) => {
    const { sampleCommand } = await import('./sample.js');
    await sampleCommand(opts);
  });

program
  .command('list')
  .description(
    "list the built-in environments, objectives and estimators with their options; or a plugin's (--plugin <path>), or those of the plugins a config lists",
  )
  .argument('[config]', 'a config file: list the contributions of the plugins in its "plugins"')
  .option('-p, --plugin <path>', 'a plugin module (path or package name) whose contributions to list (repeatable)', collect, [])
  .action(async (config: string | undefined, opts: { plugin: string[] }) => {
    const { listCommand } = await import('./list.js');
    process.stdout.write(await listCommand({ plugins: opts.plugin, ...(config ? { config } : {}) }));
  });

program
  .command('doctor')
  .description('say which tensor backend and which engine a run would use here and why, with the fix for each missing piece')
  .argument('[config]', 'a config file: what a run of it would get (default: the defaults)')
  .action(async (config: string | undefined) => {
    const { doctorCommand } = await import('./doctor.js');
    const { text, ok } = await doctorCommand(config);
    process.stdout.write(text);
    if (!ok) process.exitCode = 1;
  });

program
  .command('new-plugin')
  .description('write a ready plugin project (environment, objective, config, conformance test) into a new folder')
  .argument('<dir>', 'folder to create')
  .option('--name <name>', 'npm name of the plugin (default: the folder name)')
  .option(
    '--library <spec>',
    'dependency spec of gflownet-ts, e.g. ^0.1.0 (the npm registry), a git URL or file:../gflownet-ts-0.1.0.tgz (default: this gflownet-ts, packed into the new folder)',
  )
  .action(async (dir: string, opts: { name?: string; library?: string }) => {
    const { newPluginCommand } = await import('./new-plugin.js');
    process.stdout.write(newPluginCommand(dir, opts));
  });

program
  .command('bench')
  .description('run a benchmark grid (environments x objectives x seeds) in parallel; writes results.csv, summary.md and plots')
  .argument('<bench-config>', 'path to a bench config (e.g. bench/paper-hypergrid-small.json)')
  .option('-w, --workers <n>', "parallel runs (default: the config's workers, else the number of cores)")
  .option('-o, --out <dir>', 'output folder (default: bench/<name>)')
  .option('--retry-failed', 're-run runs recorded as failed')
  .option('-q, --queue <url>', 'run the grid through the job queue at redis://[user:password@]host:port[/db] (or rediss://) on `gfn worker`s')
  .option('--retries <n>', 'with --queue: times a run that crashes is retried before it is recorded as failed (default 2)')
  .option('--redis-wait-seconds <s>', 'with --queue: how long a Redis server that is down is waited for, at start and after each loss (default 60)')
  .action(async (config: string, opts: import('./bench.js').BenchCommandLine) => {
    const { benchCommand } = await import('./bench.js');
    await benchCommand(config, opts);
  });

program
  .command('worker')
  .description('train runs of `gfn bench --queue` sweeps taken from the job queue, until stopped')
  .requiredOption('-q, --queue <url>', 'the job queue: redis://[user:password@]host:port[/db] or rediss://…')
  .option('-c, --concurrency <n>', 'runs trained at once', '1')
  .option('--results <dir>', 'a folder every machine mounts at the same path: run files go there instead of through Redis')
  .option('--lock-seconds <s>', 'a run whose worker stops renewing its lock this long is taken over by another worker', '30')
  .option('--redis-wait-seconds <s>', 'how long a Redis server that is down is waited for, at start and after each loss, before the worker fails (default 60)')
  .action(async (opts: import('./worker.js').WorkerCommandLine) => {
    const { workerCommand } = await import('./worker.js');
    await workerCommand(opts);
  });

program
  .command('dashboard')
  .description('serve a web page that lists the runs and benchmarks under a folder and plots their curves live')
  .argument('[runs-dir]', 'folder of runs (and/or gfn bench outputs)', 'runs')
  .option('-p, --port <port>', 'port (0 = any free port)', '8080')
  .option('--host <host>', 'interface to listen on; the default serves this machine only', '127.0.0.1')
  .action(async (runsDir: string, opts: { port: string; host: string }) => {
    const { dashboardCommand } = await import('./dashboard.js');
    await dashboardCommand(runsDir, opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportError(err, verbose());
  process.exitCode = 1;
}
