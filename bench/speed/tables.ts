/**
 * The Markdown tables `bench:speed` prints: one per kind of setting, each empty when no setting of
 * its kind ran. Shares are of the instrumented run's wall time, which the phases were measured in.
 */
import type { EnvironmentResult } from './env-run.js';
import type { Result } from './instrument.js';
import { share } from './split.js';

const f1 = (x: number): string => x.toFixed(1);
const f0 = (x: number): string => x.toFixed(0);
const pct = (x: number): string => `${f0(100 * x)}%`;
/** What a cell shows when its figure was not measured. */
const NONE = '–';

/** A Markdown table of `rows` (each one rendered by `row`) under `header`, then a blank line; nothing without rows. */
function table<R>(header: string, rows: readonly R[], row: (r: R) => string): string[] {
  if (rows.length === 0) return [];
  const columns = header.split('|').length - 2;
  return [header, `|${'---|'.repeat(columns)}`, ...rows.map(row), ''];
}

/**
 * Per environment: plain ms/it, the instrumented run's split, the network-only floor beside the
 * network time it bounds, and the evaluation timed after training.
 */
export function environmentTable(results: readonly EnvironmentResult[]): string[] {
  return table(
    '| setting | iterations | ms/it | CPU ms/it | profiled ms/it | profiled CPU ms/it | % env | % network | % loss+optimizer | % sampler | % other | network ms/it | floor ms/it (fwd + fwd/bwd) | floor / it | evaluation ms (CPU ms) |',
    results,
    (r) => {
      const s = r.split;
      const floor = r.floor ? `${f1(r.floor.forwardMs + r.floor.trainingMs)} (${f1(r.floor.forwardMs)} + ${f1(r.floor.trainingMs)})` : NONE;
      const floorShare = r.floor ? pct((r.floor.forwardMs + r.floor.trainingMs) / s.iterationMs) : NONE;
      const evaluation = r.evaluation ? `${r.evaluation.method} ${f0(r.evaluation.wallMs)} (${f0(r.evaluation.cpuMs)})` : NONE;
      return `| ${r.label} | ${r.count} | ${f1(r.wallMs)} | ${f1(r.cpuMs)} | ${f1(r.profiledWallMs)} | ${f1(r.profiledCpuMs)} | ${pct(share(s, 'env'))} | ${pct(share(s, 'network'))} | ${pct(share(s, 'lossOptimizer'))} | ${pct(share(s, 'sampler'))} | ${pct(share(s, 'other'))} | ${f1(s.network)} | ${floor} | ${floorShare} | ${evaluation} |`;
    },
  );
}

/** Per objective: the shares of sampling, loss forward, backward, optimizer, trust-region step and the rest, and the counts. */
export function objectiveTable(results: readonly Result[]): string[] {
  return table(
    '| setting | iterations | ms/it | CPU ms/it | profiled ms/it | % sampling | % loss forward | % backward | % optimizer | % TRPO step | % other | kernels/it | uploads/it | reads/it |',
    results,
    (r) => {
      const m = r.profile.ms;
      const profiledMs = r.profiledWallMs ?? r.wallMs;
      const other = profiledMs - m.sample - m.forward - m.backward - m.optimizer - m.trpo;
      const p = (x: number): string => pct(x / profiledMs);
      return `| ${r.label} | ${r.count} | ${f1(r.wallMs)} | ${f1(r.cpuMs)} | ${f1(profiledMs)} | ${p(m.sample)} | ${p(m.forward)} | ${p(m.backward)} | ${p(m.optimizer)} | ${p(m.trpo)} | ${p(other)} | ${f0(r.profile.kernels)} | ${f0(r.profile.uploads)} | ${f0(r.profile.reads)} |`;
    },
  );
}

/** Per exact evaluation: the network pass's share, the rest, the counts, and the transition table's one-off cost. */
export function exactTable(results: readonly Result[]): string[] {
  return table(
    '| setting | evaluations | ms/evaluation | CPU ms | % network pass | % rest (DP, encoding) | kernels | uploads | reads | transition table (once) ms |',
    results,
    (r) => {
      const m = r.profile.ms;
      const p = (x: number): string => pct(x / r.wallMs);
      return `| ${r.label} | ${r.count} | ${f0(r.wallMs)} | ${f0(r.cpuMs)} | ${p(m.network)} | ${p(r.wallMs - m.network)} | ${f0(r.profile.kernels)} | ${f0(r.profile.uploads)} | ${f0(r.profile.reads)} | ${f0(r.setupMs ?? 0)} |`;
    },
  );
}
