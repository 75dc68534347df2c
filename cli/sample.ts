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
  /** A conditional run's condition, `beta=4` (components joined by commas). */
  condition?: string;
}

/** Samples drawn per chunk: bounds memory for large `-n`. */
const CHUNK = 10_000;

/**
 * One line per sample: `{"state":[…],"logReward":x}` (jsonl) or `s0,…,s{d-1},logReward` (csv); a
 * multi-objective environment's samples add each objective's log R_i, as
 * `"logObjectives":{"<name>":…}` (jsonl) or one column per objective after `logReward` (csv,
 * {@link csvHeader}).
 */
export function formatSamples(s: TerminalSamples, format: 'jsonl' | 'csv'): string {
  const n = s.logRewards.length;
  const names = s.objectiveNames ?? [];
  const k = names.length;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const state = Array.from(s.states.subarray(i * s.stateDim, (i + 1) * s.stateDim));
    const objectives = Array.from(s.logObjectives?.subarray(i * k, i * k + k) ?? []);
    if (format === 'csv') lines.push([...state, s.logRewards[i], ...objectives].join(','));
    else if (k === 0) lines.push(JSON.stringify({ state, logReward: s.logRewards[i] }));
    else lines.push(JSON.stringify({ state, logReward: s.logRewards[i], logObjectives: Object.fromEntries(names.map((name, j) => [name, objectives[j]])) }));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The csv header: `s0,…,s{d-1},logReward`, then `logObjective.<name>` per objective of a multi-objective environment. */
export function csvHeader(s: TerminalSamples): string {
  const columns = [...Array.from({ length: s.stateDim }, (_, k) => `s${k}`), 'logReward', ...(s.objectiveNames ?? []).map((name) => `logObjective.${name}`)];
  return `${columns.join(',')}\n`;
}

/** `gfn sample --checkpoint runs/<name> -n 10000 --out samples.jsonl [--format csv]`. */
export async function sampleCommand(opts: SampleCommandOptions): Promise<void> {
  const n = Number(opts.n);
  if (!Number.isInteger(n) || n < 1) throw new Error(`sample: -n must be a positive integer, got '${opts.n}'`);
  if (opts.format !== 'jsonl' && opts.format !== 'csv') throw new Error(`sample: --format must be jsonl or csv, got '${opts.format}'`);
  const format = opts.format;
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new Error(`sample: --seed must be a non-negative integer, got '${opts.seed}'`);
  const condition = opts.condition === undefined ? undefined : parseCondition(opts.condition);
  const sampler = await loadSampler(opts.checkpoint, seed === undefined ? {} : { seed });
  const out = createWriteStream(opts.out);
  try {
    for (let done = 0; done < n; done += CHUNK) {
      const samples = sampler.sample(Math.min(CHUNK, n - done), condition ? { condition } : {});
      if (format === 'csv' && done === 0) out.write(csvHeader(samples));
      if (!out.write(formatSamples(samples, format))) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'finish');
    sampler.dispose();
  }
  const at = opts.condition === undefined ? '' : ` at ${opts.condition}`;
  process.stderr.write(`[gfn] ${n} samples of '${sampler.config.name}' (${sampler.config.env.name})${at} written to ${opts.out}\n`);
}

/** `beta=4` (or `a=1,b=2`, `binding=0.5,ngram:GC=0.5`) as `{ beta: 4 }`; each value a finite number. */
export function parseCondition(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    // a component's name may hold a colon: the objective `ngram:GC` of multi-objective TFbind8
    const match = /^\s*([A-Za-z][\w:]*)\s*=\s*(\S+)\s*$/.exec(part);
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(value)) throw new Error(`sample: --condition must be name=number pairs joined by commas (e.g. beta=4), got '${text}'`);
    out[match[1]!] = value;
  }
  return out;
}
