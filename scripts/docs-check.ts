// `npm run docs:check`: measures the package (`npm pack --dry-run`, which builds dist/ first) and
// the start-up of the built `gfn` (scripts/bench-startup.mjs, median of fresh processes), and
// compares them with the figures the docs state (scripts/doc-figures.ts). Exits 1 when a figure
// drifts by more than 20 % or a statement is not found. Wall times are compared only on a machine
// with a spare core: on a busier one they measure the load, and the CPU times stand for them, each
// the least of the runs (the load lengthens CPU times too: at load 10 on 2 cores the medians
// scattered by a fifth from one measurement to the next, the minima by a twentieth).
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { type Comparison, compareFigures, DRIFT_TOLERANCE, type Figures, type PackSummary, packageFigures, readStatedFigures } from './doc-figures.js';

const root = resolve(import.meta.dirname, '..');
const RUNS = 7;

interface StartupReport {
  cores: number;
  loadBefore: number;
  loadAfter: number;
  figures: Array<{ command: string; wallMedianS: number; cpuMedianS: number; cpuMinS: number }>;
}

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docs:check: \`${command} ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status}`})`);
  return r.stdout;
}

let stated: Figures;
try {
  stated = readStatedFigures(root);
} catch (err) {
  console.error(`docs:check: ${(err as Error).message}`);
  process.exit(1);
}

const packOutput = run('npm', ['pack', '--dry-run', '--json']);
// npm may print the build's output before its JSON report
const [pack] = JSON.parse(packOutput.slice(packOutput.search(/^\[/m))) as PackSummary[];

const startup = JSON.parse(run(process.execPath, ['scripts/bench-startup.mjs', String(RUNS), '--json'])) as StartupReport;
const timing = (command: string) => {
  const figure = startup.figures.find((f) => f.command === command);
  if (!figure) throw new Error(`docs:check: scripts/bench-startup.mjs reported no figures for ${command}`);
  return figure;
};
const load = Math.max(startup.loadBefore, startup.loadAfter);
const spareCore = load < startup.cores;

const cpu = (command: string) => (spareCore ? timing(command).cpuMedianS : timing(command).cpuMinS);
const measured: Partial<Figures> = {
  ...packageFigures(pack!),
  helpCpuS: cpu('gfn --help'),
  listCpuS: cpu('gfn list'),
  ...(spareCore ? { helpWallS: timing('gfn --help').wallMedianS, listWallS: timing('gfn list').wallMedianS } : {}),
};

const comparisons = compareFigures(stated, measured);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
const show = (x: number) => (Number.isInteger(x) ? String(x) : x >= 100 ? x.toFixed(0) : x.toFixed(3));
const line = (c: Comparison) =>
  `${c.name.padEnd(13)} stated ${show(c.stated).padStart(7)}  measured ${show(c.measured).padStart(7)}  ${(c.drift >= 0 ? '+' : '') + (100 * c.drift).toFixed(1)} %${c.withinTolerance ? '' : '  DRIFTED'}`;
console.log(`docs:check at ${commit}: figures of docs/package.md against this checkout (tolerance ${100 * DRIFT_TOLERANCE} %)`);
for (const c of comparisons) console.log(`  ${line(c)}`);
console.log(
  spareCore
    ? `  start-up: median of ${RUNS} runs, load average ${load.toFixed(2)} on ${startup.cores} cores`
    : `  wall times not compared: load average ${load.toFixed(2)} on ${startup.cores} cores leaves no spare core (their medians: ` +
        `gfn --help ${show(timing('gfn --help').wallMedianS)} s, gfn list ${show(timing('gfn list').wallMedianS)} s); the CPU times compared are the least of ${RUNS} runs`,
);
const drifted = comparisons.filter((c) => !c.withinTolerance);
if (drifted.length > 0) {
  console.error(`docs:check: ${drifted.map((c) => c.name).join(', ')} drifted by more than ${100 * DRIFT_TOLERANCE} %; re-measure and update docs/package.md`);
  process.exit(1);
}
