import type { OutputGram, WorkEstimate } from '../../core/tensor/estimator.js';
import type { OutputRows } from './output-space-cg.js';

/*
 * Choosing between the two equivalent CG solvers of the trust-region step by estimated time:
 *   matrix-free (parameter space): per iteration one jvp + one vjp, plus ~10 host passes over the
 *     P parameters (float64 ↔ float32 copies, dot products, the x, r, p updates);
 *   output space: one Gram matrix of the Jacobian rows (a backward chain with blocks·M rows and
 *     two Gram products per layer, combined on the host), then one R x R host product per
 *     iteration.
 * Both need one further vjp (g, or the solution mapped back), which cancels.
 * time ≈ multiply-adds / GEMM_MACS_PER_US + kernels · KERNEL_US + host operations / HOST_OPS_PER_US.
 * Rates measured on the wasm backend on a shared 2-core machine (under load): a
 * 300x256 by 256x256 matMul ~5–7.5 G multiply-adds/s (operand packing included), 10–40 µs fixed
 * cost per kernel dispatch, upload or read, ~1 G float64 host operations/s. Only their ratios
 * matter, and on HyperGrid the two estimates differ ~10x; a wrong choice costs speed, never
 * correctness (both solve the same system; see output-space-cg.ts).
 */
const GEMM_MACS_PER_US = 7_000;
const KERNEL_US = 20;
const HOST_OPS_PER_US = 1_000;
/** Host passes over the parameters per matrix-free iteration. */
const HOST_PASSES_PER_ITERATION = 10;
/** Largest Gram matrix side for the output-space solver (32 MB in float64, plus a float32 read per layer). */
export const MAX_GRAM_SIDE = 2048;

/** Whether CG in output space (on `rows`) is estimated cheaper than matrix-free CG over P parameters. */
export function preferOutputSpace(gram: OutputGram, rows: OutputRows, parameters: number, iterations: number): boolean {
  // the Gram matrix in block layout has (blocks · distinct states)² entries
  if (rows.blocks * rows.reference.length > MAX_GRAM_SIDE) return false;
  const time = (w: WorkEstimate): number => w.multiplyAdds / GEMM_MACS_PER_US + w.kernels * KERNEL_US + w.hostOperations / HOST_OPS_PER_US;
  const product = gram.productWork;
  const matrixFree = iterations * time({ ...product, hostOperations: product.hostOperations + HOST_PASSES_PER_ITERATION * parameters });
  const work = gram.work(rows.blocks);
  // K̃ extracted from the block layout, then one R x R product per iteration and one for sᵀg
  const outputSpace = time({ ...work, hostOperations: work.hostOperations + (iterations + 2) * rows.count * rows.count });
  return outputSpace < matrixFree;
}
