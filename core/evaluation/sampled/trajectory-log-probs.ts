import { networkInput } from '../../policy/network-input.js';
import type { Environment } from '../../env/environment.js';
import type { Estimator } from '../../tensor/estimator.js';
import type { BackwardPolicy } from '../../policy/backward.js';
import { gatherTransitions } from '../../sampling/transitions.js';
import type { Trajectories } from '../../sampling/trajectories.js';
import { readValues } from '../../tensor/read.js';
import { PASS_ROWS, rowLogProbs } from './row-log-probs.js';

/** Per-trajectory log P_F(τ) (exit included) and log P_B(τ | x), float64. */
export interface TrajectoryLogProbs {
  logPF: Float64Array;
  logPB: Float64Array;
}

/**
 * log P_F(τ) and log P_B(τ | x) of every trajectory of a batch, forward or backward: the distinct
 * states of its steps go through P_F and P_B `passRows` at a time ({@link rowLogProbs}; no
 * gradient; host arithmetic in float64, summed per trajectory in step order).
 * A backward step from s' by action a to s is the forward step s → s' by the same action index.
 * `knownLogPF` (forward samples scored as they were drawn, see `ScoringSampler`) skips P_F's pass.
 */
export function trajectoryLogProbs(
  env: Environment,
  forward: Estimator,
  backward: BackwardPolicy,
  batch: Trajectories,
  passRows = PASS_ROWS,
  knownLogPF?: Float64Array,
): TrajectoryLogProbs {
  const d = env.stateDim;
  const exit = env.nActions - 1;
  const tr = gatherTransitions(batch, exit);
  const n = batch.nTraj;
  let k = 0;
  for (let m = 0; m < tr.count; m++) if (!tr.isExit[m]) k++;
  // forward rows: every non-exit step as (parent, action), then one (x, exit) row per trajectory;
  // backward rows: the same steps as (child, action)
  // the forward rows only where P_F is not known already (fresh samples keep the logits that drew them)
  const fRows = knownLogPF ? undefined : new Int32Array((k + n) * d);
  const bRows = new Int32Array(k * d);
  const fActions = new Int32Array(k + n).fill(exit);
  const moveTraj = new Int32Array(k);
  const isForward = batch.direction === 'forward';
  for (let m = 0, j = 0; m < tr.count; m++) {
    if (tr.isExit[m]) continue;
    const s = tr.states.subarray(m * d, m * d + d);
    const next = tr.nextStates.subarray(m * d, m * d + d);
    fRows?.set(isForward ? s : next, j * d);
    bRows.set(isForward ? next : s, j * d);
    fActions[j] = tr.actions[m]!;
    moveTraj[j++] = tr.traj[m]!;
  }
  const lpb = rowLogProbs(
    bRows,
    fActions.subarray(0, k),
    d,
    { logits: (rows) => backward.samplingLogits(rows), mask: (rows) => env.backwardMask(rows), width: exit },
    passRows,
  );
  const logPB = new Float64Array(n);
  for (let m = 0; m < k; m++) logPB[moveTraj[m]!]! += lpb[m]!;
  if (!fRows) return { logPF: knownLogPF!, logPB };
  fRows.set(batch.terminalStates(), k * d);
  const lpf = rowLogProbs(
    fRows,
    fActions,
    d,
    { logits: (rows) => readValues(() => forward.predict(networkInput(env, forward, rows))), mask: (rows) => env.forwardMask(rows), width: env.nActions },
    passRows,
  );
  const logPF = new Float64Array(n);
  for (let m = 0; m < k; m++) logPF[moveTraj[m]!]! += lpf[m]!;
  for (let i = 0; i < n; i++) logPF[i]! += lpf[k + i]!;
  return { logPF, logPB };
}
