/**
 * The table of a sum of piecewise-constant functions over all strings of `positions` blocks: each
 * function (a regression tree) is constant on regions that are products of per-position block sets
 * (its leaves), and its regions partition the strings. Entry i (base-`blocks` digits, position 0
 * most significant) is `baseline + v_1 + v_2 + …` added in function order, in float64 — exactly
 * what walking each tree in turn gives for that string.
 *
 * Why in chunks: adding tree after tree over a 272 MB table sweeps main memory a hundred times. The
 * table is instead filled one chunk at a time (the strings sharing their first positions: 18^3 of
 * them, 46 KB, for sEH), all functions in order on that chunk while it sits in cache; each entry
 * still receives the same additions in the same order, so the values are unchanged.
 */

/** The strings reaching one leaf: at position p, the blocks whose bit is set in `masks[p]`. */
export interface LeafRegion {
  masks: readonly number[];
  value: number;
}

/** What {@link regionSumTable} adds up. */
export interface RegionSum {
  baseline: number;
  positions: number;
  blocks: number;
  /** Per function, in the order they are added: regions that partition the strings. */
  functions: ReadonlyArray<readonly LeafRegion[]>;
}

/** Positions enumerated inside a chunk (the last ones); the first positions pick the chunk. */
const CHUNK_POSITIONS = 3;
/** Chunks between two progress reports. */
const REPORT_EVERY = 64;

/** A region as the chunk loop uses it: a test on the chunk's first positions, runs of entries inside the chunk. */
interface ChunkRegion {
  value: number;
  /** Block masks of the positions that pick the chunk. */
  head: Int32Array;
  /**
   * The entries of a chunk the region covers as (offset, length) pairs of contiguous runs: a
   * region free at the last positions covers long runs, and one tight loop per run is cheaper
   * than visiting the entries one by one through an index list.
   */
  runs: Int32Array;
}

/**
 * The runs of `region` inside a chunk, built from the last position outwards: runs over positions
 * p.. are those over p+1.. repeated for each block allowed at p, merged where they touch (a free
 * tail merges into one run per stretch of consecutive blocks).
 */
function chunkRegion(region: LeafRegion, head: number, blocks: number, positions: number): ChunkRegion {
  let runs: number[] = [0, 1];
  let size = 1;
  for (let p = positions - 1; p >= head; p--) {
    const next: number[] = [];
    for (let b = 0; b < blocks; b++) {
      if (!(region.masks[p]! & (1 << b))) continue;
      for (let i = 0; i < runs.length; i += 2) {
        const offset = b * size + runs[i]!;
        const n = next.length;
        if (n > 0 && next[n - 2]! + next[n - 1]! === offset) next[n - 1]! += runs[i + 1]!;
        else next.push(offset, runs[i + 1]!);
      }
    }
    runs = next;
    size *= blocks;
  }
  return { value: region.value, head: Int32Array.from(region.masks.slice(0, head)), runs: Int32Array.from(runs) };
}

/** Adds the region's value to its entries in the chunk starting at `start`. */
function addToChunk(r: ChunkRegion, table: Float64Array, start: number): void {
  const { runs, value } = r;
  for (let i = 0; i < runs.length; i += 2) {
    const from = start + runs[i]!;
    const to = from + runs[i + 1]!;
    for (let j = from; j < to; j++) table[j]! += value;
  }
}

/** The full table of `sum` (blocks^positions entries); `onProgress` hears the fraction done now and then. */
export function regionSumTable(sum: RegionSum, onProgress?: (fraction: number) => void): Float64Array {
  const { positions, blocks } = sum;
  const head = Math.max(0, positions - CHUNK_POSITIONS);
  const chunkSize = blocks ** (positions - head);
  const chunks = blocks ** head;
  const table = new Float64Array(chunks * chunkSize).fill(sum.baseline);
  const functions = sum.functions.map((regions) => regions.map((r) => chunkRegion(r, head, blocks, positions)));
  // bit of the chunk's block at each head position (position 0 most significant), advanced like an odometer
  const digits = new Int32Array(head);
  for (let c = 0; c < chunks; c++) {
    const start = c * chunkSize;
    for (const regions of functions)
      for (const r of regions) {
        let inside = true;
        for (let p = 0; p < head && inside; p++) inside = (r.head[p]! & (1 << digits[p]!)) !== 0;
        if (inside) addToChunk(r, table, start);
      }
    for (let p = head - 1; p >= 0 && ++digits[p]! === blocks; p--) digits[p] = 0;
    if (onProgress && ((c + 1) % REPORT_EVERY === 0 || c + 1 === chunks)) onProgress((c + 1) / chunks);
  }
  return table;
}
