#!/usr/bin/env node
// Start-up time of the compiled `gfn` (dist/cli/gfn.js, what `npm install gflownet-ts` gives):
// `gfn --help` and `gfn list`, each run several times in a fresh process; prints the median wall
// wall time, the median CPU time of the process (about the wall time on an idle machine: start-up
// is single-threaded) and the load average (wall times on a busy machine are longer). Build
// first: `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const gfn = fileURLToPath(new URL('../dist/cli/gfn.js', import.meta.url));
const runs = Number(process.argv[2] ?? 7);
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

console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const args of [['--help'], ['list']]) {
  const { walls, cpus } = time(args);
  const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
  console.log(
    `gfn ${args.join(' ').padEnd(7)} wall median ${s(median(walls))} (min ${s(Math.min(...walls))}), CPU median ${s(median(cpus))} over ${runs} runs`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
