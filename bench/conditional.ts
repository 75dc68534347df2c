/**
 * Conditional TB against unconditional TB on the 2-D HyperGrid (H = 8): iterations to exact TV < 0.1
 * at β = 1 unconditionally, and at every β ∈ {0.5, 1, 2, 4} for one model trained on
 * β ~ log-uniform[0.5, 4] (see conditional-race.ts), per seed.
 *
 *   npx tsx --tsconfig tsconfig.json bench/conditional.ts [--seeds 0,1,2,3,4] [--iterations 4000] [--every 50]
 *     [--hidden 128,128] [--encoding product|concat|film] [--residual-weight inverse-beta|none]
 *     [--engine auto|backend]
 *
 * Prints one line per run and a Markdown table (docs/conditional.md quotes it).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_RACE, race, TV_TARGET } from './conditional-race.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '0,1,2,3,4' },
    iterations: { type: 'string', default: String(DEFAULT_RACE.iterations) },
    every: { type: 'string', default: String(DEFAULT_RACE.every) },
    hidden: { type: 'string', default: DEFAULT_RACE.hidden.join(',') },
    encoding: { type: 'string', default: DEFAULT_RACE.encoding },
    'residual-weight': { type: 'string', default: DEFAULT_RACE.residualWeight },
    engine: { type: 'string', default: DEFAULT_RACE.engine },
  },
});
const settings = {
  ...DEFAULT_RACE,
  iterations: Number(values.iterations),
  every: Number(values.every),
  hidden: values.hidden.split(',').map(Number),
  encoding: values.encoding,
  residualWeight: values['residual-weight'],
  engine: values.engine,
};

/** CPU milliseconds (user + system, evaluations included) per training iteration of a run. */
function perIteration(o: { cpuSeconds: number; iterations: number }): string {
  return ((1000 * o.cpuSeconds) / Math.max(1, o.iterations)).toFixed(1);
}

const rows: string[] = [];
let backend = '';
for (const seed of values.seeds.split(',').map(Number)) {
  const { unconditional: plain, conditional } = await race(seed, settings);
  backend = conditional.backend;
  console.log(
    `seed ${seed} unconditional (β = 1): TV < ${TV_TARGET} at iteration ${plain.reached ?? 'never'} (TV ${plain.tv.toFixed(4)}, ${plain.seconds.toFixed(0)} s, ${perIteration(plain)} ms CPU an iteration)`,
  );
  const perBeta = Object.entries(conditional.perBeta ?? {})
    .map(([k, v]) => `${k.slice(3)}: ${v.toFixed(4)}`)
    .join(', ');
  console.log(
    `seed ${seed} conditional: every TV < ${TV_TARGET} at iteration ${conditional.reached ?? 'never'} (${perBeta}; ${conditional.seconds.toFixed(0)} s, ${perIteration(conditional)} ms CPU an iteration)`,
  );
  const ratio = plain.reached && conditional.reached ? (conditional.reached / plain.reached).toFixed(2) : '—';
  rows.push(`| ${seed} | ${plain.reached ?? 'never'} | ${conditional.reached ?? 'never'} | ${ratio} | ${perBeta} |`);
}
console.log(
  [
    '',
    `backend ${backend}, engine ${settings.engine}, hidden ${settings.hidden.join('x')}, encoding ${settings.encoding}, residualWeight ${settings.residualWeight}`,
    '',
    `| seed | unconditional β = 1: TV < ${TV_TARGET} at | conditional: every TV < ${TV_TARGET} at | ratio | conditional TV per β then |`,
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
