import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadSampler, type TerminalSamples } from '../plugins/node/load-sampler.js';

/** Options of `gfn sample`, as given on the command line. */
export interface SampleCommandOptions {
  checkpoint: string;
  n: string;
  out: string;
  format: string;
  seed?: string;
}

/** Samples drawn per chunk: bounds memory for large `-n`. */
const CHUNK = 10_000;

/** One line per sample: `{"state":[…],"logReward":x}` (jsonl) or `s0,…,s{d-1},logReward` (csv). */
export function formatSamples(s: TerminalSamples, format: 'jsonl' | 'csv'): string {
  const n = s.logRewards.length;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const state = Array.from(s.states.subarray(i * s.stateDim, (i + 1) * s.stateDim));
    lines.push(format === 'jsonl' ? JSON.stringify({ state, logReward: s.logRewards[i] }) : `${state.join(',')},${s.logRewards[i]}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `gfn sample --checkpoint runs/<name> -n 10000 --out samples.jsonl [--format csv]`. */
export async function sampleCommand(opts: SampleCommandOptions): Promise<void> {
  const n = Number(opts.n);
  if (!Number.isInteger(n) || n < 1) throw new Error(`sample: -n must be a positive integer, got '${opts.n}'`);
  if (opts.format !== 'jsonl' && opts.format !== 'csv') throw new Error(`sample: --format must be jsonl or csv, got '${opts.format}'`);
  const format = opts.format;
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new Error(`sample: --seed must be a non-negative integer, got '${opts.seed}'`);
  const sampler = await loadSampler(opts.checkpoint, seed === undefined ? {} : { seed });
  const out = createWriteStream(opts.out);
  try {
    if (format === 'csv') out.write(`${Array.from({ length: sampler.env.stateDim }, (_, k) => `s${k}`).join(',')},logReward\n`);
    for (let done = 0; done < n; done += CHUNK) {
      if (!out.write(formatSamples(sampler.sample(Math.min(CHUNK, n - done)), format))) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'finish');
    sampler.dispose();
  }
  process.stderr.write(`[gfn] ${n} samples of '${sampler.config.name}' (${sampler.config.env.name}) written to ${opts.out}\n`);
}
