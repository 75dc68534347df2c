/**
 * One run of the evaluation-cost benchmark, in its own process so that its peak RSS is its own:
 * `tsx bench/speed/evaluation-cost-run.ts <setting> on|off [iterations] [evaluation JSON]` trains
 * the setting with sampled evaluation at the default settings every 100 iterations and before the
 * first update (`on`) or with none (`off`) — the evaluation JSON's fields over these, e.g.
 * `{"every":"auto"}` — and prints one JSON line: the run's wall and CPU ms, the evaluations' count,
 * iterations, wall ms and CPU ms, the opening evaluation's ms, the ms from the run's start to its
 * first training iteration, and the process's peak RSS. It uses only what every version of the run
 * API offers, so that the same file measures an older checkout (`bench/evaluation-cost.ts --before DIR`).
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolveConfig } from '../../core/config/validate.js';
import { TOKENS } from '../../core/di/tokens.js';
import { type Plugin, PluginRegistry } from '../../core/plugin/plugin.js';
import { train } from '../../core/run/run.js';
import { builtinPlugin } from '../../plugins/builtin/index.js';
import { EVALUATION_COST_EVERY, EVALUATION_COST_SETTINGS } from './evaluation-cost-settings.js';

const [id, evaluation, iterationsArg, evaluationJson] = process.argv.slice(2);
const setting = id ? EVALUATION_COST_SETTINGS[id] : undefined;
if (!setting || (evaluation !== 'on' && evaluation !== 'off'))
  throw new Error(
    `usage: evaluation-cost-run.ts <${Object.keys(EVALUATION_COST_SETTINGS).join('|')}> on|off [iterations] [evaluation JSON]; got ${process.argv.slice(2).join(' ')}`,
  );
const iterations = iterationsArg ? Number(iterationsArg) : setting.iterations;
// fields of the evaluation section other than the defaults (the sizes), e.g. {"samples":256}
const sizes = evaluationJson ? (JSON.parse(evaluationJson) as Record<string, unknown>) : {};
const base = 'file' in setting.config ? (JSON.parse(readFileSync(setting.config.file as string, 'utf8')) as Record<string, unknown>) : setting.config;
// its own CPU clock, not instrument.ts's cpuMs: this file is copied into older checkouts (--before),
// where instrument.ts and what it imports may not exist
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let evaluationCpuMs = 0;
let cpuMark = NaN;
// registered before the built-in plugin, so that its handlers run before the evaluator's: the CPU
// clock is read just before an evaluation can start (the opening one on runStarted$, the others on
// iteration$) and again when it is published — the evaluations' own CPU time, in this process,
// whatever the other processes on the machine do to the run's total
const clock: Plugin = {
  name: 'evaluation-cost-clock',
  subscribers: [
    {
      name: 'evaluation-cpu',
      description: "the evaluations' CPU time",
      attach: (resolve) => {
        const bus = resolve.get(TOKENS.EventBus);
        const sub = bus.runStarted$.subscribe(() => (cpuMark = cpuMs()));
        sub.add(bus.iteration$.subscribe(() => (cpuMark = cpuMs())));
        sub.add(bus.evaluation$.subscribe(() => (evaluationCpuMs += cpuMs() - cpuMark)));
        return sub;
      },
    },
  ],
};
const registry = new PluginRegistry([clock, builtinPlugin]);
const config = resolveConfig(
  {
    ...base,
    name: `evaluation-cost-${id}`,
    iterations,
    evaluation: evaluation === 'on' ? { every: EVALUATION_COST_EVERY, ...sizes, mode: 'sampled' } : { mode: 'none' },
  },
  registry,
);

let evaluationMs = 0;
let openingMs = 0;
let evaluations = 0;
const evaluatedAt: number[] = [];
let firstIterationAt = NaN;
const t0 = performance.now();
const c0 = cpuMs();
await train(config, registry, {
  subscribers: ['evaluation-cpu', 'evaluator'],
  beforeRun: (_c, bus) => {
    bus.evaluation$.subscribe((e) => {
      evaluations++;
      evaluatedAt.push(e.iteration);
      evaluationMs += e.durationMs ?? 0;
      if (e.iteration === 0) openingMs = e.durationMs ?? 0;
    });
    // the first batch: training has started (the evaluation before the first update is over)
    bus.trajectories$.subscribe(() => {
      if (Number.isNaN(firstIterationAt)) firstIterationAt = performance.now();
    });
  },
});
process.stdout.write(
  `${JSON.stringify({
    id,
    evaluation,
    iterations,
    wallMs: performance.now() - t0,
    cpuMs: cpuMs() - c0,
    evaluations,
    evaluatedAt,
    evaluationMs,
    evaluationCpuMs,
    openingMs,
    firstBatchMs: firstIterationAt - t0,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
