/**
 * What sampled evaluation costs a run (a benchmark script, not a test): each setting of
 * `bench/speed/evaluation-cost-settings.ts` (HyperGrid ndim 10 and 12, sEH strings) trained with
 * sampled evaluation at the default settings every 100 iterations (`--every auto`: on the default
 * schedule, `evaluation.every: "auto"`) and before the first update, and without evaluation, each
 * run in its own process; on and off alternate, and with `--before DIR` (a checkout of an older
 * commit with its node_modules) so do the two versions, so that a shared machine's load falls on
 * all of them alike. Printed per setting and version (medians over the repetitions): wall and CPU
 * ms of the runs, the evaluations' wall ms, the evaluation's share of the run's wall time (its own
 * timing) and of its CPU time ((on − off) / on; and the evaluations' own CPU time in the run's
 * process over the run's, steadier on a loaded machine), the opening evaluation's ms (what it
 * delays the first training iteration by), peak RSS on and off, and the load average.
 *
 *   npm run bench:evaluation
 *   npm run bench:evaluation -- --only hypergrid-10d --repeats 3 --before scratch/before
 *   npm run bench:evaluation -- --only hypergrid-12d --evaluation '{"samples":256}'
 *   npm run bench:evaluation -- --every auto --iterations 1000
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { EVALUATION_COST_SETTINGS } from './speed/evaluation-cost-settings.js';

const opts = new Command()
  .option('--only <ids>', `comma-separated settings (${Object.keys(EVALUATION_COST_SETTINGS).join(', ')})`)
  .option('--repeats <n>', 'runs of each (setting, version, on/off)', '2')
  .option('--iterations <n>', 'training iterations (default: per setting)')
  .option('--evaluation <json>', 'evaluation fields besides the defaults, e.g. \'{"samples":256}\'')
  .option('--every <k|auto>', 'evaluation.every of the runs with evaluation on (default: 100, as before "auto" existed)')
  .option('--before <dir>', 'also measure the checkout in <dir> (its own node_modules), alternating with this one')
  .parse()
  .opts<{ only?: string; repeats: string; iterations?: string; evaluation?: string; every?: string; before?: string }>();
// --every joins the evaluation fields the runner sets over its every-100 default
const every = opts.every === undefined ? undefined : opts.every === 'auto' ? 'auto' : Number(opts.every);
if (every !== undefined && every !== 'auto' && !(Number.isInteger(every) && every >= 0))
  throw new Error(`--every ${opts.every}: must be an integer ≥ 0 or "auto"`);
const evaluationFields =
  opts.evaluation || every !== undefined
    ? JSON.stringify({ ...(opts.evaluation ? JSON.parse(opts.evaluation) : {}), ...(every === undefined ? {} : { every }) })
    : undefined;

interface RunFigures {
  wallMs: number;
  cpuMs: number;
  evaluations: number;
  evaluationMs: number;
  /** The evaluations' CPU time in the run's process (absent from runners of older checkouts). */
  evaluationCpuMs?: number;
  openingMs: number;
  firstBatchMs: number;
  peakRssMiB: number;
  load: number;
}

const RUN_FILES = ['bench/speed/evaluation-cost-run.ts', 'bench/speed/evaluation-cost-settings.ts'];
const here = resolve('.');
const versions: [string, string][] = [['this checkout', here]];
if (opts.before) {
  const dir = resolve(opts.before);
  // the older checkout gets this benchmark's runner: it uses only the run API every version has
  for (const f of RUN_FILES) copyFileSync(join(here, f), join(dir, f));
  if (!existsSync(join(dir, 'node_modules'))) throw new Error(`--before ${opts.before}: no node_modules there (link this checkout's)`);
  versions.unshift(['before', dir]);
}

function runOnce(dir: string, id: string, evaluation: 'on' | 'off'): RunFigures {
  const load = loadavg()[0]!;
  const args = ['tsx', '--tsconfig', 'tsconfig.json', RUN_FILES[0]!, id, evaluation, opts.iterations ?? '', ...(evaluationFields ? [evaluationFields] : [])];
  const out = execFileSync('npx', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const figures = JSON.parse(out.trim().split('\n').at(-1)!) as RunFigures;
  figures.load = (load + loadavg()[0]!) / 2;
  process.stderr.write(`${id} ${evaluation} (${dir === here ? 'this checkout' : 'before'}): ${JSON.stringify(figures)}\n`);
  return figures;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ids = opts.only ? opts.only.split(',') : Object.keys(EVALUATION_COST_SETTINGS);
for (const id of ids)
  if (!EVALUATION_COST_SETTINGS[id]) throw new Error(`--only: unknown setting '${id}'; settings: ${Object.keys(EVALUATION_COST_SETTINGS).join(', ')}`);
const results = new Map<string, { on: RunFigures[]; off: RunFigures[] }>();
for (let r = 0; r < Number(opts.repeats); r++)
  for (const id of ids)
    for (const [name, dir] of r % 2 ? [...versions].reverse() : versions)
      for (const evaluation of r % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const key = `${id}\t${name}`;
        if (!results.has(key)) results.set(key, { on: [], off: [] });
        results.get(key)![evaluation].push(runOnce(dir, id, evaluation));
      }

const rows = [...results].map(([key, { on, off }]) => {
  const [id, name] = key.split('\t') as [string, string];
  const m = (xs: RunFigures[], f: (x: RunFigures) => number): number => median(xs.map(f));
  const wallOn = m(on, (x) => x.wallMs);
  const cpuOn = m(on, (x) => x.cpuMs);
  const cpuOff = m(off, (x) => x.cpuMs);
  const evals = m(on, (x) => x.evaluations);
  const evalMs = m(on, (x) => x.evaluationMs);
  const evalCpu = on.every((x) => x.evaluationCpuMs !== undefined) ? `${((100 * m(on, (x) => x.evaluationCpuMs!)) / cpuOn).toFixed(0)} %` : '–';
  const rssOn = m(on, (x) => x.peakRssMiB);
  const rssOff = m(off, (x) => x.peakRssMiB);
  const loads = [...on, ...off].map((x) => x.load);
  return `| ${EVALUATION_COST_SETTINGS[id]!.label} | ${name} | ${on.length} | ${(wallOn / 1000).toFixed(1)} / ${(m(off, (x) => x.wallMs) / 1000).toFixed(1)} | ${(cpuOn / 1000).toFixed(1)} / ${(cpuOff / 1000).toFixed(1)} | ${evals} | ${(evalMs / evals).toFixed(0)} | ${((100 * evalMs) / wallOn).toFixed(0)} % | ${((100 * (cpuOn - cpuOff)) / cpuOn).toFixed(0)} % | ${evalCpu} | ${m(on, (x) => x.openingMs).toFixed(0)} | ${rssOn.toFixed(0)} / ${rssOff.toFixed(0)} (+${(rssOn - rssOff).toFixed(0)}) | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`;
});
process.stdout.write(
  `${[
    '| setting | code | runs | wall s on / off | CPU s on / off | evaluations | ms / evaluation | evaluation share of wall | of CPU (on − off) | of CPU (in the run) | opening evaluation ms | peak RSS MiB on / off | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n')}\n`,
);
