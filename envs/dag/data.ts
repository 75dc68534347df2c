import { type FileAccess, utf8 } from '../../core/base/file-access.js';
import { Rng } from '../../core/base/rng.js';

/** Observations of d variables: `nSamples x d`, row-major. */
export interface DagData {
  data: Float64Array;
  nSamples: number;
  d: number;
  /** Column names, when the source had a header. */
  names?: string[];
}

/** Options of {@link syntheticDagData}. */
export interface SyntheticDagOptions {
  /** Number of variables (nodes). */
  d: number;
  /** Seed of everything random: the graph, its weights and the samples. */
  seed: number;
  /** Number of ancestral samples (default 100). */
  samples?: number;
  /** Standard deviation of each node's Gaussian noise (default 0.1). */
  noiseStd?: number;
}

/** Synthetic data together with the model that generated it. */
export interface SyntheticDagData extends DagData {
  /** The generating DAG, row-major d x d, adj[i][j] = 1 ⇔ edge i → j. */
  trueAdjacency: Int32Array;
  /** Edge weights, row-major d x d (0 where there is no edge): x_j = Σ_i w[i][j]·x_i + noise. */
  weights: Float64Array;
}

/**
 * Data from a random linear-Gaussian Bayesian network, all from `seed`:
 * 1. an Erdős–Rényi DAG with d edges expected: in a latent order, each of the d(d−1)/2 pairs
 *    (earlier → later) is an edge with probability p = min(1, 2/(d−1)) (lower-triangular
 *    Bernoulli), then the nodes are relabelled by a uniformly random permutation so that the
 *    generating order is not the label order;
 * 2. a weight N(0, 1) per edge, no bias;
 * 3. `samples` ancestral samples x_j = Σ_i w_ij·x_i + noiseStd·ε_j, ε_j ~ N(0, 1).
 * The draws happen in that order (edges, permutation, weights, samples), so a seed fixes everything.
 */
export function syntheticDagData(options: SyntheticDagOptions): SyntheticDagData {
  const { d, seed, samples = 100, noiseStd = 0.1 } = options;
  if (!Number.isInteger(d) || d < 1) throw new Error(`dag data: d must be an integer >= 1, got ${d}`);
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`dag data: samples must be an integer >= 1, got ${samples}`);
  if (!(noiseStd > 0) || !Number.isFinite(noiseStd)) throw new Error(`dag data: noiseStd must be a finite number > 0, got ${noiseStd}`);
  const rng = new Rng(seed);
  const p = d > 1 ? Math.min(1, 2 / (d - 1)) : 0;
  // latent[a·d + b] = 1 ⇔ edge from latent position b to latent position a (b < a)
  const latent = new Uint8Array(d * d);
  for (let a = 1; a < d; a++) for (let b = 0; b < a; b++) latent[a * d + b] = rng.uniform() < p ? 1 : 0;
  const perm = Int32Array.from({ length: d }, (_, k) => k);
  for (let k = d - 1; k > 0; k--) {
    const r = rng.int(k + 1);
    [perm[k], perm[r]] = [perm[r]!, perm[k]!];
  }
  const trueAdjacency = new Int32Array(d * d);
  for (let a = 1; a < d; a++) for (let b = 0; b < a; b++) if (latent[a * d + b]) trueAdjacency[perm[b]! * d + perm[a]!] = 1;
  const weights = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) if (trueAdjacency[k]) weights[k] = rng.normal();
  const data = new Float64Array(samples * d);
  for (let s = 0; s < samples; s++) {
    const row = s * d;
    // latent position order is a topological order of the relabelled graph
    for (let a = 0; a < d; a++) {
      const j = perm[a]!;
      let x = noiseStd * rng.normal();
      for (let b = 0; b < a; b++) {
        const i = perm[b]!;
        if (trueAdjacency[i * d + j]) x += weights[i * d + j]! * data[row + i]!;
      }
      data[row + j] = x;
    }
  }
  return { data, nSamples: samples, d, trueAdjacency, weights };
}

/** A decimal number as written in a CSV cell (no hex, no `Infinity`, no empty cell). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Reads a CSV file of observations through `files` (see {@link parseCsv}). */
export function loadCsv(path: string, files: FileAccess): DagData {
  let text: string;
  try {
    text = utf8(files.readBytes(path));
  } catch (err) {
    throw new Error(`dag data: cannot read CSV file ${path} (${(err as Error).message})`);
  }
  return parseCsv(text, path);
}

/**
 * Parses comma-separated observations: one column per variable, one row per sample. The first
 * line is a header when none of its cells is a number (names may be quoted); blank lines are
 * skipped. Every data row must have as many cells as the first line, and every cell must be a
 * finite decimal number; an error names the source, the 1-based line and column and the cell.
 */
export function parseCsv(text: string, source = 'CSV input'): DagData {
  const lines = text.split(/\r?\n/);
  const rows: Array<{ line: number; cells: string[] }> = [];
  lines.forEach((raw, k) => {
    if (raw.trim() !== '') rows.push({ line: k + 1, cells: raw.split(',').map((c) => c.trim()) });
  });
  if (rows.length === 0) throw new Error(`${source}: no data (the file is empty)`);
  const first = rows[0]!;
  const d = first.cells.length;
  const isHeader = first.cells.every((c) => !NUMBER.test(c));
  const names = isHeader ? first.cells.map((c) => c.replace(/^"(.*)"$/, '$1')) : undefined;
  const body = isHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw new Error(`${source}: the header on line ${first.line} is followed by no data rows`);
  const data = new Float64Array(body.length * d);
  body.forEach(({ line, cells }, r) => {
    if (cells.length !== d) {
      throw new Error(`${source}: line ${line} has ${cells.length} cells, expected ${d} (as on line ${first.line}); every row needs one value per variable`);
    }
    cells.forEach((cell, c) => {
      const value = Number(cell);
      // a huge exponent parses to ±Infinity, which the score cannot use either
      if (!NUMBER.test(cell) || !Number.isFinite(value)) {
        const shown = cell === '' ? 'an empty cell' : `'${cell}'`;
        throw new Error(`${source}: line ${line}, column ${c + 1}${names ? ` (${names[c]})` : ''}: ${shown} is not a finite number`);
      }
      data[r * d + c] = value;
    });
  });
  return { data, nSamples: body.length, d, ...(names ? { names } : {}) };
}
