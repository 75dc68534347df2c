#!/usr/bin/env node
// Start-up time of the compiled `gfn` (dist/cli/gfn.js, what `npm install gflownet-ts` gives):
// `gfn --help` and `gfn list`, each run several times in a fresh process; prints the median wall
// wall time, the median CPU time of the process (about the wall time on an idle machine: start-up
// is single-threaded) and the load average (wall times on a busy machine are longer). Build
// first: `npm run build`. `--json` prints the figures as one JSON object instead (for
// `npm run docs:check`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const gfn = fileURLToPath(new URL('../dist/cli/gfn.js', import.meta.url));
const json = process.argv.includes('--json');
const runs = Number(process.argv.slice(2).find((a) => a !== '--json') ?? 7);
if (!existsSync(gfn)) {
  console.error(`bench:startup: ${gfn} is missing; run \`npm run build\` first`);
  process.exit(1);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// the child reports its own CPU time (user + system) when it exits
const reportCpu = `data:text/javascript,process.on('exit',()=>process.stderr.write('@cpu '+JSON.stringify(process.cpuUsage())+'\\n'))`;

function time(args) {
  const walls = [];
  const cpus = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', reportCpu, gfn, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    walls.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`gfn ${args.join(' ')} failed: ${r.stderr}`);
    const cpu = JSON.parse(/@cpu (.*)/.exec(r.stderr)[1]);
    cpus.push((cpu.user + cpu.system) / 1000);
  }
  return { walls, cpus };
}

const loadBefore = loadavg();
const commands = [['--help'], ['list']].map((args) => ({ args, ...time(args) }));
const loadAfter = loadavg();
if (json) {
  const figures = commands.map(({ args, walls, cpus }) => ({
    command: `gfn ${args.join(' ')}`,
    wallMedianS: median(walls) / 1000,
    cpuMedianS: median(cpus) / 1000,
    cpuMinS: Math.min(...cpus) / 1000,
    runs,
  }));
  console.log(JSON.stringify({ cores: availableParallelism(), loadBefore: loadBefore[0], loadAfter: loadAfter[0], figures }));
  process.exit(0);
}
const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
console.log(`load average before: ${load(loadBefore)}`);
for (const { args, walls, cpus } of commands) {
  console.log(
    `gfn ${args.join(' ').padEnd(7)} wall median ${s(median(walls))} (min ${s(Math.min(...walls))}), CPU median ${s(median(cpus))} over ${runs} runs`,
  );
}
console.log(`load average after: ${load(loadAfter)}`);
