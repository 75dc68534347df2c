/**
 * The sparse-reward exploration table from a finished `gfn bench` output folder (results.csv):
 * per environment and method, over the seeds, the final TV and |log Ẑ − log Z|, the corner
 * regions P_T covered at the end ("kept") and at any evaluation ("found"), and the iteration
 * at which all regions were first covered.
 *
 *   npx tsx --tsconfig tsconfig.json bench/sparse-hypergrid.ts <bench output folder>
 *
 * A region counts as covered when P_T gives it at least 10 % of its target mass (see
 * envs/hypergrid-regions.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Point {
  env: string;
  objective: string;
  seed: string;
  iterations: number;
  trajectories: number;
  tv: number;
  logZError: number;
  regionsCovered: number;
  regionsTotal: number;
}

/** Splits one CSV line (the harness quotes only cells with commas, quotes or newlines). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k]!;
    if (quoted && c === '"' && line[k + 1] === '"') (cur += '"'), k++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}

function readPoints(folder: string): Point[] {
  const [header, ...rows] = readFileSync(join(folder, 'results.csv'), 'utf8').trim().split('\n');
  const names = cells(header!);
  const col = (name: string): number => {
    const k = names.indexOf(name);
    if (k < 0) throw new Error(`results.csv has no column '${name}'`);
    return k;
  };
  const num = (r: string[], name: string): number => (r[col(name)] === '' ? Number.NaN : Number(r[col(name)]));
  return rows.map(cells).map((r) => ({
    env: r[col('env')]!,
    objective: r[col('objective')]!,
    seed: r[col('seed')]!,
    iterations: num(r, 'iterations'),
    trajectories: num(r, 'trajectories'),
    tv: num(r, 'tv'),
    logZError: num(r, 'logZError'),
    regionsCovered: num(r, 'regionsCovered'),
    regionsTotal: num(r, 'regionsTotal'),
  }));
}

const fmt = (xs: number[], digits: number): string => {
  const ok = xs.filter(Number.isFinite);
  if (ok.length === 0) return '—';
  const m = ok.reduce((a, b) => a + b, 0) / ok.length;
  const sd = ok.length > 1 ? Math.sqrt(ok.reduce((a, b) => a + (b - m) ** 2, 0) / (ok.length - 1)) : 0;
  return ok.length > 1 ? `${m.toFixed(digits)} ± ${sd.toFixed(digits)}` : m.toFixed(digits);
};

function table(points: Point[]): string {
  const out: string[] = [];
  const envs = [...new Set(points.map((p) => p.env))];
  for (const env of envs) {
    const here = points.filter((p) => p.env === env);
    const total = here.find((p) => Number.isFinite(p.regionsTotal))?.regionsTotal ?? Number.NaN;
    out.push(
      `### ${env}`,
      '',
      `| method | TV (final) | \\|log Ẑ − log Z\\| (final) | regions kept (final, per seed) | regions found (any evaluation, per seed) | all ${total} first covered (iteration, per seed) | iterations |`,
    );
    out.push('|---|---|---|---|---|---|---|');
    for (const objective of [...new Set(here.map((p) => p.objective))]) {
      const runs = [...new Set(here.filter((p) => p.objective === objective).map((p) => p.seed))].map((seed) =>
        here.filter((p) => p.objective === objective && p.seed === seed).sort((a, b) => a.iterations - b.iterations),
      );
      const last = runs.map((r) => r.at(-1)!);
      const kept = last.map((p) => p.regionsCovered);
      const found = runs.map((r) => Math.max(...r.map((p) => p.regionsCovered)));
      const all = runs.map((r) => r.find((p) => p.regionsCovered === total)?.iterations);
      out.push(
        `| ${objective} | ${fmt(
          last.map((p) => p.tv),
          3,
        )} | ${fmt(
          last.map((p) => p.logZError),
          2,
        )} | ${kept.join(', ')} | ${found.join(', ')} | ${all.map((a) => a ?? '—').join(', ')} | ${last.map((p) => p.iterations).join(', ')} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

const folder = process.argv[2];
if (!folder) throw new Error('usage: bench/sparse-hypergrid.ts <bench output folder>');
console.log(table(readPoints(folder)));
