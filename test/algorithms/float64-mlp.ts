/**
 * Test helpers: an MLP evaluated in float64 from its flat parameters, its Jacobian by central
 * differences, the dense Fisher matrix of a batch, and a dense linear solve — independent
 * references for the TRPO tests.
 */
import type { TrpoBatch } from '../../algorithms/policy-based/trpo.js';
import { flattenValues, parameterCount } from '../../core/tensor/flat-params.js';
import type { Mlp } from '../../core/tensor/mlp.js';
import type { HyperGrid } from '../../envs/hypergrid.js';
import { maskedSoftmax } from './enumeration.js';

/** The network in float64, parameters given flat in `variables` order ([in][out] weights, then bias, per layer). */
export function logits64(mlp: Mlp, params: ArrayLike<number>, obs: Float32Array, rows: number): Float64Array {
  const dims = [mlp.shape.inputDim, ...mlp.shape.hidden, mlp.shape.outputDim];
  let h = Float64Array.from(obs);
  let off = 0;
  for (let l = 0; l + 1 < dims.length; l++) {
    const [din, dout] = [dims[l]!, dims[l + 1]!];
    const w = off;
    const b = off + din * dout;
    off = b + dout;
    const out = new Float64Array(rows * dout);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < dout; o++) {
        let z = params[b + o]!;
        for (let i = 0; i < din; i++) z += h[r * din + i]! * params[w + i * dout + o]!;
        const last = l + 2 === dims.length;
        out[r * dout + o] = last ? z : mlp.shape.activation === 'relu' ? Math.max(z, 0) : mlp.shape.activation === 'tanh' ? Math.tanh(z) : z;
      }
    }
    h = out;
  }
  return h;
}

/** Central differences of the float64 network's logits along direction v. */
export function finiteDifferenceJv(mlp: Mlp, obs: Float32Array, rows: number, v: ArrayLike<number>, h = 1e-6): Float64Array {
  const theta = flattenValues(mlp.variables);
  const plus = theta.map((t, k) => t + h * v[k]!);
  const minus = theta.map((t, k) => t - h * v[k]!);
  const lp = logits64(mlp, plus, obs, rows);
  const lm = logits64(mlp, minus, obs, rows);
  return lp.map((x, k) => (x - lm[k]!) / (2 * h));
}

/** The Jacobian by central differences, column by column: J[j][row · outputDim + o]. */
export function finiteDifferenceJacobian(mlp: Mlp, obs: Float32Array, rows: number, nParams: number): Float64Array[] {
  return Array.from({ length: nParams }, (_, j) => {
    const e = new Float64Array(nParams);
    e[j] = 1;
    return finiteDifferenceJv(mlp, obs, rows, e);
  });
}

/** Solves A x = b (A n x n row-major) by Gaussian elimination with partial pivoting, float64. */
export function solveDense(A: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const n = b.length;
  const a = Array.from({ length: n }, (_, i) => [...Array.from({ length: n }, (_, j) => A[i * n + j]!), b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/**
 * Dense float64 Fisher matrix F = Σ_m J_mᵀ (diag p_m − p_m p_mᵀ) J_m / N and surrogate gradient
 * g = Σ_m A_m J_mᵀ (e_{a_m} − p_m) / N of a batch's visited rows, from central-difference
 * Jacobians at every state of a small environment.
 */
export function denseFisherAndGradient(mlp: Mlp, env: HyperGrid, batch: TrpoBatch): { fisher: Float64Array; gradient: Float64Array } {
  const nA = env.nActions;
  const nParams = parameterCount(mlp.variables);
  const states = env.allStates();
  const obs = env.encode(states);
  const J = finiteDifferenceJacobian(mlp, obs, env.nStates, nParams); // J[j][s·nA + a]
  const logits = logits64(mlp, flattenValues(mlp.variables), obs, env.nStates);
  const mask = env.forwardMask(states);
  const probs = Array.from({ length: env.nStates }, (_, s) => maskedSoftmax(logits.subarray(s * nA, s * nA + nA), mask.subarray(s * nA, s * nA + nA)));
  const index = env.stateIndex(batch.states);
  const count = new Float64Array(env.nStates);
  for (const s of index) count[s]! += 1;
  const fisher = new Float64Array(nParams * nParams);
  for (let s = 0; s < env.nStates; s++) {
    if (count[s] === 0) continue;
    const p = probs[s]!;
    for (let i = 0; i < nParams; i++) {
      for (let j = 0; j < nParams; j++) {
        let f = 0;
        for (let a = 0; a < nA; a++) {
          const ja = J[j]![s * nA + a]!;
          f += J[i]![s * nA + a]! * p[a]! * ja;
          for (let b = 0; b < nA; b++) f -= J[i]![s * nA + a]! * p[a]! * p[b]! * J[j]![s * nA + b]!;
        }
        fisher[i * nParams + j]! += (count[s]! * f) / batch.nTraj;
      }
    }
  }
  const gradient = new Float64Array(nParams);
  for (let m = 0; m < batch.actions.length; m++) {
    const s = index[m]!;
    const w = batch.advantages[m]! / batch.nTraj;
    for (let a = 0; a < nA; a++) {
      const q = w * ((a === batch.actions[m] ? 1 : 0) - probs[s]![a]!);
      for (let j = 0; j < nParams; j++) gradient[j]! += q * J[j]![s * nA + a]!;
    }
  }
  return { fisher, gradient };
}
