import 'reflect-metadata';
import { Command } from 'commander';
import { PluginRegistry } from '../core/plugin.js';
import { builtinPlugin } from '../plugins/builtin/index.js';
import { listCommand } from './list.js';
import { trainCommand } from './train.js';

const program = new Command();
program.name('gfn').description('gflownet-ts: train and compare GFlowNets and RL baselines').showHelpAfterError();

const collect = (value: string, previous: string[]): string[] => [...previous, value];

program
  .command('train')
  .description('train from a JSON config')
  .argument('<config>', 'path to a config file (e.g. configs/default.json)')
  .option('-s, --set <key=value>', 'override a config field (repeatable), e.g. --set env.height=16', collect, [])
  .action(async (config: string, opts: { set: string[] }) => trainCommand(config, opts.set));

program
  .command('list')
  .description('list registered environments, objectives and estimators with their options')
  .action(() => {
    process.stdout.write(listCommand(new PluginRegistry([builtinPlugin])));
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`gfn: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
