import type { ObjectiveStats } from './statistics.js';
import { formatMeanStd } from './summary-format.js';

/**
 * The per-condition table of a conditional environment (docs/conditional.md): a run evaluated at
 * a grid of conditions reports `tv@<condition>` for each (`tv@beta=0.5`), their mean as `tv` and
 * the worst as `tvMax`. The main table shows the mean; this one each condition's final TV (mean ±
 * std over seeds) and the worst, so that a benchmark shows where along the conditions a method is
 * weak. Empty for an environment without conditions.
 */
export function conditionTable(rows: readonly ObjectiveStats[], seeds: number): string[] {
  const conditions = [...new Set(rows.flatMap((s) => Object.keys(s.final)).filter((k) => k.startsWith(TV_AT)))]
    .map((k) => k.slice(TV_AT.length))
    .sort(byNumbers);
  if (conditions.length === 0) return [];
  // a multi-objective environment's hypervolume against its exact front's, where it has one
  const hypervolume = rows.some((s) => s.final.hypervolumeRatio !== undefined);
  const out = [
    'TV per condition (the TV column above is their mean):',
    '',
    `| objective | seeds | ${conditions.map((c) => `TV at ${c}`).join(' | ')} | worst TV |${hypervolume ? ' hypervolume / exact front |' : ''}`,
    `|---|---|${conditions.map(() => '---|').join('')}---|${hypervolume ? '---|' : ''}`,
  ];
  for (const s of rows) {
    const cells = conditions.map((c) => formatMeanStd(s.final[`${TV_AT}${c}`] ?? []));
    const ratio = hypervolume ? ` ${formatMeanStd(s.final.hypervolumeRatio ?? [])} |` : '';
    out.push(`| ${s.objective} | ${s.finished}/${seeds} | ${cells.join(' | ')} | ${formatMeanStd(s.final.tvMax ?? [])} |${ratio}`);
  }
  return out;
}

/**
 * Orders condition labels by the numbers in them, in turn (`beta=0.5` before `beta=2` before
 * `beta=10`; `branin=0.25,currin=0.75` before `branin=0.5,currin=0.5`), then as text.
 */
function byNumbers(a: string, b: string): number {
  const numbers = (s: string): number[] => (s.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g) ?? []).map(Number);
  const x = numbers(a);
  const y = numbers(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length || a.localeCompare(b);
}

/** How a per-condition TV is named in an evaluation record. */
const TV_AT = 'tv@';
