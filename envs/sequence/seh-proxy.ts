/**
 * The sEH proxy of the `sehstr` task: a boosted ensemble of regression trees over the one-hot
 * encoding of a string of `positions` blocks out of `blocks` (feature `position·blocks + block`).
 *
 * Prediction rule (the source model's, reproduced bit for bit): start from the baseline, then for
 * each tree *in order* walk from node 0 — left when the feature's value (0 or 1) is ≤ the node's
 * threshold, right otherwise — and add the leaf's value in float64.
 */

import { type LeafRegion, regionSumTable } from './region-table.js';

/** One regression tree as exported: parallel arrays over nodes; a leaf has feature −2. */
export interface RegressionTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** The exported model (`envs/data/sehstr.gbtr.json`). */
export interface TreeEnsembleModel {
  baseline_prediction: number;
  n_positions: number;
  n_blocks: number;
  trees: RegressionTree[];
}

const LEAF = -2;

/** Checks the shape of a parsed model file; throws naming the first problem. */
export function parseTreeEnsemble(raw: unknown, source: string): TreeEnsembleModel {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const m = raw as Partial<TreeEnsembleModel> | null;
  if (!m || typeof m !== 'object') return fail('expected a JSON object');
  if (typeof m.baseline_prediction !== 'number') fail('baseline_prediction must be a number');
  if (!Number.isInteger(m.n_positions) || !Number.isInteger(m.n_blocks)) fail('n_positions and n_blocks must be integers');
  if (!Array.isArray(m.trees) || m.trees.length === 0) fail('trees must be a non-empty array');
  const nFeatures = m.n_positions! * m.n_blocks!;
  m.trees!.forEach((t, i) => {
    const n = t.feature?.length;
    if (!n || [t.threshold, t.left, t.right, t.value].some((a) => !Array.isArray(a) || a.length !== n)) fail(`tree ${i}: node arrays of unequal length`);
    for (let k = 0; k < n!; k++) {
      const f = t.feature[k]!;
      if (f === LEAF) continue;
      if (!(Number.isInteger(f) && f >= 0 && f < nFeatures)) fail(`tree ${i} node ${k}: feature ${f} outside [0, ${nFeatures})`);
      if (!(t.left[k]! > k && t.right[k]! > k && t.left[k]! < n! && t.right[k]! < n!)) fail(`tree ${i} node ${k}: children must follow their parent`);
    }
  });
  return m as TreeEnsembleModel;
}

/** The tree ensemble as a predictor of strings given as block indices. */
export class TreeEnsembleProxy {
  readonly positions: number;
  readonly blocks: number;
  /** Number of strings, blocks^positions. */
  readonly nStrings: number;

  constructor(private readonly model: TreeEnsembleModel) {
    this.positions = model.n_positions;
    this.blocks = model.n_blocks;
    this.nStrings = this.blocks ** this.positions;
  }

  /** Prediction for one string (`positions` block indices, position 0 first). */
  predict(string: ArrayLike<number>, offset = 0): number {
    let raw = this.model.baseline_prediction;
    for (const tree of this.model.trees) {
      let node = 0;
      while (tree.feature[node] !== LEAF) {
        const f = tree.feature[node]!;
        const position = Math.floor(f / this.blocks);
        const x = string[offset + position] === f - position * this.blocks ? 1 : 0;
        node = x <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
      }
      raw += tree.value[node]!;
    }
    return raw;
  }

  /** Prediction for the string with this index (base-`blocks` number, position 0 most significant). */
  predictIndex(index: number): number {
    return this.predict(this.digits(index));
  }

  /** The block indices of the string with this index. */
  digits(index: number): Int32Array {
    const out = new Int32Array(this.positions);
    for (let p = this.positions - 1; p >= 0; p--) {
      out[p] = index % this.blocks;
      index = Math.floor(index / this.blocks);
    }
    return out;
  }

  /**
   * Predictions for every string, indexed like {@link predictIndex}; bit-identical to calling it on
   * each string. Instead of one walk per string and tree, each tree's leaves are visited once: the
   * path to a leaf constrains every position to a set of blocks (equal to b on a right turn at
   * feature (p, b), different from b on a left turn), so a leaf covers a product of per-position
   * sets, and its value is added to exactly the strings of that product ({@link regionSumTable}, which
   * keeps the source's order of additions). `onProgress` hears the fraction done now and then.
   */
  predictAll(onProgress?: (fraction: number) => void): Float64Array {
    const all = (1 << this.blocks) - 1;
    const functions = this.model.trees.map((tree) => {
      const regions: LeafRegion[] = [];
      this.collectLeaves(tree, 0, new Array<number>(this.positions).fill(all), regions);
      return regions;
    });
    return regionSumTable({ baseline: this.model.baseline_prediction, positions: this.positions, blocks: this.blocks, functions }, onProgress);
  }

  /** The regions (products of per-position block sets) of the leaves under `node`, given the sets `allowed` on the way there. */
  private collectLeaves(tree: RegressionTree, node: number, allowed: number[], out: LeafRegion[]): void {
    const f = tree.feature[node]!;
    if (f === LEAF) {
      out.push({ masks: allowed.slice(), value: tree.value[node]! });
      return;
    }
    const position = Math.floor(f / this.blocks);
    const bit = 1 << (f - position * this.blocks);
    // feature value 0 (another block there) and 1 (this block there) each take one branch
    const branches: Array<[number, number]> = [
      [0 <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!, allowed[position]! & ~bit],
      [1 <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!, allowed[position]! & bit],
    ];
    for (const [child, mask] of branches) {
      if (mask === 0) continue;
      const saved = allowed[position]!;
      allowed[position] = mask;
      this.collectLeaves(tree, child, allowed, out);
      allowed[position] = saved;
    }
  }
}
