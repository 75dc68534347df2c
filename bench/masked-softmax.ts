/**
 * The loss's taken log-probabilities alone: ms per forward + backward pass of `takenLogProbs`
 * (core/policy/categorical.ts) on random logits, under a random mask with a given fraction of
 * allowed actions, through `tf.variableGrads` of a weighted sum, on the wasm backend. Wall and
 * process-CPU ms, the best of `--rounds` rounds. It imports the function
 * through categorical.ts, which every version of the code has, so the same file times an earlier
 * checkout.
 *
 *   npx tsx --tsconfig tsconfig.json bench/masked-softmax.ts                 # bitseq insert's shape
 *   npx tsx --tsconfig tsconfig.json bench/masked-softmax.ts --rows 300 --actions 3 --allowed 1
 */
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { Rng } from '../core/base/rng.js';
import { takenLogProbs } from '../core/policy/categorical.js';

/** Flag, help and default of each option; every one is a number > 0 (whole but for --allowed). */
const OPTIONS = {
  rows: ['rows (transitions)', '240'],
  actions: ['actions per row (bit sequences insert, n = 120, k = 8: 3,841)', '3841'],
  allowed: ['fraction of allowed actions (each row has at least one)', '0.5'],
  calls: ['calls per round', '30'],
  rounds: ['rounds (the best is printed)', '5'],
} as const;
type Name = keyof typeof OPTIONS;
const program = new Command();
for (const [name, [help, fallback]] of Object.entries(OPTIONS)) program.option(`--${name} <n>`, help, fallback);
const given = program.parse().opts<Record<Name, string>>();
const option = (name: Name): number => {
  const n = Number(given[name]);
  if (!(n > 0) || (name !== 'allowed' && !Number.isInteger(n))) {
    throw new Error(`--${name}: expected a ${name !== 'allowed' ? 'whole ' : ''}number > 0, got '${given[name]}'`);
  }
  return n;
};
const [m, a, allowed, calls, rounds] = (['rows', 'actions', 'allowed', 'calls', 'rounds'] as const).map(option) as [number, number, number, number, number];
await tf.setBackend('wasm');

const rng = new Rng(0);
const mask = Uint8Array.from({ length: m * a }, () => (rng.uniform() < allowed ? 1 : 0));
const actions = new Int32Array(m);
for (let r = 0; r < m; r++) {
  actions[r] = rng.int(a);
  mask[r * a + actions[r]!] = 1;
}
const logits = tf.variable(
  tf.tensor2d(
    Float32Array.from({ length: m * a }, () => 4 * rng.uniform() - 2),
    [m, a],
  ),
);
const weights = tf.tensor1d(Float32Array.from({ length: m }, () => rng.uniform()));
const call = (): void => {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(takenLogProbs(logits, mask, actions), weights)) as tf.Scalar, [logits]);
  tf.dispose([value, ...Object.values(grads)]);
};

for (let i = 0; i < 5; i++) call();
let best = { wall: Infinity, cpu: Infinity };
for (let round = 0; round < rounds; round++) {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < calls; i++) call();
  const cpu = process.cpuUsage(cpu0);
  best = { wall: Math.min(best.wall, (performance.now() - wall0) / calls), cpu: Math.min(best.cpu, (cpu.user + cpu.system) / 1000 / calls) };
}
process.stdout.write(
  `takenLogProbs forward + backward, ${m} x ${a}, ${allowed} allowed, ${tf.getBackend()}: ${best.wall.toFixed(2)} ms wall, ${best.cpu.toFixed(2)} ms CPU (best of ${rounds} rounds of ${calls})\n`,
);
