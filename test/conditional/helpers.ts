/**
 * Test helpers for conditional runs: a temperature condition space from a partial `condition`
 * section, and forward batches whose trajectories carry a given β each.
 */
import type { ConditionConfig } from '../../core/env/condition/condition-config.js';
import { ConditionalEnvironment } from '../../core/env/condition/conditional-environment.js';
import { TemperatureSpace } from '../../core/env/condition/temperature-space.js';
import type { Environment } from '../../core/env/environment.js';
import { Trajectories } from '../../core/sampling/trajectories.js';

/** A `condition` section with every field filled in (β ~ log-uniform[0.5, 4] unless `patch` says otherwise). */
export function conditionConfig(patch: Partial<ConditionConfig> = {}): ConditionConfig {
  return {
    beta: { distribution: 'log-uniform', min: 0.5, max: 4 },
    grid: [0.5, 1, 2, 4],
    reference: 1,
    encoding: 'product',
    residualWeight: 'inverse-beta',
    ...patch,
  };
}

/** `base` conditioned on β by `condition`. */
export function conditional(base: Environment, patch: Partial<ConditionConfig> = {}): ConditionalEnvironment {
  return new ConditionalEnvironment(base, new TemperatureSpace(conditionConfig(patch)));
}

/**
 * The forward batch `plain` (trajectories of the environment itself) with trajectory i carrying
 * `betas[i]` in every real state (padding stays −1), and its log-rewards those of the conditional
 * environment (β_i·log R).
 */
export function conditionedBatch(env: ConditionalEnvironment, plain: Trajectories, betas: readonly number[]): Trajectories {
  const d = plain.stateDim;
  const D = env.stateDim;
  const n = plain.nTraj;
  const rows = (plain.maxSteps + 1) * n;
  const states = new Int32Array(rows * D).fill(-1);
  for (let r = 0; r < rows; r++) {
    const s = plain.states.subarray(r * d, r * d + d);
    if (s[0] === -1) continue;
    states.set(env.withCondition(s, Float32Array.of(betas[r % n]!)), r * D);
  }
  const out = new Trajectories('forward', n, plain.maxSteps, D, states, plain.actions, plain.lengths, new Float64Array(n));
  return new Trajectories('forward', n, plain.maxSteps, D, states, plain.actions, plain.lengths, env.logReward(out.terminalStates()));
}
