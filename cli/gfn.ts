import 'reflect-metadata';
import { Command } from 'commander';
import { PluginRegistry } from '../core/plugin.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { benchCommand } from './bench.js';
import { dashboardCommand } from './dashboard.js';
import { listCommand } from './list.js';
import { sampleCommand } from './sample.js';
import { trainCommand } from './train.js';

const program = new Command();
program.name('gfn').description('gflownet-ts: train and compare GFlowNets and RL baselines').showHelpAfterError();

const collect = (value: string, previous: string[]): string[] => [...previous, value];

program
  .command('train')
  .description('train from a JSON config, or continue a checkpointed run (--resume runs/<name>)')
  .argument('[config]', 'path to a config file (e.g. configs/default.json)')
  .option('-s, --set <key=value>', 'override a config field (repeatable), e.g. --set env.height=16', collect, [])
  .option('-r, --resume <run-dir>', 'continue the run in this folder from its checkpoint.json (same metrics as an uninterrupted run)')
  .option('--dashboard', 'serve the dashboard for the runs folder beside the run and print its address (it keeps serving after the run, until Ctrl-C)')
  .option('--dashboard-port <port>', 'port of --dashboard (0 = any free port)', '8080')
  .option('--dashboard-host <host>', 'interface of --dashboard', '127.0.0.1')
  .action(async (config: string | undefined, opts: { set: string[]; resume?: string; dashboard?: boolean; dashboardPort: string; dashboardHost: string }) =>
    trainCommand(config, opts.set, { ...(opts.resume ? { resume: opts.resume } : {}), ...(opts.dashboard ? { dashboard: { port: opts.dashboardPort, host: opts.dashboardHost } } : {}) }),
  );

program
  .command('sample')
  .description('draw terminal objects and their log-rewards from a checkpointed run\'s forward policy')
  .requiredOption('-c, --checkpoint <run-dir>', 'folder of the run (runs/<name>) or its checkpoint.json')
  .option('-n, --n <count>', 'number of samples', '10000')
  .requiredOption('-o, --out <file>', 'output file')
  .option('-f, --format <format>', 'jsonl (one {"state": [...], "logReward": x} per line) or csv (header, then one row per sample)', 'jsonl')
  .option('--seed <seed>', 'seed of the sampling stream (default: the run\'s seed)')
  .action(async (opts: { checkpoint: string; n: string; out: string; format: string; seed?: string }) => sampleCommand(opts));

program
  .command('list')
  .description('list registered environments, objectives and estimators with their options')
  .action(() => {
    process.stdout.write(listCommand(new PluginRegistry([builtinPlugin])));
  });

program
  .command('bench')
  .description('run a benchmark grid (environments x objectives x seeds) in parallel; writes results.csv, summary.md and plots')
  .argument('<bench-config>', 'path to a bench config (e.g. bench/paper-hypergrid-small.json)')
  .option('-w, --workers <n>', 'parallel runs (default: the config\'s workers, else the number of cores)')
  .option('-o, --out <dir>', 'output folder (default: bench/<name>)')
  .option('--retry-failed', 're-run runs recorded as failed')
  .action(async (config: string, opts: { workers?: string; out?: string; retryFailed?: boolean }) => benchCommand(config, opts));

program
  .command('dashboard')
  .description('serve a web page that lists the runs and benchmarks under a folder and plots their curves live')
  .argument('[runs-dir]', 'folder of runs (and/or gfn bench outputs)', 'runs')
  .option('-p, --port <port>', 'port (0 = any free port)', '8080')
  .option('--host <host>', 'interface to listen on; the default serves this machine only', '127.0.0.1')
  .action(async (runsDir: string, opts: { port: string; host: string }) => dashboardCommand(runsDir, opts));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`gfn: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
