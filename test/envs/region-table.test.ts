import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import { type RegressionTree, TreeEnsembleProxy } from '../../envs/sequence/seh-proxy.js';

/**
 * A random tree over `positions` × `blocks` one-hot features, nodes in preorder (children after
 * their parent, as the model file requires). Thresholds outside [0, 1) send both feature values the
 * same way, so a leaf is reached through two disjoint regions; leaf values are long fractions, so
 * that a change in the order of additions would show in the last bits.
 */
function randomTree(rng: Rng, positions: number, blocks: number, depth: number): RegressionTree {
  const tree: RegressionTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const grow = (level: number): number => {
    const node = tree.feature.length;
    const leaf = level === depth || rng.uniform() < 0.2;
    tree.feature.push(leaf ? -2 : rng.int(positions * blocks));
    tree.threshold.push(leaf ? -2 : [0.5, 0.5, 0.5, -1, 1.5][rng.int(5)]!);
    tree.value.push((rng.uniform() - 0.5) * Math.PI * 10 ** rng.int(4));
    tree.left.push(-1);
    tree.right.push(-1);
    if (!leaf) {
      tree.left[node] = grow(level + 1);
      tree.right[node] = grow(level + 1);
    }
    return node;
  };
  grow(0);
  return tree;
}

describe('the full prediction table of a tree ensemble, by leaf regions in chunks', () => {
  it('equals one walk per string, bit for bit, on every string of random ensembles', () => {
    const rng = new Rng(2024);
    // 4 and 5 positions are filled chunk by chunk (the first positions pick the chunk); 1–3 in one chunk
    for (const [positions, blocks] of [
      [1, 4],
      [2, 3],
      [3, 5],
      [4, 3],
      [5, 4],
    ] as const) {
      const trees = Array.from({ length: 12 }, () => randomTree(rng, positions, blocks, 7));
      const proxy = new TreeEnsembleProxy({ baseline_prediction: 0.1 + rng.uniform(), n_positions: positions, n_blocks: blocks, trees });
      const fractions: number[] = [];
      const table = proxy.predictAll((f) => fractions.push(f));
      expect(table.length).toBe(blocks ** positions);
      let mismatches = 0;
      for (let i = 0; i < table.length; i++) if (!Object.is(table[i], proxy.predictIndex(i))) mismatches++;
      expect(mismatches, `${positions} positions × ${blocks} blocks`).toBe(0);
      // progress rises to exactly 1
      expect(fractions.at(-1)).toBe(1);
      expect(fractions.every((f, k) => f > 0 && (k === 0 || f > fractions[k - 1]!))).toBe(true);
    }
  });
});
