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
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (conditions.length === 0) return [];
  const out = [
    'TV per condition (the TV column above is their mean):',
    '',
    `| objective | seeds | ${conditions.map((c) => `TV at ${c}`).join(' | ')} | worst TV |`,
    `|---|---|${conditions.map(() => '---|').join('')}---|`,
  ];
  for (const s of rows) {
    const cells = conditions.map((c) => formatMeanStd(s.final[`${TV_AT}${c}`] ?? []));
    out.push(`| ${s.objective} | ${s.finished}/${seeds} | ${cells.join(' | ')} | ${formatMeanStd(s.final.tvMax ?? [])} |`);
  }
  return out;
}

/** How a per-condition TV is named in an evaluation record. */
const TV_AT = 'tv@';
