import type { OutputGram } from '../../core/estimator.js';

/*
 * Choosing between the two equivalent CG solvers of the trust-region step by estimated time:
 *   matrix-free (parameter space): per iteration one jvp + one vjp, plus ~10 host passes over the
 *     P parameters (float64 ↔ float32 copies, dot products, the x, r, p updates);
 *   output space: one Gram matrix of the R Jacobian rows (a backward chain with R rows and two
 *     Gram products per layer), its R² entries read and widened, then one R x R host product per
 *     iteration.
 * Both need one further vjp (g, or the solution mapped back), which cancels.
 * time ≈ multiply-adds / GEMM_MACS_PER_US + kernels · KERNEL_US + host operations / HOST_OPS_PER_US.
 * Rates measured on the wasm backend (one core, 4x256 MLP; see bench/speed.ts): ~15 G multiply-adds/s
 * in matMul, ~20 µs fixed cost per kernel dispatch, upload or read, ~1 G float64 host
 * operations/s. Only their ratios matter; errors here cost speed, never correctness.
 */
const GEMM_MACS_PER_US = 15_000;
const KERNEL_US = 20;
const HOST_OPS_PER_US = 1_000;
/** Host passes over the parameters per matrix-free iteration. */
const HOST_PASSES_PER_ITERATION = 10;
/** Largest R for the output-space solver (its R x R matrix is held twice: float32 and float64). */
export const MAX_OUTPUT_ROWS = 4096;

/** Whether CG in output space (R rows) is estimated cheaper than matrix-free CG over P parameters. */
export function preferOutputSpace(gram: OutputGram, rows: number, parameters: number, iterations: number): boolean {
  if (rows > MAX_OUTPUT_ROWS) return false;
  const time = (macs: number, kernels: number, host: number): number => macs / GEMM_MACS_PER_US + kernels * KERNEL_US + host / HOST_OPS_PER_US;
  const product = gram.productWork;
  const matrixFree = iterations * time(product.multiplyAdds, product.kernels, HOST_PASSES_PER_ITERATION * parameters);
  const work = gram.work(rows);
  const outputSpace = time(work.multiplyAdds, work.kernels, (iterations + 2) * rows * rows);
  return outputSpace < matrixFree;
}
