import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '#tensor-types';
import { tensorOfReusedValues, withFloatValues } from '../tensor/read.js';

/**
 * Added to the logits of disallowed actions. Large enough that exp() underflows to exactly 0 in
 * float32, small enough that arithmetic on it stays finite (−∞ would give NaN in 0·(−∞)).
 */
export const MASKED_LOGIT = -1e9;

/*
 * The masked softmax ops of the losses, each one custom-gradient op computed on the host.
 *
 * Why: written with tensor ops (a penalty matrix added to the logits, a one-hot product,
 * tf.logSumExp) each call is ~10 kernels forward and ~20 backward over every transition's logits,
 * and tf.logSumExp's gradient passes through max's, a broadcasting Equal over all the logits. On
 * the CPU backends (wasm, cpu, tensorflow) the logits are one view or copy away, so here a call
 * is one pass over the allowed entries forward and one backward, in float64, and the gradient is
 * one upload. Masked entries are skipped: they get no exp and exactly zero gradient.
 *
 * The forward pass keeps the allowed entries' exp(logit − row max) as a tensor for the backward
 * pass (inside the backend: no host garbage between the passes), so each exp is taken once; the
 * entropy also keeps the logits. The backward passes read the kept exps (0 where masked), not the
 * caller's mask array, which may have been reused by then.
 */

/** Host scratch buffers, uploaded at once (the wasm backend copies them into its heap). */
const scratch = { exps: new Float32Array(0), values: new Float32Array(0) };

/** Indices of one row's allowed entries ({@link normalise}). */
let allowedScratch = new Int32Array(0);

function buffer(name: keyof typeof scratch, size: number): Float32Array {
  if (scratch[name].length < size) scratch[name] = new Float32Array(Math.max(size, 2 * scratch[name].length));
  return scratch[name].subarray(0, size);
}

function checkMask(op: string, logits: Tensor2D, mask: Uint8Array): void {
  const [m, a] = logits.shape;
  if (mask.length !== m * a) throw new Error(`${op}: mask has ${mask.length} entries, expected rows x actions = ${m} x ${a} = ${m * a}`);
}

/** What the forward pass of a row op knows about each row r of the logits v (M x A). */
interface RowNormalisers {
  /** log Σ_allowed exp(v[r, ·]), float64. */
  lse: Float64Array;
  /** 1 / Σ_allowed exp(v[r, ·] − max_r): p = exps · invZ[r]. */
  invZ: Float64Array;
  /** exp(v − max_r) of allowed entries, 0 of masked ones, float32 (M x A). */
  exps: Float32Array;
}

/**
 * Row log-normalisers and exps of the allowed entries (max-shifted, float64 sums). Throws on a
 * row without an allowed action: its log-probabilities are undefined.
 */
function normalise(op: string, v: Float32Array, mask: Uint8Array, m: number, a: number): RowNormalisers {
  const lse = new Float64Array(m);
  const invZ = new Float64Array(m);
  const exps = buffer('exps', m * a);
  // the row's allowed entries, found in the pass that takes the maximum: the exps loop then skips
  // the masked ones (most of a wide action space early on: bit sequences' inserts, DAG edges);
  // z adds the same terms in the same order, without the + 0 of each masked entry
  if (allowedScratch.length < a) allowedScratch = new Int32Array(Math.max(a, 2 * allowedScratch.length));
  const allowed = allowedScratch;
  for (let r = 0; r < m; r++) {
    const off = r * a;
    let max = -Infinity;
    let n = 0;
    for (let k = off; k < off + a; k++) {
      if (!mask[k]) continue;
      allowed[n++] = k;
      if (v[k]! > max) max = v[k]!;
    }
    if (max === -Infinity) throw new Error(`${op}: row ${r} of ${m} has no allowed action (mask all 0)`);
    let z = 0;
    if (n === a) {
      // every entry allowed: straight through, no index
      for (let k = off; k < off + a; k++) {
        const e = Math.exp(v[k]! - max);
        exps[k] = e;
        z += e;
      }
    } else {
      exps.fill(0, off, off + a);
      for (let j = 0; j < n; j++) {
        const k = allowed[j]!;
        const e = Math.exp(v[k]! - max);
        exps[k] = e;
        z += e;
      }
    }
    lse[r] = max + Math.log(z);
    invZ[r] = 1 / z;
  }
  return { lse, invZ, exps };
}

/** The arrays a row op's backward pass reads: the kept exps, the logits if asked, dy, and its output g. */
interface Backward {
  exps: Float32Array;
  v: Float32Array;
  dy: Float32Array;
  g: Float32Array;
}

/** What a row op computes (see {@link maskedRowOp}). */
interface RowOpSpec {
  /** Shape of the output. */
  shape: number[];
  /** The backward pass needs the logits (`Backward.v`; otherwise empty). */
  keepLogits: boolean;
  /** The output values from the logits' values `v` and their {@link RowNormalisers}. */
  forward: (v: Float32Array, n: RowNormalisers) => Float32Array;
  /** Writes the gradient of every entry into `b.g` (masked ones included: 0). */
  backward: (n: RowNormalisers, b: Backward) => void;
}

/** The custom-gradient op `spec` over the logits (M x A) under `mask`. */
function maskedRowOp(op: string, logits: Tensor2D, mask: Uint8Array, spec: RowOpSpec): Tensor {
  checkMask(op, logits, mask);
  const { keepLogits, forward, backward } = spec;
  const [m, a] = logits.shape;
  const { shape } = spec;
  const f = tf.customGrad((...args: unknown[]) => {
    const x = args[0] as Tensor;
    const save = args[1] as tf.GradSaveFunc;
    let norms: RowNormalisers = { lse: new Float64Array(0), invZ: new Float64Array(0), exps: new Float32Array(0) };
    // the heap view is used up before any tensor is made (making one may move the heap)
    const values =
      m === 0
        ? new Float32Array(0)
        : withFloatValues(x, (v) => {
            norms = normalise(op, v, mask, m, a);
            return forward(v, norms);
          });
    const exps = tensorOfReusedValues(norms.exps, [m, a]);
    save(keepLogits ? [exps, x] : [exps]);
    exps.dispose();
    return {
      value: tensorOfReusedValues(values, shape),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        if (m === 0) return tf.zeros([0, a]);
        const g = buffer('values', m * a);
        const none = new Float32Array(0);
        withFloatValues(dy, (dyv) =>
          withFloatValues(saved[0]!, (e) =>
            keepLogits ? withFloatValues(saved[1]!, (v) => backward(norms, { exps: e, v, dy: dyv, g })) : backward(norms, { exps: e, v: none, dy: dyv, g }),
          ),
        );
        return tensorOfReusedValues(g, [m, a]);
      },
    };
  });
  return (f as unknown as (t: Tensor2D) => Tensor)(logits);
}

/**
 * Differentiable log-probabilities `log π(a_r | s_r)` of the taken actions under a masked softmax
 * of `logits`: logit of the action minus the log-sum-exp over allowed actions. Gradient:
 * dy·(onehot(a_r) − softmax) on allowed entries, 0 on masked ones.
 *
 * Without `rows`, `logits` and `mask` have one row per action (M x A). With `rows`, they have one
 * row per distinct state (U x A) and `rows[r]` is the row of action r: each distinct state's
 * normaliser is computed once, and the gradient is summed into its row on the host (no gathered
 * M x A copy, no gather kernel forward or segment sum backward).
 * Throws on a row without an allowed action or whose taken action is not allowed.
 */
export function takenLogProbs(logits: Tensor2D, mask: Uint8Array, actions: Int32Array, rows?: Int32Array): Tensor1D {
  const op = 'takenLogProbs';
  const [u, a] = logits.shape;
  const m = rows ? rows.length : u;
  if (actions.length !== m) throw new Error(`${op}: actions has ${actions.length} entries, expected one per row (${m})`);
  checkMask(op, logits, mask);
  const rowOf = (r: number): number => (rows ? rows[r]! : r);
  for (let r = 0; r < m; r++) {
    const row = rowOf(r);
    if (!(row >= 0 && row < u)) throw new Error(`${op}: rows[${r}] = ${row} is not a row of the logits (valid: 0..${u - 1})`);
    const act = actions[r]!;
    if (!(act >= 0 && act < a) || !mask[row * a + act]) {
      throw new Error(`${op}: action ${act} of row ${r} is not allowed there (valid: the row's allowed actions in 0..${a - 1})`);
    }
  }
  // float64 log-probabilities of the taken actions: 1 − p of a taken entry as −expm1(log p)
  const taken = new Float64Array(m);
  return maskedRowOp(op, logits, mask, {
    shape: [m],
    keepLogits: false,
    forward: (v, { lse }) => {
      for (let r = 0; r < m; r++) taken[r] = v[rowOf(r) * a + actions[r]!]! - lse[rowOf(r)]!;
      return Float32Array.from(taken);
    },
    backward: ({ invZ }, { exps, dy, g }) => {
      // per distinct row, Σ dy of its actions; per taken entry, Σ dy of the actions taking it
      const rowSum = new Float64Array(u);
      const entrySum = new Map<number, { dy: number; r: number }>();
      for (let r = 0; r < m; r++) {
        rowSum[rowOf(r)]! += dy[r]!;
        const entry = rowOf(r) * a + actions[r]!;
        const seen = entrySum.get(entry);
        if (seen) seen.dy += dy[r]!;
        else entrySum.set(entry, { dy: dy[r]!, r });
      }
      for (let row = 0; row < u; row++) {
        const scale = -rowSum[row]! * invZ[row]!;
        // exps are 0 at masked entries; + 0 turns −0 into 0
        for (let k = row * a; k < (row + 1) * a; k++) g[k] = scale * exps[k]! + 0;
      }
      // a taken entry: S·(1 − p) − (D − S)·p, with S its actions' dy and D its row's
      entrySum.forEach(({ dy: sum, r }, entry) => {
        const logp = taken[r]!;
        g[entry] = -sum * Math.expm1(logp) - (rowSum[rowOf(r)]! - sum) * Math.exp(logp) + 0;
      });
    },
  }) as Tensor1D;
}

/**
 * Differentiable masked log-softmax of all actions, M x A: allowed entries log π(a | s_m),
 * masked entries exactly {@link MASKED_LOGIT}. Gradient: dy − softmax·Σ_allowed dy on allowed
 * entries, 0 on masked ones. Throws on a row without an allowed action.
 */
export function maskedLogSoftmax(logits: Tensor2D, mask: Uint8Array): Tensor2D {
  const [m, a] = logits.shape;
  // the backward pass needs the mask (an allowed entry's p may underflow to 0); the caller may reuse its array
  const allowed = mask.slice();
  return maskedRowOp('maskedLogSoftmax', logits, mask, {
    shape: [m, a],
    keepLogits: false,
    forward: (v, { lse }) => {
      const out = buffer('values', m * a);
      for (let r = 0; r < m; r++) {
        const l = lse[r]!;
        for (let k = r * a; k < (r + 1) * a; k++) out[k] = mask[k] ? v[k]! - l : MASKED_LOGIT;
      }
      return out;
    },
    backward: ({ invZ }, { exps, dy, g }) => {
      for (let r = 0; r < m; r++) {
        const off = r * a;
        let sum = 0;
        for (let k = off; k < off + a; k++) if (allowed[k]) sum += dy[k]!;
        const scale = sum * invZ[r]!;
        for (let k = off; k < off + a; k++) g[k] = allowed[k] ? dy[k]! - exps[k]! * scale : 0;
      }
    },
  }) as Tensor2D;
}

/**
 * Differentiable entropy of each row's masked softmax, M (masked actions contribute 0):
 * H = −Σ p log p over allowed actions. Gradient: −dy·p·(log p + H) on allowed entries, 0 on
 * masked ones. Throws on a row without an allowed action.
 */
export function maskedEntropy(logits: Tensor2D, mask: Uint8Array): Tensor1D {
  const [m, a] = logits.shape;
  const h = new Float64Array(m);
  return maskedRowOp('maskedEntropy', logits, mask, {
    shape: [m],
    keepLogits: true,
    forward: (v, { lse, invZ, exps }) => {
      for (let r = 0; r < m; r++) {
        let s = 0;
        for (let k = r * a; k < (r + 1) * a; k++) if (mask[k]) s -= exps[k]! * invZ[r]! * (v[k]! - lse[r]!);
        h[r] = s;
      }
      return Float32Array.from(h);
    },
    backward: ({ lse, invZ }, { exps, v, dy, g }) => {
      for (let r = 0; r < m; r++) {
        const scale = -dy[r]! * invZ[r]!;
        const shift = h[r]! - lse[r]!;
        for (let k = r * a; k < (r + 1) * a; k++) g[k] = scale * exps[k]! * (v[k]! + shift) + 0;
      }
    },
  }) as Tensor1D;
}

/**
 * Differentiable log Σ_allowed exp(logits[m, ·]) of each row, M. Gradient: dy·softmax on allowed
 * entries, 0 on masked ones. Throws on a row without an allowed action.
 */
export function maskedLogSumExp(logits: Tensor2D, mask: Uint8Array): Tensor1D {
  const [m, a] = logits.shape;
  return maskedRowOp('maskedLogSumExp', logits, mask, {
    shape: [m],
    keepLogits: false,
    forward: (_v, { lse }) => Float32Array.from(lse),
    backward: ({ invZ }, { exps, dy, g }) => {
      for (let r = 0; r < m; r++) {
        const scale = dy[r]! * invZ[r]!;
        for (let k = r * a; k < (r + 1) * a; k++) g[k] = scale * exps[k]! + 0;
      }
    },
  }) as Tensor1D;
}
